// The Management Portal's server side (CONTRACT §4a, docs/PORTAL.md): everything under /portal
// — the embedded pages (static_files.h) and the session API —
//   POST   /portal/api/session  {"AccessKeyId","SecretAccessKey"}  sign in (sets the cookie)
//   GET    /portal/api/session                                      the current session
//   DELETE /portal/api/session                                      sign out (ends it)
// — and the session authentication the Router uses for the Catalog API and amiplace's own API
// when a request carries the session cookie instead of a SigV4 signature.
//
// Sessions (session_store.h) and the failed-sign-in limits (sign_in_limiter.h) are in memory
// and run on the real clock. Every portal response carries the security headers of
// static_files.h. Thread-safe (its parts are).
#pragma once

#include <string>
#include <string_view>

#include "app/account_service.h"
#include "core/clock.h"
#include "protocols/http/message.h"
#include "protocols/portal/session_store.h"
#include "protocols/portal/sign_in_limiter.h"

namespace amiplace::portal {

class PortalHandler {
 public:
  struct Options {
    SessionStore::Options sessions;
    SignInLimiter::Options sign_in;
  };

  PortalHandler(AccountService& accounts, const Clock& real_clock)
      : PortalHandler(accounts, real_clock, Options()) {}
  PortalHandler(AccountService& accounts, const Clock& real_clock, Options options)
      : accounts_(accounts),
        sessions_(real_clock, options.sessions),
        sign_in_(real_clock, options.sign_in) {}

  // "/portal" and everything under "/portal/".
  static bool Matches(std::string_view path) {
    return path == "/portal" || path.starts_with("/portal/");
  }

  // Any request under /portal: a file, the session API, or an error, with the security headers.
  http::Response Handle(const http::Request& req, std::string_view request_id);

  // What session authentication of an API request decided: the caller, or the refusal and the
  // HTTP status to answer it with (401 without a live session, 403 when a cross-site check
  // fails, 0 to answer as errors.h maps the Status; the Status's code gives the error type).
  struct Authentication {
    Result<Caller> caller;
    int http_status = 0;
  };
  // Authenticates an unsigned API request by its session cookie (the caller acts in us-east-1)
  // and applies the cross-site checks (request_checks.h).
  Authentication Authenticate(const http::Request& req);

  // The message of the 401 for an API request that has neither a signature nor a session.
  static std::string NotSignedInMessage();

  SessionStore& sessions() { return sessions_; }

 private:
  http::Response HandleSession(const http::Request& req, std::string_view request_id);
  http::Response SignIn(const http::Request& req, std::string_view request_id);
  // The live session of the request's cookie and its account; kAccessDenied "Not signed in".
  struct Live {
    Session session;
    Account account;
  };
  Result<Live> CurrentSession(const http::Request& req);

  AccountService& accounts_;
  SessionStore sessions_;
  SignInLimiter sign_in_;
};

}  // namespace amiplace::portal
