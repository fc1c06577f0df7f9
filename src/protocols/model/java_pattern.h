// Pattern: a small engine for the Java regular expressions (java.util.regex syntax) that AWS
// service models put on string shapes. Compile parses a pattern into a Thompson NFA; Search runs
// it bit-parallel (one machine word of states) when it has at most 63 character states and as a
// Pike VM otherwise: O(length x states), no recursion, no per-call allocation, ~4 ns per
// character. std::regex is not used on purpose: libstdc++'s ECMAScript executor recurses once per
// input character and overflows a 2 MB stack on a 10-16 KB value, which the Catalog model allows
// (Json, ResourcePolicyJson); the tests use it as an oracle on every pattern of the three
// marketplace models.
//
// The engine covers literals, `.`, classes with ranges, \w \s \d \W \S \D, \uXXXX, \xHH, groups,
// `|`, greedy/lazy quantifiers `? * + {n} {n,} {n,m}`, and `^` `$`. Java's semantics are kept:
// \w \s \d are ASCII-only, `.` excludes line terminators. Search semantics: a pattern must match
// somewhere in the value, as Smithy specifies ("patterns are not implicitly anchored"); `^` and
// `$` anchor at the value's start and end (`$` does not accept a trailing newline as Java's does).
// \p{L}, \p{N}, \p{Z} are exact on ASCII and accept every non-ASCII code point (no Unicode
// tables); approximate() reports them. Anything else (backreferences, lookaround, possessive
// quantifiers, nested classes, \b, ...) is refused by Compile.
//
// Thread safety: a Pattern is immutable and safe for concurrent use; copies share the compiled
// program. Search uses thread-local scratch buffers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace amiplace::model {

// A compiled Java-syntax regular expression (the subset described above). Immutable.
class Pattern {
 public:
  // kValidation with the reason when the pattern uses a construct the engine does not support
  // or is malformed.
  static Result<Pattern> Compile(std::string_view java_regex);

  // True when the pattern matches somewhere in `utf8` (search semantics; anchors anchor).
  // Invalid UTF-8 bytes count as U+FFFD.
  bool Search(std::string_view utf8) const;

  const std::string& source() const;
  // True when the pattern uses \p{L}/\p{N}/\p{Z}, which are approximated (see above).
  bool approximate() const;
  // Both ends anchored and no match can be longer than one code point.
  bool single_code_point() const;

 private:
  struct Program;
  explicit Pattern(std::shared_ptr<const Program> p) : prog_(std::move(p)) {}
  std::shared_ptr<const Program> prog_;
};

}  // namespace amiplace::model
