// The portal's static files under /portal/ (docs/PORTAL.md): the embedded web/ tree
// (portal_assets.h), with a Content-Type by extension and the security headers every portal
// response carries (a strict Content-Security-Policy, nosniff, no framing, same-origin
// referrers, no-cache). Stateless; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "protocols/http/message.h"

namespace amiplace::portal {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// The Content-Type of a file by its extension (html, css, js, svg, png, json, ico and a few
// more); application/octet-stream for others.
std::string_view ContentTypeFor(std::string_view path);

// Adds the headers every portal response carries.
void AddSecurityHeaders(http::Response& r);

// GET or HEAD of /portal/<key>: the embedded file, or a plain-text 404 (`key` "" is
// index.html). HEAD answers the headers with an empty body. Without the security headers (the
// caller adds them to every response).
http::Response ServeStatic(const http::Request& req, std::string_view key);

}  // namespace amiplace::portal
