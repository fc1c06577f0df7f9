// Small helpers over Boost.JSON used across layers: safe parsing with a size cap, typed member
// access, and serialization. Stateless; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace amiplace::json {

namespace bj = boost::json;

// Parses `text` as JSON; nesting depth is capped. Malformed → kMalformedRequest naming `what`.
Result<bj::value> Parse(std::string_view text, std::string_view what = "request body");

std::string Serialize(const bj::value& v);

// Member access that tolerates missing members and wrong types (returns nullptr / nullopt).
const bj::value* Find(const bj::object& o, std::string_view key);
std::optional<std::string> GetString(const bj::object& o, std::string_view key);

// Canonical serialization (object keys sorted) for hashing requests.
std::string Canonical(const bj::value& v);

}  // namespace amiplace::json
