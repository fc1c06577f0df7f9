// EntitlementApi on both wires (awsJson 1.1 and rpc-v2-cbor) over the real SQLite store and AWS's
// model: the success shapes, model validation as InvalidParameterException, and each protocol's
// error shape.
#include "protocols/awsjson/entitlement_api.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/ids.h"
#include "core/resources.h"
#include "protocols/awsjson/cbor.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace::protocols {
namespace {

namespace bj = boost::json;

constexpr char kCode[] = "code0000000000000000000001";
constexpr char kSeller[] = "222222222222";
constexpr char kBuyer[] = "111111111111";
const TimePoint kT0 = FromEpochMillis(1'700'000'000'000);

class EntitlementApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = model::ServiceModel::Load(resources::Find("marketplace-entitlement.service-2.json"));
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    model_ = std::make_unique<model::ServiceModel>(std::move(*m));
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-entapi-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    service_ = std::make_unique<EntitlementService>(*store_);
    api_ = std::make_unique<EntitlementApi>(*service_, *model_);
    for (auto [id, type] :
         {std::pair{kSeller, AccountType::kSeller}, {kBuyer, AccountType::kBuyer}}) {
      ASSERT_TRUE(store_
                      ->CreateAccount(Account{id, id, type, kT0},
                                      Credential{ids::NewAccessKeyId(), id, "secret"})
                      .ok());
    }
    ChangeSet cs;
    cs.id = ids::NewChangeSetId();
    cs.owner_account_id = kSeller;
    cs.name = "seed";
    cs.request_hash = "h";
    ASSERT_EQ(store_->InsertChangeSet(cs, {}, 10)->kind, InsertConflict::Kind::kNone);
    auto claimed = store_->ClaimReady(kT0, 10, false);
    ASSERT_TRUE(claimed.ok() && claimed->size() == 1u);
    Entity p;
    p.id = "prod-aaaaaaaaaaaaa";
    p.type = std::string(kAmiProductType);
    p.owner_account_id = kSeller;
    p.created_at = p.last_modified = kT0;
    p.details = bj::parse(R"({"Description": {"ProductCode": "code0000000000000000000001"},
      "Dimensions": [{"Key":"Users","Unit":"Users","Types":["Entitled"]},
                     {"Key":"Seats","Unit":"Users","Types":["Entitled"]}]})")
                    .as_object();
    FinishedChangeSet f{(*claimed)[0], {p}, {}};
    f.change_set.status = ChangeSetStatus::kSucceeded;
    f.change_set.end_time = kT0;
    ASSERT_TRUE(store_->FinishChangeSets({f}).ok());
    Subscription sub{"sub-aaaaaaaaaaaaaaaaa", kBuyer, p.id, SubscriptionStatus::kActive, kT0, {}};
    ASSERT_TRUE(store_->Subscribe(sub).ok());
    seller_.account.account_id = kSeller;
    seller_.account.type = AccountType::kSeller;
  }
  void TearDown() override {
    api_.reset();
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static http::Request Json(std::string body, std::string op = "GetEntitlements") {
    http::Request r;
    r.method = "POST";
    r.target = "/";
    r.headers = {{"X-Amz-Target", "AWSMPEntitlementService." + op},
                 {"Content-Type", "application/x-amz-json-1.1"}};
    r.body = std::move(body);
    return r;
  }
  static http::Request Cbor(std::string body, std::string op = "GetEntitlements") {
    http::Request r;
    r.method = "POST";
    r.target = "/service/AWSMPEntitlementService/operation/" + op;
    r.headers = {{"smithy-protocol", "rpc-v2-cbor"},
                 {"Content-Type", "application/cbor"},
                 {"Accept", "application/cbor"}};
    r.body = std::move(body);
    return r;
  }
  static std::string CborOf(std::string_view json) { return cbor::Encode(bj::parse(json)); }

  // The answer the router would send: Handle's, or ErrorResponse for its Status.
  http::Response Send(const http::Request& req) {
    auto r = api_->Handle(req, seller_, "req-1");
    if (!r.ok()) return EntitlementApi::ErrorResponse(req, r.status(), "req-1");
    return std::move(*r);
  }
  static std::string Header(const http::Response& r, std::string_view name) {
    for (const auto& h : r.headers) {
      if (h.name == name) return h.value;
    }
    return "";
  }
  static bj::object CborBody(const http::Response& r) {
    auto v = cbor::Decode(r.body);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() && v->is_object() ? v->get_object() : bj::object();
  }

  std::unique_ptr<model::ServiceModel> model_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<EntitlementService> service_;
  std::unique_ptr<EntitlementApi> api_;
  Caller seller_;
};

