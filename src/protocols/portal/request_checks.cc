#include "protocols/portal/request_checks.h"

#include <fmt/format.h>
#include <strings.h>

#include "core/crypto.h"
#include "protocols/http/query.h"

namespace amiplace::portal {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// Header values a client controls, quoted in messages: cut short and kept printable.
std::string Quoted(std::string_view v) {
  std::string out;
  for (char c : v.substr(0, 100)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (v.size() > 100) out += "...";
  return out;
}

Status CrossSite(std::string detail) {
  return AccessDeniedError("cross-site request refused: " + std::move(detail));
}

}  // namespace

std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name,
                                       int* count) {
  std::optional<std::string> found;
  int n = 0;
  while (!cookie_header.empty()) {
    auto semi = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, semi));
    cookie_header =
        semi == std::string_view::npos ? std::string_view() : cookie_header.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || Trim(pair.substr(0, eq)) != name) continue;
    std::string_view value = Trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!found) found = std::string(value);
    ++n;
  }
  if (count != nullptr) *count = n;
  return found;
}

std::optional<std::string> CookieValue(const http::Request& req, std::string_view name,
                                       int* count) {
  std::optional<std::string> found;
  int total = 0;
  for (const auto& h : req.headers) {
    if (!EqualsIgnoreCase(h.name, "Cookie")) continue;
    int n = 0;
    auto v = CookieValue(h.value, name, &n);
    if (!found) found = std::move(v);
    total += n;
  }
  if (count != nullptr) *count = total;
  return found;
}

bool HasSigV4(const http::Request& req) {
  if (!req.HeaderValue("Authorization").empty()) return true;
  auto query = http::ParseQuery(req.Query());
  return query.count("X-Amz-Signature") > 0;
}

bool IsStateChanging(const http::Request& req) {
  return req.method != "GET" && req.method != "HEAD";
}

Status CheckSameOrigin(const http::Request& req) {
  std::string_view host = req.HeaderValue("Host");
  for (const auto& h : req.headers) {
    if (!EqualsIgnoreCase(h.name, "Origin")) continue;
    std::string_view origin = Trim(h.value);
    if (host.empty() ||
        (origin != fmt::format("http://{}", host) && origin != fmt::format("https://{}", host))) {
      return CrossSite(fmt::format("Origin '{}' is not this server's origin 'http://{}'",
                                   Quoted(origin), Quoted(host)));
    }
  }
  for (const auto& h : req.headers) {
    if (!EqualsIgnoreCase(h.name, "Sec-Fetch-Site")) continue;
    std::string_view site = Trim(h.value);
    if (site != "same-origin" && site != "none") {
      return CrossSite(fmt::format(
          "Sec-Fetch-Site is '{}'; only the portal's own pages (same-origin) may call with a "
          "session",
          Quoted(site)));
    }
  }
  return Status::Ok();
}

Status CheckCrossSite(const http::Request& req, std::string_view csrf_token) {
  AMIPLACE_RETURN_IF_ERROR(CheckSameOrigin(req));
  if (!IsStateChanging(req)) return Status::Ok();
  std::string_view sent = req.HeaderValue(kCsrfHeader);
  if (sent.empty() || csrf_token.empty() || !crypto::ConstantTimeEquals(sent, csrf_token)) {
    return CrossSite(fmt::format("missing or wrong {}", kCsrfHeader));
  }
  return Status::Ok();
}

std::string SessionCookie(std::string_view session_id, int max_age_seconds) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}", kSessionCookie,
                     session_id, max_age_seconds);
}

std::string ClearedSessionCookie() {
  return fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", kSessionCookie);
}

}  // namespace amiplace::portal
