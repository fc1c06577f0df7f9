// Errors that AWS's JSON services (Metering, Entitlement) name with a type of their own
// ("DuplicateRequestException", "TimestampOutOfBoundsException", ...), more than the closed set of
// ErrorCode. Use cases keep the ErrorCode for the kind of failure (it picks the HTTP status) and put
// the type in front of the message: "DuplicateRequestException: A record for ...". Only
// protocols/errors.cc splits it off again, for the awsJson shape {"__type","message"}; a type is
// recognised only when it is one CamelCase word ending in "Exception", or is "DryRunOperation".
// Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace amiplace {

inline Status ServiceError(ErrorCode kind, std::string_view type, std::string_view message) {
  return Status(kind, std::string(type) + ": " + std::string(message));
}

struct ServiceCodedMessage {
  std::string_view type;     // "DuplicateRequestException"
  std::string_view message;  // what follows ": "
};

inline std::optional<ServiceCodedMessage> SplitServiceType(std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view type = message.substr(0, colon);
  if (type[0] < 'A' || type[0] > 'Z') return std::nullopt;
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return std::nullopt;
    }
  }
  if (!type.ends_with("Exception") && type != "DryRunOperation") return std::nullopt;
  return ServiceCodedMessage{type, message.substr(colon + 2)};
}

}  // namespace amiplace
