#include "protocols/portal/static_files.h"

#include <array>
#include <utility>

#include "protocols/portal/portal_assets.h"

namespace amiplace::portal {

std::string_view ContentTypeFor(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  auto dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view ext = name.substr(dot);
    for (const auto& [e, type] : kTypes) {
      if (e.size() != ext.size()) continue;
      bool same = true;
      for (size_t i = 0; i < e.size() && same; ++i) {
        char c = ext[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        same = c == e[i];
      }
      if (same) return type;
    }
  }
  return "application/octet-stream";
}

void AddSecurityHeaders(http::Response& r) {
  r.Set("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.Set("X-Content-Type-Options", "nosniff");
  r.Set("Referrer-Policy", "same-origin");
  r.Set("X-Frame-Options", "DENY");
  r.Set("Cache-Control", "no-cache");
}

http::Response ServeStatic(const http::Request& req, std::string_view key) {
  if (key.empty()) key = "index.html";
  auto file = portal_assets::Find(key);
  if (!file) {
    http::Response r = http::TextResponse(404, "Not found\n");
    if (req.method == "HEAD") r.body.clear();
    return r;
  }
  http::Response r;
  r.status = 200;
  r.Set("Content-Type", std::string(ContentTypeFor(key)));
  if (req.method != "HEAD") r.body = std::string(*file);
  return r;
}

}  // namespace amiplace::portal
