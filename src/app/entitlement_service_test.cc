// EntitlementService on the real SQLite store: a seller's product with two Entitled dimensions
// and an hourly one, a second product with none, and buyers subscribed, one of them cancelled.
#include "app/entitlement_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr char kCode[] = "code0000000000000000000001";
constexpr char kHourlyCode[] = "code0000000000000000000002";
constexpr char kSeller[] = "222222222222";
constexpr char kOtherSeller[] = "444444444444";
constexpr char kBuyerA[] = "111111111111";
constexpr char kBuyerB[] = "333333333333";
constexpr char kBuyerC[] = "555555555555";  // cancelled
const TimePoint kT0 = FromEpochMillis(1'700'000'000'000);

class EntitlementServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-ent-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    service_ = std::make_unique<EntitlementService>(*store_);
    for (auto [id, type] : {std::pair{kSeller, AccountType::kSeller},
                            {kOtherSeller, AccountType::kSeller},
                            {kBuyerA, AccountType::kBuyer},
                            {kBuyerB, AccountType::kBuyer},
                            {kBuyerC, AccountType::kBuyer}}) {
      Account a{id, std::string("account ") + id, type, kT0};
      Credential c{ids::NewAccessKeyId(), id, ids::NewSecretAccessKey()};
      ASSERT_TRUE(store_->CreateAccount(a, c).ok());
    }
    SeedProducts();
    Subscribe(kBuyerB, "prod-aaaaaaaaaaaaa");
    Subscribe(kBuyerA, "prod-aaaaaaaaaaaaa");
    Subscribe(kBuyerC, "prod-aaaaaaaaaaaaa");
    ASSERT_TRUE(store_->CancelSubscription(kBuyerC, "prod-aaaaaaaaaaaaa", kT0)->has_value());
    Subscribe(kBuyerA, "prod-bbbbbbbbbbbbb");
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static Entity Product(std::string id, std::string code, std::string dims) {
    Entity p;
    p.id = std::move(id);
    p.type = std::string(kAmiProductType);
    p.owner_account_id = kSeller;
    p.created_at = p.last_modified = kT0;
    p.details =
        bj::parse(
            fmt::format(
                R"({{"Description": {{"ProductCode": "{}", "Visibility": "Public"}}, "Dimensions": {}}})",
                code, dims))
            .as_object();
    return p;
  }

  void SeedProducts() {
    ChangeSet cs;
    cs.id = ids::NewChangeSetId();
    cs.owner_account_id = kSeller;
    cs.name = "seed";
    cs.request_hash = "h";
    ASSERT_EQ(store_->InsertChangeSet(cs, {}, 10)->kind, InsertConflict::Kind::kNone);
    auto claimed = store_->ClaimReady(kT0, 10, false);
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 1u);
    FinishedChangeSet f{(*claimed)[0],
                        {Product("prod-aaaaaaaaaaaaa", kCode, R"([
                           {"Key":"t3.micro","Unit":"Hrs","Types":["Metered"]},
                           {"Key":"Users","Unit":"Users","Types":["Entitled"]},
                           {"Key":"Admins","Unit":"Users","Types":["Entitled","ExternallyMetered"]}])"),
                         Product("prod-bbbbbbbbbbbbb", kHourlyCode,
                                 R"([{"Key":"t3.micro","Unit":"Hrs","Types":["Metered"]}])")},
                        {}};
    f.change_set.status = ChangeSetStatus::kSucceeded;
    f.change_set.end_time = kT0;
    ASSERT_TRUE(store_->FinishChangeSets({f}).ok());
  }

  void Subscribe(std::string buyer, std::string product) {
    Subscription sub;
    sub.id = "sub-" + ids::RandomLowerAlnum(17);
    sub.buyer_account_id = std::move(buyer);
    sub.product_id = std::move(product);
    sub.created_at = kT0;
    ASSERT_TRUE(store_->Subscribe(sub).ok());
  }

  static Caller As(std::string account) {
    Caller c;
    c.account.account_id = std::move(account);
    c.account.type = AccountType::kSeller;
    return c;
  }

  Result<GetEntitlementsResult> Get(GetEntitlementsRequest req, std::string caller = kSeller) {
    if (req.product_code.empty()) req.product_code = kCode;
    return service_->GetEntitlements(As(std::move(caller)), req);
  }

  // "account/dimension" of each entitlement.
  static std::vector<std::string> Keys(const GetEntitlementsResult& r) {
    std::vector<std::string> out;
    for (const auto& e : r.entitlements)
      out.push_back(e.customer_aws_account_id + "/" + e.dimension);
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<EntitlementService> service_;
};

using KeyList = std::vector<std::string>;

