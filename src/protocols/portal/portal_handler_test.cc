// The portal through the real router, services and SQLite store, without a socket: sign-in,
// the session cookie as an API credential, the cross-site checks and sign-out.
#include "protocols/portal/portal_handler.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/change_set_processor.h"
#include "core/ids.h"
#include "core/resources.h"
#include "protocols/router.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace::portal {
namespace {

namespace bj = boost::json;

constexpr char kHost[] = "127.0.0.1:8080";
constexpr char kCreate[] =
    R"({"Catalog":"AWSMarketplace","ChangeSet":[{"ChangeType":"CreateProduct",)"
    R"("Entity":{"Type":"AmiProduct@1.0"},"DetailsDocument":{}}]})";

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-portal-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    accounts_ = std::make_unique<AccountService>(*store_);
    op_ = **accounts_->Bootstrap(clock_.Now());
    model_ = std::make_unique<model::ServiceModel>(
        std::move(model::ServiceModel::Load(resources::Find("marketplace-catalog.service-2.json")))
            .value());
    catalog_ = std::make_unique<CatalogService>(*store_, clock_, BuiltinChangeTypes(),
                                                CatalogService::Options{});
    catalog_api_ = std::make_unique<protocols::CatalogApi>(*catalog_, *model_);
    processor_ = std::make_unique<ChangeSetProcessor>(*store_, clock_, BuiltinChangeTypes());
    reviews_ = std::make_unique<ReviewService>(*store_, *processor_);
    buyers_ = std::make_unique<BuyerService>(*store_, clock_);
    amiplace_api_ =
        std::make_unique<protocols::AmiplaceApi>(*accounts_, *reviews_, *buyers_, clock_);
    router_ = std::make_unique<protocols::Router>(*accounts_, *catalog_api_, *amiplace_api_, clock_,
                                                  nullptr);
    portal_ = std::make_unique<PortalHandler>(*accounts_, clock_);
    router_->SetPortal(portal_.get());
    Caller operator_caller{op_.account, op_.credential.access_key_id, "us-east-1"};
    seller_ = accounts_->CreateAccount(operator_caller, "SELLER", "Seller", clock_.Now()).value();
  }
  void TearDown() override {
    router_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  http::Response Send(std::string method, std::string target, std::string body = "",
                      std::vector<http::Header> headers = {}) {
    http::Request req;
    req.method = std::move(method);
    req.target = std::move(target);
    req.body = std::move(body);
    req.headers = std::move(headers);
    req.headers.push_back({"Host", kHost});
    req.remote_address = "10.1.2.3";
    return router_->Handle(req);
  }
  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& h : r.headers) {
      if (h.name == name) return h.value;
    }
    return "";
  }
  static std::string SignInBody(const NewAccount& who, std::string secret = "") {
    return bj::serialize(bj::object{
        {"AccessKeyId", who.credential.access_key_id},
        {"SecretAccessKey", secret.empty() ? who.credential.secret_access_key : secret}});
  }
  // Signs in; returns {session ID, CSRF token}.
  std::pair<std::string, std::string> SignIn(const NewAccount& who) {
    auto r = Send("POST", "/portal/api/session", SignInBody(who));
    EXPECT_EQ(r.status, 200) << r.body;
    std::string cookie = Header(r, "Set-Cookie");
    auto eq = cookie.find('='), semi = cookie.find(';');
    return {cookie.substr(eq + 1, semi - eq - 1),
            std::string(bj::parse(r.body).at("CsrfToken").as_string())};
  }

  SystemClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AccountService> accounts_;
  NewAccount op_, seller_;
  std::unique_ptr<model::ServiceModel> model_;
  std::unique_ptr<CatalogService> catalog_;
  std::unique_ptr<protocols::CatalogApi> catalog_api_;
  std::unique_ptr<ChangeSetProcessor> processor_;
  std::unique_ptr<ReviewService> reviews_;
  std::unique_ptr<BuyerService> buyers_;
  std::unique_ptr<protocols::AmiplaceApi> amiplace_api_;
  std::unique_ptr<protocols::Router> router_;
  std::unique_ptr<PortalHandler> portal_;
};

