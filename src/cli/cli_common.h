// What every client command shares: the --endpoint-url and --region flags, query-string
// encoding, and a signed client built from the flags and the environment (CONTRACT §4).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cli/client.h"

namespace amiplace::cli {

void AddEndpointFlags(CLI::App* cmd, std::string& endpoint, std::string& region);

// Percent-encodes everything but RFC 3986's unreserved characters.
std::string UrlEncode(std::string_view s);

// A client for `endpoint`/`region` (flags; "" → the environment's); nullopt after printing
// "MissingCredentials: …" on stderr when no access key is set.
std::optional<Client> ClientFor(const std::string& endpoint, const std::string& region);

}  // namespace amiplace::cli
