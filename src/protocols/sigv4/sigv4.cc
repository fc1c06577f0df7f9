#include "protocols/sigv4/sigv4.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <unordered_map>
#include <utility>

#include "core/crypto.h"
#include "protocols/sigv4/canonical.h"

namespace amiplace::sigv4 {

using internal::AppendCanonicalHeaders;
using internal::AppendCanonicalQuery;
using internal::AppendCanonicalUri;
using internal::AppendTrimmedCollapsed;
using internal::EqualsIgnoreCase;
using internal::ForEachSplit;
using internal::HexValue;
using internal::PercentDecode;
using internal::ToLowerAscii;
using internal::Trim;

namespace {

using crypto::Digest;

constexpr std::string_view kTerminator = "aws4_request";
constexpr size_t kMaxCachedKeys = 128;
constexpr std::string_view kSignatureMismatch =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";
constexpr std::string_view kInvalidToken = "The security token included in the request is invalid.";

// ---- small string helpers --------------------------------------------------------------------

constexpr char kHexLower[] = "0123456789abcdef";

bool IsHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return HexValue(c) >= 0; });
}

using HexDigest = std::array<char, 64>;

// Lower-case hex of a digest, into a caller-owned buffer (no allocation).
std::string_view ToHex(const Digest& d, HexDigest& out) {
  for (size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = kHexLower[d[i] >> 4];
    out[2 * i + 1] = kHexLower[d[i] & 15];
  }
  return {out.data(), out.size()};
}

// ---- time ----------------------------------------------------------------------------------

std::optional<int> Digits(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// IMF-fixdate, the HTTP Date header: "Sun, 30 Aug 2015 12:36:00 GMT".
std::optional<TimePoint> ParseHttpDate(std::string_view s) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s.substr(25) != " GMT") {
    return std::nullopt;
  }
  size_t month_pos = kMonths.find(s.substr(8, 3));
  auto day = Digits(s.substr(5, 2));
  auto year = Digits(s.substr(12, 4));
  auto hour = Digits(s.substr(17, 2));
  auto minute = Digits(s.substr(20, 2));
  auto second = Digits(s.substr(23, 2));
  if (month_pos == std::string_view::npos || month_pos % 3 != 0 || !day || !year || !hour ||
      !minute || !second || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{*year},
                                  std::chrono::month{static_cast<unsigned>(month_pos / 3 + 1)},
                                  std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return TimePoint(std::chrono::sys_days(ymd)) + std::chrono::hours(*hour) +
         std::chrono::minutes(*minute) + std::chrono::seconds(*second);
}

// ---- signing keys ----------------------------------------------------------------------------

Digest DeriveSigningKey(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  std::string k_secret;
  k_secret.reserve(4 + secret.size());
  k_secret.append("AWS4").append(secret);
  Digest k = crypto::HmacSha256(k_secret, date);
  k = crypto::HmacSha256(crypto::AsView(k), region);
  k = crypto::HmacSha256(crypto::AsView(k), service);
  return crypto::HmacSha256(crypto::AsView(k), kTerminator);
}

// A signing key depends only on (secret, day, region, service), so one derivation (four HMACs)
// serves every request of a client for a day. Per thread, so no locking; bounded by clearing.
Digest CachedSigningKey(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  struct Cache {
    std::string probe;
    std::unordered_map<std::string, Digest> keys;
  };
  thread_local Cache cache;
  cache.probe.clear();
  cache.probe.append(secret).push_back('\0');
  cache.probe.append(date).push_back('\0');
  cache.probe.append(region).push_back('\0');
  cache.probe.append(service);
  if (auto it = cache.keys.find(cache.probe); it != cache.keys.end()) return it->second;
  if (cache.keys.size() >= kMaxCachedKeys) cache.keys.clear();
  Digest key = DeriveSigningKey(secret, date, region, service);
  cache.keys.emplace(cache.probe, key);
  return key;
}

// ---- canonical request (its pieces are in canonical.h) ----------------------------------------

void SplitTarget(std::string_view target, std::string_view& path, std::string_view& query) {
  size_t q = target.find('?');
  path = target.substr(0, q);
  query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  // A fragment never reaches a server, but drop one defensively.
  if (size_t f = query.find('#'); f != std::string_view::npos) query = query.substr(0, f);
}