TEST_F(PortalTest, PortalRedirectsToItsRoot) {
  auto r = Send("GET", "/portal");
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(Header(r, "Location"), "/portal/");
  EXPECT_EQ(Header(r, "X-Frame-Options"), "DENY");
  r = Send("GET", "/portal/no-such-file.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Header(r, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_FALSE(Header(r, "Content-Security-Policy").empty());
  EXPECT_EQ(Send("POST", "/portal/index.html").status, 405);
  EXPECT_EQ(Send("GET", "/portalx").status, 404);  // not the portal
}

TEST_F(PortalTest, SignInSetsTheCookieAndAnswersTheSession) {
  auto r = Send("POST", "/portal/api/session", SignInBody(seller_));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = Header(r, "Set-Cookie");
  EXPECT_TRUE(cookie.starts_with("amiplace_session=")) << cookie;
  EXPECT_TRUE(cookie.ends_with("; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800")) << cookie;
  auto o = bj::parse(r.body).as_object();
  EXPECT_EQ(o.at("AccountId").as_string(), seller_.account.account_id);
  EXPECT_EQ(o.at("Type"), "SELLER");
  EXPECT_EQ(o.at("Name"), "Seller");
  EXPECT_EQ(o.at("CsrfToken").as_string().size(), 43u);
  EXPECT_TRUE(ParseIso8601(o.at("ExpiresAt").as_string()));
  EXPECT_EQ(Header(r, "Cache-Control"), "no-cache");

  std::string id = cookie.substr(17, cookie.find(';') - 17);
  auto again = Send("GET", "/portal/api/session", "", {{"Cookie", "amiplace_session=" + id}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(bj::parse(again.body).at("CsrfToken"), o.at("CsrfToken"));
  auto none = Send("GET", "/portal/api/session");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(Header(none, "x-amzn-ErrorType"), "AccessDeniedException");
  EXPECT_EQ(bj::parse(none.body).at("Message"), "Not signed in");
}

TEST_F(PortalTest, WrongSecretAndUnknownKeyGetTheSameAnswer) {
  auto wrong = Send("POST", "/portal/api/session", SignInBody(seller_, "wrong"));
  auto unknown = Send("POST", "/portal/api/session",
                      R"({"AccessKeyId":"AKIANOSUCHKEY0000000","SecretAccessKey":"x"})");
  auto instance = Send("POST", "/portal/api/session",
                       R"({"AccessKeyId":"ASIAINSTANCE00000000","SecretAccessKey":"x"})");
  for (const auto* r : {&wrong, &unknown, &instance}) {
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(Header(*r, "x-amzn-ErrorType"), "AccessDeniedException");
    EXPECT_EQ(bj::parse(r->body).at("Message"),
              "The access key ID or secret access key is not valid");
    EXPECT_TRUE(Header(*r, "Set-Cookie").empty());
  }
}

TEST_F(PortalTest, SignInBodyIsValidated) {
  struct Case {
    std::string body, field;
  } cases[] = {
      {R"({"AccessKeyId":"a"})", "SecretAccessKey: is required"},
      {R"({"AccessKeyId":1,"SecretAccessKey":"x"})", "AccessKeyId: must be a string"},
      {R"({"AccessKeyId":"a","SecretAccessKey":"x","Extra":1})", "Extra: unknown field"},
      {R"([1])", "must be a JSON object"},
  };
  for (const auto& c : cases) {
    auto r = Send("POST", "/portal/api/session", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "ValidationException") << c.body;
    EXPECT_NE(r.body.find(c.field), std::string::npos) << r.body;
  }
  EXPECT_EQ(Send("POST", "/portal/api/session", "{nope").status, 400);
}

TEST_F(PortalTest, SignInRefusesAnotherOrigin) {
  auto r =
      Send("POST", "/portal/api/session", SignInBody(seller_), {{"Origin", "http://127.0.0.1:1"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("cross-site request refused: Origin"), std::string::npos);
  r = Send("POST", "/portal/api/session", SignInBody(seller_), {{"Sec-Fetch-Site", "same-site"}});
  EXPECT_EQ(r.status, 403);
  r = Send("POST", "/portal/api/session", SignInBody(seller_),
           {{"Origin", std::string("http://") + kHost}, {"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(r.status, 200);
}

TEST_F(PortalTest, SixthFailureIsThrottledEvenWithTheRightSecret) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Send("POST", "/portal/api/session", SignInBody(seller_, "wrong")).status, 401);
  }
  for (const std::string& secret : {std::string("wrong"), seller_.credential.secret_access_key}) {
    auto r = Send("POST", "/portal/api/session", SignInBody(seller_, secret));
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "ThrottlingException");
    int retry = std::stoi(Header(r, "Retry-After"));
    EXPECT_GT(retry, 290);
    EXPECT_LE(retry, 300);
    EXPECT_EQ(bj::parse(r.body).at("Message").as_string(),
              fmt::format("Too many failed sign-ins; try again in {} seconds", retry));
  }
}

TEST_F(PortalTest, SessionAuthenticatesTheApis) {
  auto [id, token] = SignIn(seller_);
  const http::Header cookie{"Cookie", "amiplace_session=" + id};
  auto who = Send("GET", "/amiplace/v1/whoami", "", {cookie});
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(bj::parse(who.body).at("AccountId").as_string(), seller_.account.account_id);

  auto list =
      Send("POST", "/ListEntities", R"({"Catalog":"AWSMarketplace","EntityType":"AmiProduct"})",
           {cookie, {"X-CSRF-Token", token}});
  EXPECT_EQ(list.status, 200) << list.body;
  auto created = Send("POST", "/StartChangeSet", kCreate,
                      {cookie,
                       {"X-CSRF-Token", token},
                       {"Origin", std::string("http://") + kHost},
                       {"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(created.status, 200) << created.body;
}

TEST_F(PortalTest, WritesWithoutTheTokenOrFromElsewhereAreRefused) {
  auto [id, token] = SignIn(seller_);
  const http::Header cookie{"Cookie", "amiplace_session=" + id};
  std::vector<std::vector<http::Header>> refused = {
      {cookie},
      {cookie, {"X-CSRF-Token", "wrong"}},
      {cookie, {"X-CSRF-Token", token}, {"Origin", "http://evil.example"}},
      {cookie, {"X-CSRF-Token", token}, {"Sec-Fetch-Site", "cross-site"}},
      {cookie, {"Content-Type", "application/x-www-form-urlencoded"}},
  };
  for (const auto& headers : refused) {
    auto r = Send("POST", "/StartChangeSet", kCreate, headers);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "AccessDeniedException");
    EXPECT_NE(r.body.find("cross-site request refused"), std::string::npos) << r.body;
  }
}

TEST_F(PortalTest, NoSessionIs401ForTheOwnApiAndAwsAnswerForTheCatalog) {
  auto r = Send("GET", "/amiplace/v1/whoami");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "AccessDeniedException");
  EXPECT_NE(r.body.find("sign in"), std::string::npos);
  r = Send("GET", "/amiplace/v1/whoami", "", {{"Cookie", "amiplace_session=forged"}});
  EXPECT_EQ(r.status, 401);
  r = Send("POST", "/ListEntities", "{}", {{"Cookie", "amiplace_session=forged"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "AccessDeniedException");
  r = Send("POST", "/ListEntities", "{}");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "MissingAuthenticationTokenException");
  // A browser (fetch metadata) without a session: the pages' "signed out".
  r = Send("POST", "/ListEntities", "{}", {{"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "AccessDeniedException");
}

TEST_F(PortalTest, TwoSessionCookiesAreRefused) {
  auto [id, token] = SignIn(seller_);
  auto r = Send("GET", "/amiplace/v1/whoami", "",
                {{"Cookie", "amiplace_session=" + id + "; amiplace_session=planted"}});
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("2 amiplace_session cookies"), std::string::npos) << r.body;
}

TEST_F(PortalTest, SignOutEndsTheSessionOnTheServer) {
  auto [id, token] = SignIn(seller_);
  const http::Header cookie{"Cookie", "amiplace_session=" + id};
  auto refused = Send("DELETE", "/portal/api/session", "", {cookie});
  EXPECT_EQ(refused.status, 403) << "sign-out needs the CSRF token";
  auto out = Send("DELETE", "/portal/api/session", "", {cookie, {"X-CSRF-Token", token}});
  ASSERT_EQ(out.status, 200);
  EXPECT_EQ(out.body, "{}");
  EXPECT_EQ(Header(out, "Set-Cookie"),
            "amiplace_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(Send("GET", "/amiplace/v1/whoami", "", {cookie}).status, 401);
  EXPECT_EQ(Send("GET", "/portal/api/session", "", {cookie}).status, 401);
  EXPECT_EQ(portal_->sessions().size(), 0u);
}

TEST_F(PortalTest, SigningInAgainReplacesTheSessionTheBrowserCarries) {
  auto [first, token] = SignIn(seller_);
  auto r = Send("POST", "/portal/api/session", SignInBody(seller_),
                {{"Cookie", "amiplace_session=" + first}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(portal_->sessions().size(), 1u);
  EXPECT_EQ(
      Send("GET", "/portal/api/session", "", {{"Cookie", "amiplace_session=" + first}}).status,
      401);
}

TEST_F(PortalTest, SignedRequestsIgnoreTheCookie) {
  // A signature wins: a SigV4 request with a stale cookie is the signer's.
  sigv4::OutgoingRequest out;
  out.method = "GET";
  out.path = "/amiplace/v1/whoami";
  out.headers.push_back({"Host", kHost});
  sigv4::Sign(out, {op_.credential.access_key_id, op_.credential.secret_access_key, ""},
              "us-east-1", "amiplace", clock_.Now());
  out.headers.push_back({"Cookie", "amiplace_session=forged"});
  http::Request req;
  req.method = "GET";
  req.target = "/amiplace/v1/whoami";
  req.headers = out.headers;
  auto r = router_->Handle(req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(bj::parse(r.body).at("Type"), "OPERATOR");
}

}  // namespace
}  // namespace amiplace::portal