TEST_F(EntitlementServiceTest, OneEntitlementPerActiveSubscriptionAndEntitledDimension) {
  auto r = Get({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Keys(*r), (KeyList{"111111111111/Admins", "111111111111/Users", "333333333333/Admins",
                               "333333333333/Users"}));
  EXPECT_TRUE(r->next_token.empty());
  const auto& e = r->entitlements[0];
  EXPECT_EQ(e.product_code, kCode);
  EXPECT_TRUE(e.boolean_value);
  EXPECT_FALSE(e.expiration_date.has_value());
  EXPECT_EQ(e.customer_identifier.size(), 13u);
  EXPECT_EQ(e.customer_identifier, r->entitlements[1].customer_identifier);  // same buyer
  EXPECT_NE(e.customer_identifier, r->entitlements[2].customer_identifier);
  EXPECT_TRUE(e.license_arn.starts_with("arn:aws:license-manager::679593333241:license:l-"))
      << e.license_arn;
  EXPECT_EQ(e.license_arn, r->entitlements[1].license_arn);

  // Stable across calls, and a buyer is another customer of another product.
  auto again = Get({});
  EXPECT_EQ(again->entitlements[0].customer_identifier, e.customer_identifier);
  auto hourly = Get({.product_code = kHourlyCode});
  ASSERT_TRUE(hourly.ok());
  EXPECT_EQ(Keys(*hourly), (KeyList{"111111111111/subscription"}));
  EXPECT_NE(hourly->entitlements[0].customer_identifier, e.customer_identifier);
}

TEST_F(EntitlementServiceTest, OnlyTheSellerMayAsk) {
  auto other = Get({}, kOtherSeller);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), ErrorCode::kValidation);
  EXPECT_EQ(other.status().message(),
            "ProductCode: code0000000000000000000001 is not the product code of a product of "
            "account 444444444444");
  auto buyer = Get({}, kBuyerA);
  EXPECT_EQ(buyer.status().code(), ErrorCode::kValidation);
  auto unknown = Get({.product_code = "nosuchcode"});
  EXPECT_EQ(unknown.status().code(), ErrorCode::kValidation);
  EXPECT_NE(unknown.status().message().find("nosuchcode"), std::string::npos);
}

TEST_F(EntitlementServiceTest, FiltersOrWithinAKeyAndAndAcrossKeys) {
  using F = EntitlementFilter;
  auto by_account = Get({.filters = {{F::kCustomerAwsAccountId, {kBuyerB, kBuyerC}}}});
  EXPECT_EQ(Keys(*by_account), (KeyList{"333333333333/Admins", "333333333333/Users"}));
  auto by_dim = Get({.filters = {{F::kDimension, {"Users", "t3.micro"}}}});
  EXPECT_EQ(Keys(*by_dim), (KeyList{"111111111111/Users", "333333333333/Users"}));
  auto both = Get({.filters = {{F::kDimension, {"Users"}}, {F::kCustomerAwsAccountId, {kBuyerA}}}});
  EXPECT_EQ(Keys(*both), (KeyList{"111111111111/Users"}));
  auto none = Get({.filters = {{F::kDimension, {"Nope"}}}});
  EXPECT_TRUE(none->entitlements.empty());
  EXPECT_TRUE(none->next_token.empty());

  const std::string customer_b = by_account->entitlements[0].customer_identifier;
  auto by_customer = Get({.filters = {{F::kCustomerIdentifier, {customer_b, "other"}}}});
  EXPECT_EQ(Keys(*by_customer), (KeyList{"333333333333/Admins", "333333333333/Users"}));
  auto by_license = Get({.filters = {{F::kLicenseArn, {by_account->entitlements[0].license_arn}}}});
  EXPECT_EQ(Keys(*by_license), (KeyList{"333333333333/Admins", "333333333333/Users"}));

  auto exclusive = Get(
      {.filters = {{F::kCustomerIdentifier, {customer_b}}, {F::kCustomerAwsAccountId, {kBuyerB}}}});
  ASSERT_FALSE(exclusive.ok());
  EXPECT_EQ(exclusive.status().code(), ErrorCode::kValidation);
  EXPECT_NE(exclusive.status().message().find("mutually exclusive"), std::string::npos);
}

TEST_F(EntitlementServiceTest, PagesWithSealedTokens) {
  std::vector<std::string> seen;
  GetEntitlementsRequest req{.max_results = 3};
  auto first = Get(req);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->entitlements.size(), 3u);
  ASSERT_FALSE(first->next_token.empty());
  req.next_token = first->next_token;
  auto second = Get(req);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Keys(*second), (KeyList{"333333333333/Users"}));
  EXPECT_TRUE(second->next_token.empty());

  // A full last page has no token; MaxResults 1 walks every entitlement once.
  auto exact = Get({.max_results = 4});
  EXPECT_TRUE(exact->next_token.empty());
  std::string token;
  do {
    auto page = Get({.next_token = token, .max_results = 1});
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (auto& k : Keys(*page)) seen.push_back(k);
    token = page->next_token;
  } while (!token.empty());
  EXPECT_EQ(seen, Keys(*Get({})));

  // A token belongs to its query: other filters, another caller or a forged one is refused.
  auto other = Get(
      {.filters = {{EntitlementFilter::kDimension, {"Users"}}}, .next_token = first->next_token});
  EXPECT_EQ(other.status().code(), ErrorCode::kValidation);
  EXPECT_NE(other.status().message().find("NextToken"), std::string::npos);
  EXPECT_EQ(Get({.next_token = "garbage"}).status().code(), ErrorCode::kValidation);

  EXPECT_EQ(Get({.max_results = 0}).status().code(), ErrorCode::kValidation);
  EXPECT_EQ(Get({.max_results = 26}).status().code(), ErrorCode::kValidation);
}

TEST(CustomerIdentifierTest, StableOpaqueAndKeyed) {
  const std::string key(32, 'k');
  const std::string id = CustomerIdentifierFor(key, "111111111111", "prod-a");
  EXPECT_EQ(id, CustomerIdentifierFor(key, "111111111111", "prod-a"));
  EXPECT_NE(id, CustomerIdentifierFor(key, "111111111111", "prod-b"));
  EXPECT_NE(id, CustomerIdentifierFor(key, "111111111112", "prod-a"));
  EXPECT_NE(id, CustomerIdentifierFor(std::string(32, 'x'), "111111111111", "prod-a"));
  ASSERT_EQ(id.size(), 13u);
  for (char c : id) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << id;
}

}  // namespace
}  // namespace amiplace
