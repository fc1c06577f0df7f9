// The parameters of an EC2 query-protocol request: `application/x-www-form-urlencoded` text (the
// body of a POST, or the query of a GET), decoded. Names are EC2's flattened member names:
// "Name", "ImageId.1", "BlockDeviceMapping.1.Ebs.SnapshotId", "Filter.2.Value.1". Lists are
// numbered from 1; the numbers need not be contiguous, and their order is numeric.
// Value type; thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace amiplace::protocols::ec2 {

// Decodes one form-encoded component: "+" is a space, "%XX" a byte. nullopt for a broken escape.
std::optional<std::string> FormDecode(std::string_view text);

class Params {
 public:
  // Parses `encoded` ("a=1&b=2"). A broken escape, a value that is not UTF-8 or a name given twice
  // is a kMalformedRequest naming it.
  static Result<Params> Parse(std::string_view encoded);

  // The value of `name`, or nullptr.
  const std::string* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  // The list numbers N used under `prefix` ("Filter" → N of "Filter.N" and "Filter.N.…"), in
  // numeric order. A part after "prefix." that is not a positive number is a kValidation
  // naming the parameter (EC2's UnknownParameter).
  Result<std::vector<int>> Indices(std::string_view prefix) const;

  // Values of a list of strings: "ImageId.1", "ImageId.2", … → in numeric order.
  Result<std::vector<std::string>> List(std::string_view prefix) const;

  const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace amiplace::protocols::ec2
