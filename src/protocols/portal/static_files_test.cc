#include "protocols/portal/static_files.h"

#include <gtest/gtest.h>

#include "protocols/portal/portal_assets.h"

namespace amiplace::portal {
namespace {

std::string Header(const http::Response& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

http::Request Get(std::string method = "GET") {
  http::Request r;
  r.method = std::move(method);
  return r;
}

TEST(StaticFilesTest, ContentTypeByExtension) {
  EXPECT_EQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("css/app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("vendor/uPlot.iife.min.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("img/logo.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("img/logo.PNG"), "image/png");
  EXPECT_EQ(ContentTypeFor("data.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("favicon.ico"), "image/x-icon");
  EXPECT_EQ(ContentTypeFor("README"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("archive.tar.gz"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("js.d/file"), "application/octet-stream");
}

TEST(StaticFilesTest, SecurityHeaders) {
  http::Response r;
  AddSecurityHeaders(r);
  EXPECT_EQ(Header(r, "Content-Security-Policy"),
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(r, "Referrer-Policy"), "same-origin");
  EXPECT_EQ(Header(r, "X-Frame-Options"), "DENY");
  EXPECT_EQ(Header(r, "Cache-Control"), "no-cache");
}

TEST(StaticFilesTest, UnknownPathsAndTraversalAre404) {
  for (std::string key : {"nope.html", "../CMakeLists.txt", "../../etc/passwd", "/etc/passwd",
                          "vendor/../index.html", "./index.html", "vendor/"}) {
    http::Response r = ServeStatic(Get(), key);
    EXPECT_EQ(r.status, 404) << key;
    EXPECT_EQ(Header(r, "Content-Type"), "text/plain; charset=utf-8") << key;
  }
}

TEST(StaticFilesTest, ServesEveryEmbeddedFileWithItsType) {
  for (std::string_view key : portal_assets::Paths()) {
    http::Response r = ServeStatic(Get(), key);
    EXPECT_EQ(r.status, 200) << key;
    EXPECT_EQ(r.body, *portal_assets::Find(key)) << key;
    EXPECT_EQ(Header(r, "Content-Type"), ContentTypeFor(key)) << key;
    http::Response head = ServeStatic(Get("HEAD"), key);
    EXPECT_EQ(head.status, 200) << key;
    EXPECT_TRUE(head.body.empty()) << key;
  }
  // The root is index.html, when the pages are built in.
  EXPECT_EQ(ServeStatic(Get(), "").status, portal_assets::Find("index.html") ? 200 : 404);
}

TEST(StaticFilesTest, EmbedsThePinnedVendorFilesAndNoNpmFiles) {
  auto paths = portal_assets::Paths();
  for (std::string_view p : paths) {
    EXPECT_FALSE(p.starts_with("node_modules/")) << p;
    EXPECT_NE(p, "package.json");
    EXPECT_NE(p, "package-lock.json");
  }
  // `make build` installs them (web/package-lock.json); a tree without `npm ci` has none.
  if (portal_assets::Find("vendor/uPlot.min.css")) {
    EXPECT_TRUE(portal_assets::Find("vendor/uPlot.iife.min.js"));
    EXPECT_NE(portal_assets::Find("vendor/uPlot.min.css")->find(".uplot"), std::string::npos);
  }
}

}  // namespace
}  // namespace amiplace::portal
