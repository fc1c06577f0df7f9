// ServiceModel: an AWS botocore service model (service-2.json), compiled once at start-up into a
// validator that enforces every limit the model states for an operation's input: required
// members, string length (in Unicode code points), patterns, enums, list and map sizes, number
// ranges, JSON types, unions (exactly one member set) and unknown members. Messages follow AWS:
//
//   1 validation error detected: Value 'x y' at 'changeSet.1.member.changeType'
//   (ChangeSet[0].ChangeType) failed to satisfy constraint: Member must satisfy regular
//   expression pattern: ^[A-Z][\w]*$
//
// The quoted path is AWS's (lower-camel names, 1-based `.N.member` list steps, `.key` map steps);
// the one in parentheses spells the member as the SDK caller wrote it. At most ten violations are
// listed; the count covers all of them. Sensitive shapes never echo their value.
//
// Patterns. Models carry Java regexes. They are compiled at Load by a small engine of our own
// (Pattern, java_pattern.h, which says what it covers and why std::regex is not used). Choices to
// know:
//   * Search semantics: a pattern must match somewhere in the value, as Smithy specifies
//     ("patterns are not implicitly anchored"); `^` and `$` anchor at the value's start and end
//     (`$` does not accept a trailing newline as Java's does). Every Catalog pattern is anchored.
//   * \p{L}, \p{N}, \p{Z} (TagKey, TagValue) are exact on ASCII and accept every non-ASCII code
//     point (no Unicode tables); such patterns are listed in pattern_issues() with enforced=true.
//   * Two Catalog patterns that every real client breaks are replaced while the model still has
//     them (listed with enforced=true): EntityType also takes a version ("AmiProduct@1.0"), and
//     Identifier also takes a reference to an earlier change
//     ("$CreateProductChange.Entity.Identifier").
// Not enforced, and listed in pattern_issues() with enforced=false:
//   * patterns that use anything else (backreferences, lookaround, possessive quantifiers,
//     nested classes, \b, ...): the engine refuses them;
//   * known-broken single-character patterns: a pattern anchored at both ends whose longest match
//     is one code point (`^[a-zA-Z]$`) on a string shape whose max allows more (ChangeName,
//     NextToken in the Catalog model);
//   * double-escaped patterns (`\\S`, meaning a literal backslash then `S`; EntityNameString).
//
// Thread safety: a ServiceModel is immutable after Load and safe for concurrent use; copies
// share the compiled data.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace amiplace::model {

class ServiceModel {
 public:
  struct Operation {
    std::string name;         // "DescribeEntity"
    std::string http_method;  // "GET"
    std::string request_uri;  // as in the model, possibly with a literal query part
    std::string path;         // request_uri without its query part
    std::string input_shape;  // empty when the operation takes no input
    std::string output_shape;
    int input = -1;  // index of the compiled input shape, -1 for none
  };

  // A pattern from the model that is not enforced, or enforced only approximately.
  struct PatternIssue {
    std::string shape;
    std::string pattern;
    std::string reason;
    bool enforced = false;
  };

  // Parses the model, resolves every shape and compiles every pattern. A malformed model or a
  // reference to a missing shape → kInternal.
  static Result<ServiceModel> Load(std::string_view model_json);

  const std::string& protocol() const;       // metadata.protocol: "rest-json", "json", ...
  const std::string& target_prefix() const;  // metadata.targetPrefix (awsJson), else empty
  const std::vector<Operation>& operations() const;
  const std::vector<PatternIssue>& pattern_issues() const;

  const Operation* FindOperation(std::string_view name) const;

  // The rest-json operation for an HTTP method and a path without its query string, e.g.
  // ("GET", "/DescribeEntity"). Exact match on the model's path; URI labels ({Name}) are not
  // supported (none of the marketplace models uses them).
  const Operation* MatchRestOperation(std::string_view method, std::string_view path) const;

  // Builds the operation's input object from a rest-json request. Members with
  // "location":"querystring" come from `query` (key = locationName; a list from repeated keys; a
  // scalar takes the first value; a map-typed member collects every key no other member binds),
  // "header" members from `header(locationName)` (a list splits on commas), the rest from the
  // JSON body (nullptr = empty body = {}). Query and header text is converted to the member's
  // type (integer, boolean, ...). A body that is not an object, a body member that the model binds
  // to the query or a header, invalid UTF-8, text that does not convert, or a top-level body
  // member of the wrong JSON type → kValidation naming the member. Deeper checks are
  // ValidateInput's.
  Result<boost::json::object> BindRestInput(
      const Operation& op, const std::multimap<std::string, std::string>& query,
      const std::function<std::optional<std::string>(std::string_view)>& header,
      const boost::json::value* body) const;

  // Validates an input object against the operation's input shape; OK or kValidation listing
  // the violations (see the top of this file). JSON null counts as absent. Allocates nothing
  // when the input is valid.
  Status ValidateInput(const Operation& op, const boost::json::value& input) const;

  struct Data;  // compiled shapes; defined in service_model_internal.h

 private:
  explicit ServiceModel(std::shared_ptr<const Data> d) : d_(std::move(d)) {}
  std::shared_ptr<const Data> d_;
};

}  // namespace amiplace::model
