// The portal's checks of a request's provenance (docs/PORTAL.md), as pure functions over the
// request: reading the session cookie, telling a SigV4-signed request from a browser's, and the
// cross-site request checks. SameSite=Strict alone does not stop a page served by another port
// of the same host (ports are the same site), so a request that changes state must carry the
// session's CSRF token in `X-CSRF-Token`, and any `Origin` / `Sec-Fetch-Site` header a browser
// sends must say that the request came from this server's own pages. Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "protocols/http/message.h"

namespace amiplace::portal {

inline constexpr std::string_view kSessionCookie = "amiplace_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The values of the cookie `name` in a Cookie header ("a=1; amiplace_session=xyz"): nullopt when
// absent. Every Cookie header of the request counts; `*count` (if given) receives how many
// cookies of that name there were (a browser sends two when another port of the host planted
// one with another path).
std::optional<std::string> CookieValue(const http::Request& req, std::string_view name,
                                       int* count = nullptr);
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name,
                                       int* count = nullptr);

// Whether the request carries SigV4 credentials: an Authorization header or a presigned
// X-Amz-Signature query parameter. Such a request is authenticated by its signature alone.
bool HasSigV4(const http::Request& req);

// Whether the request changes state: any method but GET and HEAD.
bool IsStateChanging(const http::Request& req);

// The browser-supplied provenance checks, for every request a session authenticates and for the
// sign-in call: an Origin header, when present, must be this server's own origin ("http://" or
// "https://" followed by the Host header); a Sec-Fetch-Site header, when present, must be
// `same-origin` or `none`. kAccessDenied naming what failed otherwise.
Status CheckSameOrigin(const http::Request& req);

// CheckSameOrigin, and for a state-changing request also `X-CSRF-Token` equal to
// `csrf_token` (compared in constant time).
Status CheckCrossSite(const http::Request& req, std::string_view csrf_token);

// The Set-Cookie values that start and end a session.
std::string SessionCookie(std::string_view session_id, int max_age_seconds);
std::string ClearedSessionCookie();

}  // namespace amiplace::portal
