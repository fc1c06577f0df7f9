#include "protocols/portal/request_checks.h"

#include <gtest/gtest.h>

namespace amiplace::portal {
namespace {

http::Request Req(std::string method, std::vector<http::Header> headers,
                  std::string target = "/amiplace/v1/whoami") {
  http::Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.headers.push_back({"Host", "127.0.0.1:8080"});
  return r;
}

TEST(CookieTest, FindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("amiplace_session=abc", kSessionCookie), "abc");
  EXPECT_EQ(CookieValue("a=1; amiplace_session=abc-_9; b=2", kSessionCookie), "abc-_9");
  EXPECT_EQ(CookieValue("a=1;amiplace_session=abc", kSessionCookie), "abc");
  EXPECT_EQ(CookieValue("  amiplace_session = abc  ", kSessionCookie), "abc");
  EXPECT_EQ(CookieValue("amiplace_session=\"abc\"", kSessionCookie), "abc");
  EXPECT_EQ(CookieValue("amiplace_session=", kSessionCookie), "");
  EXPECT_EQ(CookieValue("amiplace_session=a=b", kSessionCookie), "a=b");
}

TEST(CookieTest, IgnoresOtherAndSimilarNames) {
  EXPECT_FALSE(CookieValue("", kSessionCookie));
  EXPECT_FALSE(CookieValue("a=1; b=2", kSessionCookie));
  EXPECT_FALSE(CookieValue("xamiplace_session=abc", kSessionCookie));
  EXPECT_FALSE(CookieValue("amiplace_session_x=abc", kSessionCookie));
  EXPECT_FALSE(CookieValue("amiplace_session", kSessionCookie));
  EXPECT_FALSE(CookieValue(";;;", kSessionCookie));
}

TEST(CookieTest, CountsEveryCookieOfTheName) {
  int count = 0;
  EXPECT_EQ(CookieValue("amiplace_session=a; amiplace_session=b", kSessionCookie, &count), "a");
  EXPECT_EQ(count, 2);
  http::Request r =
      Req("GET", {{"Cookie", "x=1; amiplace_session=a"}, {"cookie", "amiplace_session=b"}});
  EXPECT_EQ(CookieValue(r, kSessionCookie, &count), "a");
  EXPECT_EQ(count, 2);
  EXPECT_FALSE(CookieValue(Req("GET", {}), kSessionCookie, &count));
  EXPECT_EQ(count, 0);
}

TEST(CookieTest, SetCookieAttributes) {
  EXPECT_EQ(SessionCookie("abc", 28800),
            "amiplace_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800");
  EXPECT_EQ(ClearedSessionCookie(),
            "amiplace_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

TEST(SignedRequestTest, AuthorizationHeaderOrPresignedQuery) {
  EXPECT_FALSE(HasSigV4(Req("GET", {})));
  EXPECT_TRUE(HasSigV4(Req("GET", {{"Authorization", "AWS4-HMAC-SHA256 Credential=..."}})));
  EXPECT_TRUE(HasSigV4(Req("GET", {}, "/DescribeEntity?X-Amz-Signature=abc&entityId=x")));
  EXPECT_FALSE(HasSigV4(Req("GET", {}, "/DescribeEntity?X-Amz-Credential=abc")));
}

TEST(CrossSiteTest, ReadsNeedNoToken) {
  EXPECT_TRUE(CheckCrossSite(Req("GET", {}), "tok").ok());
  EXPECT_TRUE(CheckCrossSite(Req("HEAD", {}), "tok").ok());
}

TEST(CrossSiteTest, WritesNeedTheToken) {
  for (std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
    Status missing = CheckCrossSite(Req(method, {}), "tok");
    EXPECT_EQ(missing.code(), ErrorCode::kAccessDenied) << method;
    EXPECT_EQ(missing.message(), "cross-site request refused: missing or wrong X-CSRF-Token");
    EXPECT_EQ(CheckCrossSite(Req(method, {{"X-CSRF-Token", "tok2"}}), "tok").code(),
              ErrorCode::kAccessDenied);
    EXPECT_EQ(CheckCrossSite(Req(method, {{"X-CSRF-Token", "to"}}), "tok").code(),
              ErrorCode::kAccessDenied);
    EXPECT_TRUE(CheckCrossSite(Req(method, {{"x-csrf-token", "tok"}}), "tok").ok()) << method;
  }
  EXPECT_FALSE(CheckCrossSite(Req("POST", {{"X-CSRF-Token", ""}}), "").ok())
      << "an empty token never matches";
}

TEST(CrossSiteTest, OriginMustBeThisServer) {
  auto post = [](std::string origin) {
    return CheckCrossSite(Req("POST", {{"X-CSRF-Token", "tok"}, {"Origin", origin}}), "tok");
  };
  EXPECT_TRUE(post("http://127.0.0.1:8080").ok());
  EXPECT_TRUE(post("https://127.0.0.1:8080").ok());
  Status other_port = post("http://127.0.0.1:1");
  EXPECT_EQ(other_port.code(), ErrorCode::kAccessDenied);
  EXPECT_EQ(other_port.message(),
            "cross-site request refused: Origin 'http://127.0.0.1:1' is not this server's origin "
            "'http://127.0.0.1:8080'");
  EXPECT_FALSE(post("http://evil.example").ok());
  EXPECT_FALSE(post("null").ok());
  EXPECT_FALSE(post("http://127.0.0.1:8080.evil.example").ok());
  EXPECT_FALSE(post("http://localhost:8080").ok());
  // Reads are checked too, when a browser says where they come from.
  EXPECT_FALSE(CheckCrossSite(Req("GET", {{"Origin", "http://evil.example"}}), "tok").ok());
}

TEST(CrossSiteTest, SecFetchSiteMustBeSameOriginOrNone) {
  auto post = [](std::string site) {
    return CheckCrossSite(Req("POST", {{"X-CSRF-Token", "tok"}, {"Sec-Fetch-Site", site}}), "tok");
  };
  EXPECT_TRUE(post("same-origin").ok());
  EXPECT_TRUE(post("none").ok());
  for (std::string bad : {"same-site", "cross-site", "bogus"}) {
    Status st = post(bad);
    EXPECT_EQ(st.code(), ErrorCode::kAccessDenied) << bad;
    EXPECT_NE(st.message().find("Sec-Fetch-Site is '" + bad + "'"), std::string::npos)
        << st.message();
  }
}

TEST(CrossSiteTest, SameOriginCheckAloneForSignIn) {
  EXPECT_TRUE(CheckSameOrigin(Req("POST", {})).ok()) << "no browser headers: a script or curl";
  EXPECT_TRUE(CheckSameOrigin(Req("POST", {{"Origin", "http://127.0.0.1:8080"},
                                           {"Sec-Fetch-Site", "same-origin"}}))
                  .ok());
  EXPECT_FALSE(CheckSameOrigin(Req("POST", {{"Sec-Fetch-Site", "cross-site"}})).ok());
  http::Request no_host;
  no_host.method = "POST";
  no_host.headers = {{"Origin", "http://127.0.0.1:8080"}};
  EXPECT_FALSE(CheckSameOrigin(no_host).ok());
}

}  // namespace
}  // namespace amiplace::portal