// The signature over an already-built canonical request, as 64 lowercase hex digits.
std::string_view ComputeSignature(std::string_view canonical, std::string_view amz_date,
                                  std::string_view scope, const Digest& signing_key,
                                  HexDigest& out) {
  thread_local std::string sts;
  HexDigest canonical_hash;
  sts.clear();
  sts.append(kAlgorithm).push_back('\n');
  sts.append(amz_date).push_back('\n');
  sts.append(scope).push_back('\n');
  sts.append(ToHex(crypto::Sha256(canonical), canonical_hash));
  return ToHex(crypto::HmacSha256(crypto::AsView(signing_key), sts), out);
}

// ---- verification ----------------------------------------------------------------------------

Status Incomplete(std::string message) {
  return Status(ErrorCode::kIncompleteSignature, std::move(message));
}
Status Invalid(std::string message) {
  return Status(ErrorCode::kInvalidSignature, std::move(message));
}

// The singleton headers Verify reads, found in one pass.
struct AuthHeaders {
  std::string_view authorization, amz_date, date, token, content_sha256;
  int authorization_count = 0, amz_date_count = 0, token_count = 0, content_sha256_count = 0;
};

AuthHeaders ScanHeaders(const std::vector<Header>& headers) {
  AuthHeaders h;
  for (const Header& hd : headers) {
    std::string_view n = hd.name;
    switch (n.size()) {
      case 4:
        if (EqualsIgnoreCase(n, "date") && h.date.empty()) h.date = hd.value;
        break;
      case 10:
        if (EqualsIgnoreCase(n, "x-amz-date") && h.amz_date_count++ == 0) h.amz_date = hd.value;
        break;
      case 13:
        if (EqualsIgnoreCase(n, "authorization") && h.authorization_count++ == 0) {
          h.authorization = hd.value;
        }
        break;
      case 20:
        if (EqualsIgnoreCase(n, "x-amz-security-token") && h.token_count++ == 0) {
          h.token = hd.value;
        } else if (EqualsIgnoreCase(n, "x-amz-content-sha256") && h.content_sha256_count++ == 0) {
          h.content_sha256 = hd.value;
        }
        break;
      default:
        break;
    }
  }
  return h;
}

// What either form of signing (header or presigned query) tells the verifier.
struct AuthParams {
  bool presigned = false;
  std::string_view credential, signed_headers, signature, amz_date;
  std::optional<std::string_view> token;  // the X-Amz-Security-Token sent, if any
  std::optional<int64_t> expires;         // presigned only
};

// The X-Amz-* query parameters of a presigned request, decoded.
struct PresignedQuery {
  std::optional<std::string> algorithm, credential, date, signed_headers, signature, expires, token;
  bool any() const { return algorithm || credential || signature; }
};

using PresignSlot = std::optional<std::string> PresignedQuery::*;
constexpr std::array<std::pair<std::string_view, PresignSlot>, 7> kPresignParams = {{
    {"X-Amz-Algorithm", &PresignedQuery::algorithm},
    {"X-Amz-Credential", &PresignedQuery::credential},
    {"X-Amz-Date", &PresignedQuery::date},
    {"X-Amz-SignedHeaders", &PresignedQuery::signed_headers},
    {"X-Amz-Signature", &PresignedQuery::signature},
    {"X-Amz-Expires", &PresignedQuery::expires},
    {"X-Amz-Security-Token", &PresignedQuery::token},
}};

PresignedQuery ScanQuery(std::string_view raw_query) {
  PresignedQuery q;
  if (raw_query.find("X-Amz-") == std::string_view::npos &&
      raw_query.find('%') == std::string_view::npos) {
    return q;
  }
  ForEachSplit(raw_query, '&', [&q](std::string_view item) {
    size_t eq = item.find('=');
    std::string name = PercentDecode(item.substr(0, eq));
    if (name.rfind("X-Amz-", 0) != 0) return;
    std::string value =
        eq == std::string_view::npos ? std::string() : PercentDecode(item.substr(eq + 1));
    for (const auto& [param, member] : kPresignParams) {
      if (name != param) continue;
      if (!(q.*member)) q.*member = std::move(value);
      break;
    }
  });
  return q;
}

