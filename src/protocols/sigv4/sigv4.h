// AWS Signature Version 4 (AWS4-HMAC-SHA256): verification of received requests and signing of
// outgoing ones.
//
// Verify() accepts what the real clients send: the AWS CLI v1 (botocore), the JS SDK v3 and any
// signer that follows AWS's published test suite. It takes the request exactly as received (the
// raw, still percent-encoded request-target) and rebuilds the canonical request the way those
// clients do for every service except S3: the path is normalized and percent-encoded a second
// time, the query is decoded and re-encoded strictly. It never throws; every expected failure is
// a Status whose code and message follow AWS's own (IncompleteSignature, InvalidSignature,
// UnrecognizedClient, ...). Sign() is the inverse, for our CLI and benchmarks.
//
// Thread-safety: both functions are thread-safe. Verify() keeps a small per-thread cache of
// derived signing keys; the CredentialResolver must itself be safe to call from several threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "protocols/http/message.h"
// The building blocks (FormatAmzDate, UriEncode, CanonicalUri, CanonicalQuery), exposed for tests
// and diagnostics.
#include "protocols/sigv4/canonical.h"

namespace amiplace::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// One HTTP header as received; `name` keeps whatever case the client used.
// The same header type as the HTTP layer, so verification copies nothing.
using Header = http::Header;

// A received HTTP request. Borrows everything; the caller keeps it alive during Verify().
struct RequestView {
  std::string_view method;             // "GET", "POST", ...
  std::string_view target;             // raw request-target: path + optional "?query", encoded
  const std::vector<Header>* headers;  // in received order, repeats kept
  std::string_view body;
};

// What a CredentialResolver knows about one access key.
struct Secret {
  std::string secret_access_key;
  std::string session_token;  // empty for a long-term key
  std::string principal;      // opaque to this module; copied into Verified
};

// Looks up access keys (the store, a fixed test table, ...). Must be thread-safe.
class CredentialResolver {
 public:
  virtual ~CredentialResolver() = default;
  virtual std::optional<Secret> Lookup(std::string_view access_key_id) const = 0;
};

// Who signed a request that verified, and for what scope.
struct Verified {
  std::string access_key_id;
  std::string principal;
  std::string region;
  std::string service;
  TimePoint signed_at;
};

// How far X-Amz-Date may be from `real_now`, either way.
inline constexpr std::chrono::minutes kMaxSkew{15};
// The longest X-Amz-Expires a presigned request may carry (7 days).
inline constexpr int64_t kMaxPresignExpiresSeconds = 604800;

// Verifies a request signed either with an Authorization header or with a presigned query
// (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature and
// optionally X-Amz-Expires / X-Amz-Security-Token). `real_now` is wall-clock time, for the skew
// rule; `allowed_services` are the credential-scope service names this listener accepts.
Result<Verified> Verify(const RequestView& req, const CredentialResolver& creds, TimePoint real_now,
                        std::span<const std::string_view> allowed_services);

// A request about to be sent. `path` is already percent-encoded; `query` is encoded, no '?'.
struct OutgoingRequest {
  std::string method;
  std::string path;
  std::string query;
  std::vector<Header> headers;
  std::string body;
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for a long-term key
};

// Signs `req` in place. The Host header must already be present. Replaces any X-Amz-Date,
// X-Amz-Security-Token, X-Amz-Content-Sha256 and Authorization headers with fresh ones; signs
// every header except the hop-by-hop ones clients never sign (user-agent, connection, ...).
void Sign(OutgoingRequest& req, const Credentials& creds, std::string_view region,
          std::string_view service, TimePoint now, bool add_content_sha256_header = false);

}  // namespace amiplace::sigv4
