// The canonical request of AWS Signature Version 4, piece by piece: the canonical URI (dot and
// empty segments removed, then percent-encoded a second time, as botocore and the JS SDK do for
// every service but S3), the canonical query (each name and value decoded, strictly re-encoded,
// then sorted), the canonical headers (values trimmed, inner blanks collapsed, repeats joined with
// ','), and the X-Amz-Date format. Verify() and Sign() (sigv4.h, which includes this header) build
// their canonical requests from these. The functions in amiplace::sigv4 are the public building
// blocks, for tests and diagnostics; those in sigv4::internal are shared with sigv4.cc only.
//
// Thread-safety: every function is thread-safe. AppendCanonicalUri and AppendCanonicalQuery reuse
// per-thread scratch buffers, so the hot path allocates nothing once they have grown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "protocols/http/message.h"

namespace amiplace::sigv4 {

// "20150830T123600Z".
std::string FormatAmzDate(TimePoint t);
// Percent-encodes every byte but RFC 3986's unreserved characters (and '/' if `keep_slash`),
// with upper-case hex digits. Appends to `out`.
void UriEncode(std::string_view in, bool keep_slash, std::string& out);
// The canonical URI for a raw (encoded) path: dot segments and empty segments removed, trailing
// slash kept, then encoded once more ("/a%20b" → "/a%2520b").
std::string CanonicalUri(std::string_view raw_path);
// The canonical query string for a raw (encoded) query, without '?'. `drop_signature` leaves
// out X-Amz-Signature, as a presigned request's canonical form does.
std::string CanonicalQuery(std::string_view raw_query, bool drop_signature = false);

namespace internal {

// ---- ASCII helpers, inline because header scanning calls them per header ----------------------

inline char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

inline bool IsSpace(char c) { return c == ' ' || c == '\t'; }

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

template <typename Fn>
void ForEachSplit(std::string_view s, char sep, Fn&& fn) {
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    fn(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
}

// ---- canonical request pieces --------------------------------------------------------------

// `in` percent-decoded. A '%' that does not start a valid escape is taken literally; '+' is a
// literal plus (botocore and the JS SDK send spaces as %20).
std::string PercentDecode(std::string_view in);

// Appends a header value trimmed, with each internal run of blanks collapsed to one space.
void AppendTrimmedCollapsed(std::string_view value, std::string& out);

// The Append* forms of CanonicalUri and CanonicalQuery.
void AppendCanonicalUri(std::string_view raw_path, std::string& out);
void AppendCanonicalQuery(std::string_view raw_query, bool drop_signature, std::string& out);

// Appends "name:value\n" for each signed header; repeated headers are joined with ','. A signed
// header absent from `headers` → kInvalidSignature, and nothing is appended for it.
Status AppendCanonicalHeaders(std::string_view signed_headers,
                              const std::vector<http::Header>& headers, std::string& out);

}  // namespace internal
}  // namespace amiplace::sigv4