Status ParseAuthorizationHeader(std::string_view header, bool has_date, AuthParams& out) {
  std::string_view value = Trim(header);
  size_t sp = value.find(' ');
  std::string_view algorithm = value.substr(0, sp);
  if (algorithm != kAlgorithm) {
    return Incomplete("Unsupported AWS 'algorithm': '" + std::string(algorithm) +
                      "'. Only 'AWS4-HMAC-SHA256' is supported.");
  }
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : value.substr(sp + 1);
  std::optional<std::string_view> credential, signed_headers, signature;
  ForEachSplit(rest, ',', [&](std::string_view part) {
    part = Trim(part);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) return;
    std::string_view k = Trim(part.substr(0, eq)), v = Trim(part.substr(eq + 1));
    std::optional<std::string_view>* slot = k == "Credential"      ? &credential
                                            : k == "SignedHeaders" ? &signed_headers
                                            : k == "Signature"     ? &signature
                                                                   : nullptr;
    if (slot != nullptr && !*slot) *slot = v;
  });
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!has_date) {
    missing +=
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (!missing.empty()) return Incomplete(missing + "Authorization=" + std::string(value));
  out.credential = *credential;
  out.signed_headers = *signed_headers;
  out.signature = *signature;
  return Status::Ok();
}

Status ParsePresigned(const PresignedQuery& q, AuthParams& out) {
  static constexpr std::string_view kSuffix = ". Re-examine the query-string parameters.";
  auto require = [&](const std::optional<std::string>& v, std::string_view name) -> Status {
    if (v) return Status::Ok();
    return Incomplete("AWS query-string parameters must include '" + std::string(name) + "'" +
                      std::string(kSuffix));
  };
  AMIPLACE_RETURN_IF_ERROR(require(q.algorithm, "X-Amz-Algorithm"));
  AMIPLACE_RETURN_IF_ERROR(require(q.credential, "X-Amz-Credential"));
  AMIPLACE_RETURN_IF_ERROR(require(q.signature, "X-Amz-Signature"));
  AMIPLACE_RETURN_IF_ERROR(require(q.signed_headers, "X-Amz-SignedHeaders"));
  AMIPLACE_RETURN_IF_ERROR(require(q.date, "X-Amz-Date"));
  if (*q.algorithm != kAlgorithm) {
    return Incomplete("Unsupported AWS 'algorithm': '" + *q.algorithm +
                      "'. Only 'AWS4-HMAC-SHA256' is supported.");
  }
  out.presigned = true;
  out.credential = *q.credential;
  out.signed_headers = *q.signed_headers;
  out.signature = *q.signature;
  out.amz_date = *q.date;
  if (q.token) out.token = *q.token;
  if (q.expires) {
    int64_t secs = 0;
    const char* first = q.expires->data();
    const char* last = first + q.expires->size();
    auto [ptr, ec] = std::from_chars(first, last, secs);
    if (ec != std::errc() || ptr != last || q.expires->empty() || secs < 1 ||
        secs > kMaxPresignExpiresSeconds) {
      return Incomplete(
          "X-Amz-Expires must be a whole number of seconds from 1 to 604800 (7 days), "
          "not '" +
          *q.expires + "'.");
    }
    out.expires = secs;
  }
  return Status::Ok();
}

std::string JoinAllowed(std::span<const std::string_view> allowed) {
  std::string s;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) s += (i + 1 == allowed.size()) ? " or " : ", ";
    s.append("'").append(allowed[i]).append("'");
  }
  return s.empty() ? "''" : s;
}