TEST_F(EntitlementApiTest, MatchesBothProtocols) {
  EXPECT_TRUE(EntitlementApi::Matches(Json("{}")));
  EXPECT_TRUE(EntitlementApi::Matches(Cbor("")));
  EXPECT_FALSE(EntitlementApi::IsCbor(Json("{}")));
  EXPECT_TRUE(EntitlementApi::IsCbor(Cbor("")));
  http::Request metering = Json("{}");
  metering.headers[0].value = "AWSMPMeteringService.MeterUsage";
  EXPECT_FALSE(EntitlementApi::Matches(metering));
  http::Request catalog;
  catalog.method = "POST";
  catalog.target = "/StartChangeSet";
  EXPECT_FALSE(EntitlementApi::Matches(catalog));
}

TEST_F(EntitlementApiTest, AwsJsonGetEntitlements) {
  http::Response r = Send(Json(R"({"ProductCode":"code0000000000000000000001",
                                   "Filter":{"DIMENSION":["Users"]}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(Header(r, "x-amzn-RequestId"), "req-1");
  bj::object body = bj::parse(r.body).as_object();
  ASSERT_EQ(body.at("Entitlements").as_array().size(), 1u);
  EXPECT_FALSE(body.contains("NextToken"));
  const bj::object& e = body.at("Entitlements").as_array()[0].as_object();
  EXPECT_EQ(e.at("ProductCode"), kCode);
  EXPECT_EQ(e.at("Dimension"), "Users");
  EXPECT_EQ(e.at("CustomerAWSAccountId"), kBuyer);
  EXPECT_EQ(e.at("CustomerIdentifier").as_string().size(), 13u);
  EXPECT_EQ(e.at("Value"), bj::parse(R"({"BooleanValue":true})"));
  EXPECT_TRUE(e.at("LicenseArn").as_string().starts_with("arn:aws:license-manager::"));
  EXPECT_FALSE(e.contains("ExpirationDate"));

  http::Response paged =
      Send(Json(R"({"ProductCode":"code0000000000000000000001","MaxResults":1})"));
  ASSERT_EQ(paged.status, 200) << paged.body;
  EXPECT_TRUE(bj::parse(paged.body).as_object().contains("NextToken"));
}

TEST_F(EntitlementApiTest, AwsJsonErrors) {
  auto expect = [&](const http::Request& req, int status, std::string_view type,
                    std::string_view needle) {
    http::Response r = Send(req);
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(Header(r, "x-amzn-ErrorType"), type);
    EXPECT_EQ(Header(r, "Content-Type"), "application/x-amz-json-1.1");
    bj::object body = bj::parse(r.body).as_object();
    EXPECT_EQ(bj::value_to<std::string>(body.at("__type")), type);
    EXPECT_NE(std::string(body.at("message").as_string()).find(needle), std::string::npos)
        << r.body;
  };
  expect(Json(R"({"ProductCode":"code0000000000000000000001","MaxResults":26})"), 400,
         "InvalidParameterException", "maxResults");
  expect(Json(R"({"ProductCode":"code0000000000000000000001","Filter":{"COLOR":["x"]}})"), 400,
         "InvalidParameterException", "COLOR");
  expect(Json(R"({"ProductCode":"code0000000000000000000001","Filter":{"DIMENSION":[]}})"), 400,
         "InvalidParameterException", "Filter");
  expect(Json("{}"), 400, "InvalidParameterException", "productCode");
  expect(Json(R"({"ProductCode":"code0000000000000000000001","Filter":{
                  "CUSTOMER_IDENTIFIER":["a"],"CUSTOMER_AWS_ACCOUNT_ID":["b"]}})"),
         400, "InvalidParameterException", "mutually exclusive");
  expect(Json(R"({"ProductCode":"unknown"})"), 400, "InvalidParameterException", "unknown");
  expect(Json("{not json"), 400, "SerializationException", "");
  expect(Json("[]"), 400, "SerializationException", "JSON object");
  expect(Json("{}", "GetEverything"), 404, "UnknownOperationException", "GetEverything");
}

