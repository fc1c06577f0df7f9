// EC2 answers each client error with a code of its own ("InvalidAMIID.NotFound",
// "MissingParameter", ...), far more than the closed set of ErrorCode. The use cases behind the EC2
// surface keep the ErrorCode for the kind of failure and put EC2's code in front of the message:
// "InvalidAMIID.NotFound: The image id '[ami-…]' does not exist". Only protocols/errors.cc splits
// it off again, when it answers in EC2's XML shape; every other protocol never sees such messages.
// Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace amiplace {

inline Status Ec2Error(ErrorCode kind, std::string_view ec2_code, std::string_view message) {
  return Status(kind, std::string(ec2_code) + ": " + std::string(message));
}

struct Ec2CodedMessage {
  std::string_view code;     // "InvalidAMIID.NotFound"
  std::string_view message;  // what follows ": "
};

// Splits a message made by Ec2Error; nullopt when it carries no EC2 code. A code is one or more
// dot-separated words of letters and digits, each starting with a capital letter.
inline std::optional<Ec2CodedMessage> SplitEc2Code(std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view code = message.substr(0, colon);
  bool word_start = true;
  for (char c : code) {
    if (word_start) {
      if (c < 'A' || c > 'Z') return std::nullopt;
      word_start = false;
    } else if (c == '.') {
      word_start = true;
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
      return std::nullopt;
    }
  }
  if (word_start) return std::nullopt;  // ends with '.'
  return Ec2CodedMessage{code, message.substr(colon + 2)};
}

}  // namespace amiplace
