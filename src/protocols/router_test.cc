// In-process harness: the real router, services and SQLite store, driven without a socket.
#include "protocols/router.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/change_set_processor.h"
#include "core/ids.h"
#include "core/resources.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace::protocols {
namespace {

namespace bj = boost::json;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-router-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    accounts_ = std::make_unique<AccountService>(*store_);
    op_ = **accounts_->Bootstrap(clock_.Now());
    model_ = std::make_unique<model::ServiceModel>(
        std::move(model::ServiceModel::Load(resources::Find("marketplace-catalog.service-2.json"))).value());
    catalog_ = std::make_unique<CatalogService>(*store_, clock_, BuiltinChangeTypes(), CatalogService::Options{});
    catalog_api_ = std::make_unique<CatalogApi>(*catalog_, *model_);
    processor_ = std::make_unique<ChangeSetProcessor>(*store_, clock_, BuiltinChangeTypes());
    reviews_ = std::make_unique<ReviewService>(*store_, *processor_);
    buyers_ = std::make_unique<BuyerService>(*store_, clock_);
    amiplace_api_ = std::make_unique<AmiplaceApi>(*accounts_, *reviews_, *buyers_, clock_);
    limiter_ = std::make_unique<RateLimiter>(RateLimiter::CatalogQuotas());
    router_ = std::make_unique<Router>(*accounts_, *catalog_api_, *amiplace_api_, clock_, limiter_.get());
    forms_ = std::make_unique<plf::PlfService>(*catalog_);
    plf_api_ = std::make_unique<PlfApi>(*forms_);
    router_->SetPlfApi(plf_api_.get());
    Caller operator_caller{op_.account, op_.credential.access_key_id, "us-east-1"};
    seller_ = accounts_->CreateAccount(operator_caller, "SELLER", "Seller", clock_.Now()).value();
  }
  void TearDown() override {
    router_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  http::Response Call(const NewAccount& who, std::string method, std::string target,
                      std::string body, std::string service = "aws-marketplace") {
    sigv4::OutgoingRequest out;
    out.method = method;
    auto q = target.find('?');
    out.path = target.substr(0, q);
    out.query = q == std::string::npos ? "" : target.substr(q + 1);
    out.headers.push_back({"Host", "127.0.0.1:8080"});
    out.body = body;
    sigv4::Sign(out, {who.credential.access_key_id, who.credential.secret_access_key, ""},
                "us-east-1", service, clock_.Now());
    http::Request req;
    req.method = method;
    req.target = target;
    req.headers = out.headers;
    req.body = body;
    return router_->Handle(req);
  }
  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& h : r.headers)
      if (h.name == name) return h.value;
    return "";
  }

  SystemClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AccountService> accounts_;
  NewAccount op_, seller_;
  std::unique_ptr<model::ServiceModel> model_;
  std::unique_ptr<CatalogService> catalog_;
  std::unique_ptr<CatalogApi> catalog_api_;
  std::unique_ptr<ChangeSetProcessor> processor_;
  std::unique_ptr<ReviewService> reviews_;
  std::unique_ptr<BuyerService> buyers_;
  std::unique_ptr<AmiplaceApi> amiplace_api_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<plf::PlfService> forms_;
  std::unique_ptr<PlfApi> plf_api_;
};

const char kCreate[] =
    R"({"Catalog":"AWSMarketplace","ChangeSet":[{"ChangeType":"CreateProduct",)"
    R"("Entity":{"Type":"AmiProduct@1.0"},"DetailsDocument":{}}]})";

TEST_F(RouterTest, HealthCheckNeedsNoSignature) {
  http::Request req{.method = "GET", .target = "/healthz"};
  EXPECT_EQ(router_->Handle(req).status, 200);
}

TEST_F(RouterTest, UnsignedCatalogRequestIsRefusedInRestJsonShape) {
  http::Request req{.method = "GET", .target = "/DescribeEntity?catalog=AWSMarketplace&entityId=x"};
  auto r = router_->Handle(req);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "MissingAuthenticationTokenException");
  EXPECT_TRUE(bj::parse(r.body).as_object().contains("Message"));
  EXPECT_FALSE(Header(r, "x-amzn-RequestId").empty());
}

TEST_F(RouterTest, WrongServiceInScopeIsRefused) {
  auto r = Call(seller_, "GET", "/DescribeEntity?catalog=AWSMarketplace&entityId=x", "", "ec2");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "InvalidSignatureException");
}

TEST_F(RouterTest, ValidationNamesTheField) {
  auto r = Call(seller_, "GET", "/DescribeEntity?catalog=AWSMarketplace", "");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "ValidationException");
  EXPECT_NE(r.body.find("ntityId"), std::string::npos) << r.body;
}

TEST_F(RouterTest, MalformedJsonIsASerializationError) {
  auto r = Call(seller_, "POST", "/StartChangeSet", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "SerializationException");
}

TEST_F(RouterTest, StartChangeSetIsThrottledAtFivePerSecond) {
  int ok = 0, throttled = 0;
  for (int i = 0; i < 8; ++i) {
    auto r = Call(seller_, "POST", "/StartChangeSet", kCreate);
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++throttled;
      EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "ThrottlingException");
      EXPECT_NE(r.body.find("StartChangeSet"), std::string::npos);
    }
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(throttled, 3);
}

TEST_F(RouterTest, FormUploadsShareStartChangeSetsQuota) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call(seller_, "POST", "/StartChangeSet", kCreate).status, 200);
  // A sixth change set in the same second, through a form upload, is throttled like the API's.
  auto r = Call(seller_, "POST", "/amiplace/v1/plf", "not a workbook", "amiplace");
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "ThrottlingException");
  EXPECT_NE(r.body.find("StartChangeSet"), std::string::npos) << r.body;
  // Downloads are not change sets.
  EXPECT_EQ(Call(seller_, "GET", "/amiplace/v1/plf/blank?productType=ami", "", "amiplace").status, 200);
}

TEST_F(RouterTest, CreateAccountIsForOperatorsOnly) {
  auto r = Call(seller_, "POST", "/amiplace/v1/accounts", R"({"Type":"BUYER","Name":"b"})", "amiplace");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "AccessDeniedException");
  r = Call(op_, "POST", "/amiplace/v1/accounts", R"({"Type":"OPERATOR","Name":"b"})", "amiplace");
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("Type"), std::string::npos);
  r = Call(op_, "POST", "/amiplace/v1/accounts", R"({"Type":"BUYER","Name":"b"})", "amiplace");
  ASSERT_EQ(r.status, 200);
  auto o = bj::parse(r.body).as_object();
  EXPECT_EQ(o.at("AccountId").as_string().size(), 12u);
  EXPECT_EQ(o.at("Type"), "BUYER");
}

TEST_F(RouterTest, UnknownOperation) {
  auto r = Call(seller_, "POST", "/NoSuchOperation", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Header(r, "x-amzn-ErrorType"), "UnknownOperationException");
}

}  // namespace
}  // namespace amiplace::protocols