TEST_F(EntitlementApiTest, CborGetEntitlements) {
  http::Response r = Send(Cbor(CborOf(R"({"ProductCode":"code0000000000000000000001"})")));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Header(r, "Content-Type"), "application/cbor");
  EXPECT_EQ(Header(r, "smithy-protocol"), "rpc-v2-cbor");
  bj::object body = CborBody(r);
  ASSERT_EQ(body.at("Entitlements").as_array().size(), 2u);
  const bj::object& e = body.at("Entitlements").as_array()[0].as_object();
  EXPECT_EQ(e.at("Dimension"), "Seats");
  EXPECT_EQ(e.at("CustomerAWSAccountId"), kBuyer);
  EXPECT_EQ(e.at("Value"), bj::parse(R"({"BooleanValue":true})"));

  // The same answer as awsJson gives.
  http::Response json = Send(Json(R"({"ProductCode":"code0000000000000000000001"})"));
  EXPECT_EQ(bj::value(body), bj::parse(json.body));

  // Indefinite-length maps, as some encoders send, and an empty body meaning {}.
  std::string indefinite = "\xbf\x6bProductCode";
  indefinite += "\x78\x1a" + std::string(kCode) + "\x6aMaxResults\x01\xff";
  http::Response one = Send(Cbor(indefinite));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(CborBody(one).at("Entitlements").as_array().size(), 1u);
  EXPECT_TRUE(CborBody(one).contains("NextToken"));
}

TEST_F(EntitlementApiTest, CborErrors) {
  auto expect = [&](const http::Request& req, int status, std::string_view type,
                    std::string_view needle) {
    http::Response r = Send(req);
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(Header(r, "Content-Type"), "application/cbor");
    EXPECT_EQ(Header(r, "smithy-protocol"), "rpc-v2-cbor");
    bj::object body = CborBody(r);
    EXPECT_EQ(bj::serialize(body["__type"]),
              "\"com.amazonaws.marketplaceentitlementservice#" + std::string(type) + "\"");
    EXPECT_NE(bj::serialize(body["message"]).find(needle), std::string::npos)
        << bj::serialize(body);
  };
  expect(Cbor(CborOf(R"({"ProductCode":"code0000000000000000000001","MaxResults":0})")), 400,
         "InvalidParameterException", "maxResults");
  expect(Cbor(CborOf(R"({"ProductCode":"elsewhere"})")), 400, "InvalidParameterException",
         "elsewhere");
  expect(Cbor(""), 400, "InvalidParameterException", "productCode");
  expect(Cbor("\x9f\x01"), 400, "SerializationException", "offset 2");
  expect(Cbor("\xa1\x01\x02"), 400, "SerializationException", "keys must be text");
  expect(Cbor(CborOf("[1]")), 400, "SerializationException", "CBOR map");
  expect(Cbor(CborOf("{}"), "Nope"), 404, "UnknownOperationException", "Nope");
  http::Request no_header = Cbor(CborOf("{}"));
  no_header.headers.erase(no_header.headers.begin());
  expect(no_header, 400, "SerializationException", "smithy-protocol");
  http::Request json_type = Cbor(CborOf("{}"));
  json_type.headers[1].value = "application/json";
  expect(json_type, 400, "SerializationException", "Content-Type");

  // Authentication failures the router maps for CBOR requests; internal faults hide their detail.
  http::Response denied = EntitlementApi::ErrorResponse(
      Cbor(""), Status(ErrorCode::kUnrecognizedClient, "bad key"), "req-2");
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(bj::serialize(CborBody(denied)["__type"]),
            "\"com.amazonaws.marketplaceentitlementservice#UnrecognizedClientException\"");
  http::Response fault =
      EntitlementApi::ErrorResponse(Json(""), InternalError("disk on fire"), "r");
  EXPECT_EQ(fault.status, 500);
  EXPECT_EQ(bj::parse(fault.body).at("__type"), "InternalServiceErrorException");
  EXPECT_EQ(fault.body.find("disk"), std::string::npos);
  http::Response throttled =
      EntitlementApi::ErrorResponse(Json(""), Status(ErrorCode::kThrottled, "slow down"), "r");
  EXPECT_EQ(throttled.status, 400);
  EXPECT_EQ(bj::parse(throttled.body).at("__type"), "ThrottlingException");
}

}  // namespace
}  // namespace amiplace::protocols