bool IsValidRegion(std::string_view r) {
  return !r.empty() && r.size() <= 64 && std::all_of(r.begin(), r.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Status CheckClock(TimePoint signed_at, std::string_view amz_date, TimePoint real_now,
                  std::optional<int64_t> expires) {
  using std::chrono::seconds;
  if (signed_at > real_now + kMaxSkew) {
    return Status(ErrorCode::kSignatureExpired,
                  "Signature not yet current: " + std::string(amz_date) + " is still later than " +
                      FormatAmzDate(real_now + kMaxSkew) + " (" + FormatAmzDate(real_now) +
                      " + 15 min.)");
  }
  if (expires) {
    if (real_now > signed_at + seconds(*expires)) {
      return Status(ErrorCode::kSignatureExpired, "Request has expired");
    }
    return Status::Ok();
  }
  if (signed_at < real_now - kMaxSkew) {
    return Status(ErrorCode::kSignatureExpired, "Signature expired: " + std::string(amz_date) +
                                                    " is now earlier than " +
                                                    FormatAmzDate(real_now - kMaxSkew) + " (" +
                                                    FormatAmzDate(real_now) + " - 15 min.)");
  }
  return Status::Ok();
}

bool ListsHost(std::string_view signed_headers) {
  bool found = false;
  ForEachSplit(signed_headers, ';',
               [&](std::string_view n) { found |= EqualsIgnoreCase(n, "host"); });
  return found;
}

// Owns the decoded strings an AuthParams points into.
struct AuthStorage {
  PresignedQuery presigned;
  std::string amz_date;  // rebuilt from a Date header
};

// Which form of signing the request uses, and its parameters.
Status ReadAuthParams(const AuthHeaders& h, std::string_view raw_query, AuthParams& p,
                      AuthStorage& storage) {
  if (h.authorization_count > 1 || h.amz_date_count > 1 || h.token_count > 1 ||
      h.content_sha256_count > 1) {
    return Incomplete(
        "The Authorization, X-Amz-Date, X-Amz-Security-Token and X-Amz-Content-Sha256 headers "
        "may each appear only once.");
  }
  PresignedQuery& presigned = storage.presigned;
  presigned = ScanQuery(raw_query);
  if (h.authorization_count == 0) {
    if (!presigned.any()) return Status(ErrorCode::kMissingAuth, "Missing Authentication Token");
    AMIPLACE_RETURN_IF_ERROR(ParsePresigned(presigned, p));
    if (!p.token && h.token_count > 0) p.token = h.token;
    return Status::Ok();
  }
  if (presigned.any()) {
    return Incomplete(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the "
        "Authorization header should be specified.");
  }
  bool has_date = h.amz_date_count > 0 || !h.date.empty();
  AMIPLACE_RETURN_IF_ERROR(ParseAuthorizationHeader(h.authorization, has_date, p));
  if (h.token_count > 0) p.token = h.token;
  if (h.amz_date_count > 0) {
    p.amz_date = Trim(h.amz_date);
    return Status::Ok();
  }
  std::optional<TimePoint> t = ParseHttpDate(Trim(h.date));
  if (!t) t = ParseAmzDate(Trim(h.date));
  if (!t) {
    return Incomplete("Date must be in ISO-8601 'basic format' or RFC 7231 IMF-fixdate. Got '" +
                      std::string(h.date) + "'.");
  }
  storage.amz_date = FormatAmzDate(*t);
  p.amz_date = storage.amz_date;
  return Status::Ok();
}

// The credential scope, keyid/date/region/service/aws4_request, checked against the request.
struct Scope {
  std::string_view key_id, date, region, service;
  std::string_view text;  // "date/region/service/aws4_request"
};

Status ParseScope(const AuthParams& p, std::span<const std::string_view> allowed_services,
                  Scope& out) {
  std::array<std::string_view, 5> part;
  size_t nparts = 0;
  ForEachSplit(p.credential, '/', [&](std::string_view s) {
    if (nparts < part.size()) part[nparts] = s;
    ++nparts;
  });
  if (nparts != 5) {
    return Incomplete(
        "Credential must have exactly 5 slash-delimited elements, e.g. "
        "keyid/date/region/service/term, got '" +
        std::string(p.credential) + "'");
  }
  std::string_view terminator = part[4];
  if (terminator != kTerminator) {
    return Incomplete("Credential should be scoped with a valid terminator: 'aws4_request', not '" +
                      std::string(terminator) + "'.");
  }
  out = Scope{part[0], part[1], part[2], part[3], p.credential.substr(part[0].size() + 1)};
  if (out.key_id.empty()) {
    return Incomplete("Credential must name an access key ID, got '" + std::string(p.credential) +
                      "'");
  }
  if (!ListsHost(p.signed_headers)) {
    return Incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (std::find(allowed_services.begin(), allowed_services.end(), out.service) ==
      allowed_services.end()) {
    return Invalid("Credential should be scoped to correct service: " +
                   JoinAllowed(allowed_services) + ", not '" + std::string(out.service) + "'.");
  }
  if (!IsValidRegion(out.region)) {
    return Invalid("Credential should be scoped to a valid region, not '" +
                   std::string(out.region) + "'.");
  }
  if (out.date != p.amz_date.substr(0, 8)) {
    return Invalid(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '" +
        std::string(out.date) + "' != '" + std::string(p.amz_date.substr(0, 8)) + "', from '" +
        std::string(p.amz_date) + "'.");
  }
  return Status::Ok();
}

// A temporary key's token must come with the request; a long-term key takes none.
Status CheckSessionToken(const Secret& secret, std::optional<std::string_view> token) {
  bool ok = secret.session_token.empty()
                ? !token.has_value()
                : token.has_value() && crypto::ConstantTimeEquals(*token, secret.session_token);
  if (ok) return Status::Ok();
  return Status(ErrorCode::kUnrecognizedClient, std::string(kInvalidToken));
}

// The payload hash the client signed: x-amz-content-sha256 when sent (checked against the body
// unless it is UNSIGNED-PAYLOAD), else the body's hash, as the AWS CLI leaves it to the server.
Status ResolvePayloadHash(const AuthHeaders& h, std::string_view body, HexDigest& buf,
                          std::string_view& out) {
  if (h.content_sha256_count == 0) {
    out = ToHex(crypto::Sha256(body), buf);
    return Status::Ok();
  }
  std::string_view claimed = Trim(h.content_sha256);
  if (claimed == kUnsignedPayload) {
    out = claimed;
    return Status::Ok();
  }
  if (!IsHex64(claimed)) {
    return Invalid(
        "The provided 'x-amz-content-sha256' header must be a SHA-256 hex digest or "
        "UNSIGNED-PAYLOAD.");
  }
  if (!EqualsIgnoreCase(claimed, ToHex(crypto::Sha256(body), buf))) {
    return Invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  out = claimed;
  return Status::Ok();
}

}  // namespace

// ---- Verify ----------------------------------------------------------------------------------

Result<Verified> Verify(const RequestView& req, const CredentialResolver& creds, TimePoint real_now,
                        std::span<const std::string_view> allowed_services) {
  static const std::vector<Header> kNoHeaders;
  const std::vector<Header>& headers = req.headers != nullptr ? *req.headers : kNoHeaders;
  std::string_view raw_path, raw_query;
  SplitTarget(req.target, raw_path, raw_query);

  // Cheap structural checks first: a malformed or stale request costs no credential look-up.
  AuthHeaders h = ScanHeaders(headers);
  AuthParams p;
  AuthStorage storage;
  AMIPLACE_RETURN_IF_ERROR(ReadAuthParams(h, raw_query, p, storage));
  std::optional<TimePoint> signed_at = ParseAmzDate(p.amz_date);
  if (!signed_at) {
    return Incomplete("Date must be in ISO-8601 'basic format'. Got '" + std::string(p.amz_date) +
                      "'. For example: 20150830T123600Z.");
  }
  Scope scope;
  AMIPLACE_RETURN_IF_ERROR(ParseScope(p, allowed_services, scope));
  AMIPLACE_RETURN_IF_ERROR(CheckClock(*signed_at, p.amz_date, real_now, p.expires));

  std::optional<Secret> secret = creds.Lookup(scope.key_id);
  if (!secret) return Status(ErrorCode::kUnrecognizedClient, std::string(kInvalidToken));
  AMIPLACE_RETURN_IF_ERROR(CheckSessionToken(*secret, p.token));

  HexDigest body_hash;
  std::string_view payload_hash;
  AMIPLACE_RETURN_IF_ERROR(ResolvePayloadHash(h, req.body, body_hash, payload_hash));

  thread_local std::string canonical;
  canonical.clear();
  canonical.append(req.method).push_back('\n');
  AppendCanonicalUri(raw_path, canonical);
  canonical.push_back('\n');
  AppendCanonicalQuery(raw_query, p.presigned, canonical);
  canonical.push_back('\n');
  AMIPLACE_RETURN_IF_ERROR(AppendCanonicalHeaders(p.signed_headers, headers, canonical));
  canonical.push_back('\n');
  canonical.append(p.signed_headers).push_back('\n');
  canonical.append(payload_hash);

  Digest key = CachedSigningKey(secret->secret_access_key, scope.date, scope.region, scope.service);
  HexDigest sig_buf;
  std::string_view expected = ComputeSignature(canonical, p.amz_date, scope.text, key, sig_buf);
  if (!crypto::ConstantTimeEquals(expected, p.signature)) {
    return Invalid(std::string(kSignatureMismatch));
  }

  Verified v;
  v.access_key_id = std::string(scope.key_id);
  v.principal = std::move(secret->principal);
  v.region = std::string(scope.region);
  v.service = std::string(scope.service);
  v.signed_at = *signed_at;
  return v;
}

// ---- Sign ------------------------------------------------------------------------------------

void Sign(OutgoingRequest& req, const Credentials& creds, std::string_view region,
          std::string_view service, TimePoint now, bool add_content_sha256_header) {
  static constexpr std::array<std::string_view, 4> kReplaced = {
      "x-amz-date", "authorization", "x-amz-security-token", "x-amz-content-sha256"};
  // Headers that proxies may add or rewrite; the SDKs never sign them either.
  static constexpr std::array<std::string_view, 11> kUnsigned = {"authorization",
                                                                 "user-agent",
                                                                 "connection",
                                                                 "expect",
                                                                 "keep-alive",
                                                                 "proxy-authorization",
                                                                 "te",
                                                                 "trailer",
                                                                 "transfer-encoding",
                                                                 "upgrade",
                                                                 "x-amzn-trace-id"};
  auto in = [](auto& list, std::string_view name) {
    return std::any_of(list.begin(), list.end(),
                       [&](std::string_view x) { return EqualsIgnoreCase(x, name); });
  };
  std::erase_if(req.headers, [&](const Header& h) { return in(kReplaced, h.name); });

  std::string amz_date = FormatAmzDate(now);
  std::string payload_hash = crypto::Sha256Hex(req.body);
  req.headers.push_back({"X-Amz-Date", amz_date});
  if (!creds.session_token.empty()) {
    req.headers.push_back({"X-Amz-Security-Token", creds.session_token});
  }
  if (add_content_sha256_header) req.headers.push_back({"X-Amz-Content-Sha256", payload_hash});

  std::map<std::string, std::string> canonical_headers;
  for (const Header& h : req.headers) {
    if (in(kUnsigned, h.name)) continue;
    std::string name;
    name.reserve(h.name.size());
    for (char c : h.name) name.push_back(ToLowerAscii(c));
    auto [it, inserted] = canonical_headers.try_emplace(std::move(name));
    if (!inserted) it->second.push_back(',');
    AppendTrimmedCollapsed(h.value, it->second);
  }
  std::string signed_headers;
  for (const auto& [name, value] : canonical_headers) {
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }

  std::string canonical;
  canonical.append(req.method).push_back('\n');
  AppendCanonicalUri(req.path, canonical);
  canonical.push_back('\n');
  AppendCanonicalQuery(req.query, false, canonical);
  canonical.push_back('\n');
  for (const auto& [name, value] : canonical_headers) {
    canonical.append(name).append(":").append(value).push_back('\n');
  }
  canonical.push_back('\n');
  canonical.append(signed_headers).push_back('\n');
  canonical.append(payload_hash);

  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + std::string(region) + "/" + std::string(service) + "/" +
                      std::string(kTerminator);
  Digest key = CachedSigningKey(creds.secret_access_key, date, region, service);
  HexDigest sig_buf;
  std::string_view signature = ComputeSignature(canonical, amz_date, scope, key, sig_buf);
  // Appended piece by piece: the same text as a chain of operator+, on which GCC 12 reports a
  // false -Warray-bounds once enough of it is inlined.
  std::string authorization(kAlgorithm);
  authorization.append(" Credential=").append(creds.access_key_id).append("/").append(scope);
  authorization.append(", SignedHeaders=").append(signed_headers);
  authorization.append(", Signature=").append(signature);
  req.headers.push_back({"Authorization", std::move(authorization)});
}

}  // namespace amiplace::sigv4
