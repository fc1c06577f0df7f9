#include "protocols/portal/portal_handler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "core/crypto.h"
#include "core/json_util.h"
#include "protocols/errors.h"
#include "protocols/http/query.h"
#include "protocols/portal/request_checks.h"
#include "protocols/portal/static_files.h"

namespace amiplace::portal {

namespace bj = boost::json;
namespace chr = std::chrono;

namespace {

constexpr std::string_view kSessionPath = "/portal/api/session";
constexpr std::string_view kBadCredentials = "The access key ID or secret access key is not valid";

// A Status as the portal answers it: the type and body from the one mapping (errors.h), the HTTP
// status where the portal's differs from the API's (400 for its validation errors, 401 when not
// signed in).
http::Response Refusal(const Status& status, int http_status, std::string_view request_id) {
  http::Response r =
      protocols::ErrorResponse(status, protocols::WireProtocol::kRestJson, request_id);
  if (http_status != 0) r.status = http_status;
  return r;
}

http::Response Json(bj::object body, std::string_view request_id) {
  http::Response r = http::JsonResponse(200, bj::serialize(body));
  r.Set("x-amzn-RequestId", std::string(request_id));
  return r;
}

constexpr std::string_view kNotSignedIn = "Not signed in";
constexpr std::string_view kSignInAdvice = "sign in at /portal/ or sign the request with SigV4";

bj::object SessionJson(const Session& s, const Account& a) {
  return bj::object{{"AccountId", a.account_id},
                    {"Type", AccountTypeName(a.type)},
                    {"Name", a.name},
                    {"CsrfToken", s.csrf_token},
                    {"ExpiresAt", FormatIso8601(s.expires_at)}};
}

// The sign-in body: exactly the two string members.
struct SignInInput {
  std::string access_key_id;
  std::string secret_access_key;
};

Result<SignInInput> ParseSignIn(std::string_view body) {
  AMIPLACE_ASSIGN_OR_RETURN(bj::value v, json::Parse(body.empty() ? "{}" : body));
  if (!v.is_object()) return ValidationError("The request body must be a JSON object");
  const bj::object& o = v.get_object();
  for (const auto& kv : o) {
    if (kv.key() != "AccessKeyId" && kv.key() != "SecretAccessKey") {
      return ValidationError(
          fmt::format("{}: unknown field; allowed fields: AccessKeyId, SecretAccessKey",
                      std::string_view(kv.key())));
    }
  }
  SignInInput in;
  for (std::string_view field : {"AccessKeyId", "SecretAccessKey"}) {
    const bj::value* f = o.if_contains(field);
    if (f == nullptr) return ValidationError(fmt::format("{}: is required", field));
    if (!f->is_string()) return ValidationError(fmt::format("{}: must be a string", field));
    if (f->get_string().empty())
      return ValidationError(fmt::format("{}: must not be empty", field));
    (field == "AccessKeyId" ? in.access_key_id : in.secret_access_key) = f->get_string();
  }
  return in;
}

bool SecretMatches(std::string_view given, std::string_view expected) {
  // Hashing first makes the comparison's time independent of both lengths.
  return crypto::ConstantTimeEquals(crypto::AsView(crypto::Sha256(given)),
                                    crypto::AsView(crypto::Sha256(expected)));
}

}  // namespace

std::string PortalHandler::NotSignedInMessage() {
  return fmt::format("{}: {}", kNotSignedIn, kSignInAdvice);
}

http::Response PortalHandler::Handle(const http::Request& req, std::string_view request_id) {
  std::string_view path = req.Path();
  http::Response r;
  if (path == "/portal") {
    r.status = 302;
    r.Set("Location", "/portal/");
  } else if (path == kSessionPath) {
    r = HandleSession(req, request_id);
  } else if (path.starts_with("/portal/api/")) {
    r = Refusal(Status(ErrorCode::kUnknownOperation,
                       fmt::format("{} {} is not a portal API operation", req.method, path)),
                0, request_id);
  } else if (req.method != "GET" && req.method != "HEAD") {
    r = http::TextResponse(405, "Method not allowed\n");
    r.Set("Allow", "GET, HEAD");
  } else {
    std::string key = http::PercentDecode(path.substr(std::string_view("/portal/").size()));
    r = ServeStatic(req, key);
  }
  AddSecurityHeaders(r);
  return r;
}

http::Response PortalHandler::HandleSession(const http::Request& req, std::string_view request_id) {
  if (req.method == "POST") return SignIn(req, request_id);
  if (req.method != "GET" && req.method != "DELETE") {
    return Refusal(Status(ErrorCode::kUnknownOperation,
                          fmt::format("{} {} is not a portal API operation; use POST to sign in, "
                                      "GET to read the session, DELETE to sign out",
                                      req.method, kSessionPath)),
                   0, request_id);
  }
  auto live = CurrentSession(req);
  if (!live.ok()) {
    http::Response r = Refusal(
        live.status(), live.status().code() == ErrorCode::kAccessDenied ? 401 : 0, request_id);
    if (req.method == "DELETE") r.Set("Set-Cookie", ClearedSessionCookie());
    return r;
  }
  if (Status st = CheckCrossSite(req, live->session.csrf_token); !st.ok()) {
    return Refusal(st, 403, request_id);
  }
  if (req.method == "GET") return Json(SessionJson(live->session, live->account), request_id);
  sessions_.Revoke(CookieValue(req, kSessionCookie).value_or(""));
  spdlog::info("portal: account {} signed out", live->account.account_id);
  http::Response r = Json(bj::object{}, request_id);
  r.Set("Set-Cookie", ClearedSessionCookie());
  return r;
}

http::Response PortalHandler::SignIn(const http::Request& req, std::string_view request_id) {
  // Login CSRF: another site must not sign the browser in to an account of its choosing.
  if (Status st = CheckSameOrigin(req); !st.ok()) return Refusal(st, 403, request_id);
  auto input = ParseSignIn(req.body);
  if (!input.ok()) {
    return Refusal(input.status(), input.status().code() == ErrorCode::kValidation ? 400 : 0,
                   request_id);
  }
  if (auto wait = sign_in_.Blocked(req.remote_address, input->access_key_id)) {
    int64_t seconds = std::max<int64_t>(1, chr::ceil<chr::seconds>(*wait).count());
    http::Response r =
        Refusal(Status(ErrorCode::kThrottled,
                       fmt::format("Too many failed sign-ins; try again in {} seconds", seconds)),
                429, request_id);
    r.Set("Retry-After", std::to_string(seconds));
    return r;
  }

  std::optional<AccountService::Resolved> resolved;
  // Instance credentials (ASIA…) are for the instance's own calls, never for people.
  if (!input->access_key_id.starts_with("ASIA")) {
    auto found = accounts_.Resolve(input->access_key_id);
    if (!found.ok()) return Refusal(found.status(), 0, request_id);
    resolved = std::move(*found);
  }
  // An unknown key is compared too, so that both failures take the same time.
  const bool ok = SecretMatches(input->secret_access_key,
                                resolved ? resolved->secret_access_key : std::string(40, '\0')) &&
                  resolved.has_value();
  if (!ok) {
    sign_in_.RecordFailure(req.remote_address, input->access_key_id);
    spdlog::info("portal: failed sign-in from {}", req.remote_address);
    return Refusal(AccessDeniedError(std::string(kBadCredentials)), 401, request_id);
  }
  // A session the browser still carries is replaced, not left running beside the new one.
  if (auto previous = CookieValue(req, kSessionCookie)) sessions_.Revoke(*previous);
  Session s = sessions_.Create(resolved->account.account_id, input->access_key_id);
  spdlog::info("portal: account {} signed in from {}", resolved->account.account_id,
               req.remote_address);
  http::Response r = Json(SessionJson(s, resolved->account), request_id);
  // The browser forgets the cookie when the session's absolute lifetime ends.
  auto max_age = chr::duration_cast<chr::seconds>(sessions_.options().absolute_lifetime).count();
  r.Set("Set-Cookie", SessionCookie(s.id, static_cast<int>(max_age)));
  return r;
}

Result<PortalHandler::Live> PortalHandler::CurrentSession(const http::Request& req) {
  int count = 0;
  auto id = CookieValue(req, kSessionCookie, &count);
  if (!id || id->empty()) return AccessDeniedError(std::string(kNotSignedIn));
  if (count > 1) {
    return AccessDeniedError(
        fmt::format("{}: the request carries {} {} cookies (clear this site's cookies)",
                    kNotSignedIn, count, kSessionCookie));
  }
  auto session = sessions_.Touch(*id);
  if (!session) {
    return AccessDeniedError(fmt::format("{}: the session has ended or is unknown", kNotSignedIn));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto resolved, accounts_.Resolve(session->access_key_id));
  // The account is read afresh, so that a change to it shows on the session's next request.
  std::optional<Account> account;
  if (resolved) {
    AMIPLACE_ASSIGN_OR_RETURN(account, accounts_.GetAccount(session->account_id));
  }
  if (!account || account->account_id != resolved->account.account_id) {
    sessions_.Revoke(*id);
    return AccessDeniedError(
        fmt::format("{}: the session's access key is no longer valid", kNotSignedIn));
  }
  return Live{std::move(*session), std::move(*account)};
}

PortalHandler::Authentication PortalHandler::Authenticate(const http::Request& req) {
  auto live = CurrentSession(req);
  if (!live.ok()) {
    if (live.status().code() != ErrorCode::kAccessDenied) return {live.status(), 0};
    return {AccessDeniedError(fmt::format("{}; {}", live.status().message(), kSignInAdvice)), 401};
  }
  if (Status st = CheckCrossSite(req, live->session.csrf_token); !st.ok()) return {st, 403};
  Caller caller;
  caller.account = std::move(live->account);
  caller.access_key_id = live->session.access_key_id;
  caller.region = "us-east-1";
  return {std::move(caller), 200};
}

}  // namespace amiplace::portal
