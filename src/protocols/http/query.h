// Parsing of URL query strings: `a=1&b=x%20y` → {a: "1", b: "x y"}. '+' stays a plus, as AWS's
// clients encode spaces as %20. Stateless; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace amiplace::http {

std::string PercentDecode(std::string_view s);
std::multimap<std::string, std::string> ParseQuery(std::string_view query);
// The first value of `key`, or "".
std::string QueryValue(std::string_view query, std::string_view key);

}  // namespace amiplace::http
