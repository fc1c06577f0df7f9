#include "cli/cli_common.h"

#include <iostream>

namespace amiplace::cli {

void AddEndpointFlags(CLI::App* cmd, std::string& endpoint, std::string& region) {
  cmd->add_option("--endpoint-url", endpoint, "Server URL (default $AMIPLACE_ENDPOINT_URL or http://127.0.0.1:8080)");
  cmd->add_option("--region", region, "Signing region (default $AWS_REGION or us-east-1)");
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::optional<Client> ClientFor(const std::string& endpoint, const std::string& region) {
  ClientConfig config = ConfigFromEnvironment(endpoint, region);
  if (config.credentials.access_key_id.empty() || config.credentials.secret_access_key.empty()) {
    std::cerr << "MissingCredentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n";
    return std::nullopt;
  }
  return std::optional<Client>(std::in_place, config);
}

}  // namespace amiplace::cli
