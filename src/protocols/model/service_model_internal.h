// The compiled form of a ServiceModel, shared by the files that implement it:
// service_model.cc (loading and validation) and service_model_binding.cc (rest-json binding).
// Not part of the public interface; include service_model.h instead. Everything here is built
// once by ServiceModel::Load and read-only afterwards, so safe for concurrent reads.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "protocols/model/java_pattern.h"
#include "protocols/model/service_model.h"

namespace amiplace::model {
namespace internal {

enum class Kind : uint8_t {
  kString,
  kInteger,
  kFloat,
  kBoolean,
  kTimestamp,
  kBlob,
  kList,
  kMap,
  kStructure,
  kDocument
};
enum class TsFormat : uint8_t { kDefault, kIso8601, kUnix, kRfc822 };
enum class Location : uint8_t { kBody, kQuery, kHeader, kOther };

struct MemberDef {
  std::string name;      // as in the request: "ChangeSet"
  std::string aws_name;  // as AWS's messages spell it: "changeSet"
  std::string location_name;
  int shape = -1;
  Location location = Location::kBody;
  TsFormat ts = TsFormat::kDefault;  // effective format when the member is a timestamp
};

struct ShapeDef {
  std::string name;
  Kind kind = Kind::kDocument;
  bool sensitive = false;
  std::optional<int64_t> min_len, max_len;  // strings (code points), lists, maps
  int64_t min_int = 0, max_int = 0;         // integers, with the type's own range as default
  std::optional<double> min_num, max_num;   // floats
  std::optional<Pattern> pattern;
  std::vector<std::string> enums;
  std::string enum_text;
  int member = -1, key = -1, value = -1;
  std::vector<MemberDef> members;
  std::vector<int> required;  // indexes into members
  bool is_union = false;
  TsFormat ts = TsFormat::kDefault;

  const MemberDef* FindMember(std::string_view n) const {
    for (const MemberDef& m : members) {
      if (m.name == n) return &m;
    }
    return nullptr;
  }
};

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace internal

struct ServiceModel::Data {
  std::string service_id;
  std::string protocol, target_prefix;
  std::vector<internal::ShapeDef> shapes;
  std::vector<Operation> operations;
  std::unordered_map<std::string, int, internal::SvHash, std::equal_to<>> ops_by_name;
  std::unordered_map<std::string, std::vector<int>, internal::SvHash, std::equal_to<>> ops_by_path;
  std::vector<PatternIssue> issues;
  // The protocol's default for body timestamps.
  internal::TsFormat body_ts = internal::TsFormat::kUnix;
};

namespace internal {

// Implemented in service_model.cc, used by the binding as well.

// Appends `s`, cut at a code-point boundary with "..." when it is longer than a message echoes.
void AppendTruncated(std::string& out, std::string_view s);

// The constraint a value's JSON type breaks, or empty when the type is right.
std::string_view TypeProblem(const ShapeDef& s, const boost::json::value& v, TsFormat ts);

// The kValidation status for one violation by top-level input member `m` of `op`, worded as
// ValidateInput words it ("1 validation error detected: Value ... at 'member' (Member) ...").
Status MemberViolation(const ServiceModel::Data& d, const ServiceModel::Operation& op,
                       const MemberDef& m, const boost::json::value& v, bool sensitive,
                       std::string_view constraint);

}  // namespace internal
}  // namespace amiplace::model
