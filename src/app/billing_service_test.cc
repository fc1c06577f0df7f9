// BillingService on the real SQLite store: instances launched and stopped through the store (so
// the state log is written by the store's own triggers), offers and a product seeded as the
// change-set worker writes them, metering records as the Metering Service writes them.
#include "app/billing_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/testing/store_seed.h"
#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr char kBuyer[] = "111111111111";
constexpr char kSeller[] = "222222222222";
constexpr char kProduct[] = "prod-abcdefghijklm";
constexpr char kByolProduct[] = "prod-byolbyolbyolb";

using test::At;
using test::ManualClock;


class BillingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-billing-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    clock_.now = At("2024-01-31T20:00:00Z");
    service_ = std::make_unique<BillingService>(*store_, clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static Entity MakeEntity(std::string id, std::string_view type, std::string_view doc) {
    return test::MakeEntity(std::move(id), type, kSeller, doc);
  }

  void Seed(std::vector<Entity> entities) {
    test::SeedEntities(*store_, kSeller, std::move(entities));
  }

  // The hourly product with a public offer (t3.micro 0.12, t3.small 0.125, users 0.333 per
  // user) and a private offer at another price, which must not be used.
  void SeedHourlyProduct(std::string_view extra_terms = "") {
    Seed({MakeEntity(kProduct, kAmiProductType,
                     R"({"Description":{"ProductCode":"code1","Visibility":"Public"},
                         "Dimensions":[{"Key":"t3.micro","Unit":"Hrs","Types":["Metered"]},
                                       {"Key":"users","Unit":"Users","Types":["ExternallyMetered"]}]})"),
          MakeEntity("offer-private00000", kOfferType, fmt::format(R"({{"State":"Released","ProductId":"{}",
              "Targeting":{{"PositiveTargeting":{{"BuyerAccounts":["{}"]}}}},
              "Terms":[{{"Type":"UsageBasedPricingTerm","CurrencyCode":"USD",
                "RateCards":[{{"RateCard":[{{"DimensionKey":"t3.micro","Price":"9"}}]}}]}}]}})",
                                                                  kProduct, kBuyer)),
          MakeEntity("offer-public000000", kOfferType, fmt::format(R"({{"State":"Released","ProductId":"{}",
              "Terms":[{{"Type":"UsageBasedPricingTerm","CurrencyCode":"USD",
                "RateCards":[{{"RateCard":[{{"DimensionKey":"t3.micro","Price":"0.12"}},
                                           {{"DimensionKey":"t3.small","Price":"0.125"}},
                                           {{"DimensionKey":"users","Price":"0.333"}}]}}]}}{}]}})",
                                                                 kProduct, extra_terms))});
  }

  void Subscribe(std::string_view product, TimePoint at) {
    test::SubscribeAt(*store_, kBuyer, product, at);
  }

  std::string Launch(std::string_view product, std::string_view type, TimePoint at) {
    return test::LaunchAt(*store_, kBuyer, product, type, InstanceState::kPending, at);
  }

  void Move(const std::string& id, InstanceState state, TimePoint at) {
    ASSERT_TRUE(store_->UpdateInstances("us-east-1", {id}, [&](std::vector<Instance>& found) {
      for (auto& i : found) {
        i.state = state;
        i.state_since = at;
      }
      return Status::Ok();
    }).ok());
  }

  void Meter(std::string_view dimension, TimePoint hour, int64_t quantity) {
    MeteringWrite w;
    w.record.metering_record_id = ids::RandomLowerAlnum(20);
    w.record.usage_key = ids::RandomLowerAlnum(20);
    w.record.source = "BatchMeterUsage";
    w.record.buyer_account_id = kBuyer;
    w.record.product_id = kProduct;
    w.record.product_code = "code1";
    w.record.dimension = std::string(dimension);
    w.record.region = "us-east-1";
    w.record.usage_hour = w.record.timestamp = w.record.recorded_at = hour;
    w.record.quantity = quantity;
    w.record.allocations = "[]";
    auto out = store_->PutMeteringRecords({w}, false);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
  }

  Bill BillFor(std::string_view month) {
    Caller c;
    c.account.account_id = kBuyer;
    auto bill = service_->BillFor(c, month);
    EXPECT_TRUE(bill.ok()) << bill.status().ToString();
    return bill.ok() ? *bill : Bill{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  ManualClock clock_;
  std::unique_ptr<BillingService> service_;
};

TEST_F(BillingServiceTest, TheStoreLogsEveryStateChangeInTheSameWrite) {
  std::string id = Launch(kProduct, "t3.micro", At("2024-01-10T10:00:00Z"));
  Move(id, InstanceState::kStopping, At("2024-01-10T12:00:00Z"));
  Move(id, InstanceState::kStopping, At("2024-01-10T12:00:00Z"));  // no change: no row
  auto log = store_->ListInstanceStateLog(kBuyer);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].state, InstanceState::kPending);
  EXPECT_EQ((*log)[1].state, InstanceState::kStopping);
  EXPECT_EQ((*log)[1].at, At("2024-01-10T12:00:00Z"));
  EXPECT_EQ((*log)[1].product_id, kProduct);
  EXPECT_EQ((*log)[1].instance_type, "t3.micro");
  // A failed update writes neither the instance nor the log.
  EXPECT_FALSE(store_->UpdateInstances("us-east-1", {id}, [](std::vector<Instance>& found) {
    found[0].state = InstanceState::kRunning;
    return ValidationError("no");
  }).ok());
  EXPECT_EQ(store_->ListInstanceStateLog(kBuyer)->size(), 2u);
}

TEST_F(BillingServiceTest, InstanceHoursAtThePublicOffersRateAcrossAMonthBoundary) {
  SeedHourlyProduct();
  Subscribe(kProduct, At("2024-01-01T00:00:00Z"));
  // 22:30 Jan 31 → 02:15 Feb 1 (stopped): 2 hours in January, 2 in February.
  std::string a = Launch(kProduct, "t3.micro", At("2024-01-31T22:30:00Z"));
  Move(a, InstanceState::kStopping, At("2024-02-01T02:15:00Z"));
  // 10 minutes of t3.small in January: one started hour at 0.125.
  std::string b = Launch(kProduct, "t3.small", At("2024-01-05T08:00:00Z"));
  Move(b, InstanceState::kShuttingDown, At("2024-01-05T08:10:00Z"));
  // An instance without a product bills nothing.
  Launch("", "t3.micro", At("2024-01-02T00:00:00Z"));
  clock_.now = At("2024-02-10T00:00:00Z");

  Bill jan = BillFor("2024-01");
  EXPECT_EQ(jan.month, "2024-01");
  ASSERT_EQ(jan.lines.size(), 2u);
  EXPECT_EQ(jan.lines[0].usage_type, "t3.micro");
  EXPECT_EQ(jan.lines[0].quantity.ToString(), "2");
  EXPECT_EQ(jan.lines[0].unit, "Hrs");
  EXPECT_EQ(jan.lines[0].amount.ToFixed(2), "0.24");
  EXPECT_EQ(jan.lines[1].usage_type, "t3.small");
  EXPECT_EQ(jan.lines[1].amount.ToFixed(2), "0.13");  // 0.125 rounded half-up
  EXPECT_EQ(jan.total.ToFixed(2), "0.37");

  Bill feb = BillFor("2024-02");
  ASSERT_EQ(feb.lines.size(), 1u);
  EXPECT_EQ(feb.lines[0].quantity.ToString(), "2");
  EXPECT_EQ(feb.total.ToFixed(2), "0.24");
  EXPECT_TRUE(BillFor("2024-03").lines.empty());
  EXPECT_EQ(BillFor("2024-03").total.ToFixed(2), "0.00");
}

TEST_F(BillingServiceTest, ARunningInstanceAccruesCompletedHoursAndTheDefaultIsThisMonth) {
  SeedHourlyProduct();
  Subscribe(kProduct, At("2024-01-01T00:00:00Z"));
  Launch(kProduct, "t3.micro", At("2024-01-31T10:00:00Z"));
  clock_.now = At("2024-01-31T15:00:05Z");
  Caller c;
  c.account.account_id = kBuyer;
  auto bill = service_->BillFor(c, std::nullopt);
  ASSERT_TRUE(bill.ok());
  EXPECT_EQ(bill->month, "2024-01");
  ASSERT_EQ(bill->lines.size(), 1u);
  EXPECT_EQ(bill->lines[0].quantity.ToString(), "5");
  EXPECT_EQ(bill->total.ToFixed(2), "0.60");
  EXPECT_FALSE(service_->BillFor(c, "January").ok());
}

TEST_F(BillingServiceTest, AMonthThatIsNotYyyyMmIsAValidationError) {
  Caller c;
  c.account.account_id = kBuyer;
  auto bill = service_->BillFor(c, "2024-1");
  ASSERT_FALSE(bill.ok());
  EXPECT_EQ(bill.status().code(), ErrorCode::kValidation);
  EXPECT_NE(bill.status().message().find("month"), std::string::npos);
}

TEST_F(BillingServiceTest, MeteredUsageBillsTheDimensionsPriceAndUnit) {
  SeedHourlyProduct();
  Subscribe(kProduct, At("2024-01-01T00:00:00Z"));
  Meter("users", At("2024-01-10T10:00:00Z"), 4);
  Meter("users", At("2024-01-10T11:00:00Z"), 3);
  Meter("users", At("2024-02-01T00:00:00Z"), 100);  // February's
  Bill jan = BillFor("2024-01");
  ASSERT_EQ(jan.lines.size(), 1u);
  EXPECT_EQ(jan.lines[0].usage_type, "users");
  EXPECT_EQ(jan.lines[0].unit, "Users");
  EXPECT_EQ(jan.lines[0].quantity.ToString(), "7");
  EXPECT_EQ(jan.lines[0].amount.ToFixed(2), "2.33");  // 2.331
  EXPECT_EQ(jan.total.ToFixed(2), "2.33");
}

TEST_F(BillingServiceTest, APriceChangeAppliesFromItsMomentAndNeverReprices) {
  SeedHourlyProduct();  // t3.micro 0.12, users 0.333 since 2024-01-01
  Subscribe(kProduct, At("2024-01-01T00:00:00Z"));
  std::string a = Launch(kProduct, "t3.micro", At("2024-01-10T10:00:00Z"));
  Meter("users", At("2024-01-10T11:00:00Z"), 3);
  auto reprice = [&](int revision, std::string_view at, std::string_view micro, std::string_view users) {
    Entity offer = MakeEntity("offer-public000000", kOfferType, fmt::format(R"({{"State":"Released",
        "ProductId":"{}","Terms":[{{"Type":"UsageBasedPricingTerm","CurrencyCode":"USD",
        "RateCards":[{{"RateCard":[{{"DimensionKey":"t3.micro","Price":"{}"}},
                                   {{"DimensionKey":"users","Price":"{}"}}]}}]}}]}})",
                                                                          kProduct, micro, users));
    offer.revision = revision;
    offer.last_modified = At(at);
    Seed({offer});
  };
  reprice(2, "2024-01-10T15:00:00Z", "0.5", "1");
  Meter("users", At("2024-01-10T16:00:00Z"), 2);
  Move(a, InstanceState::kStopping, At("2024-01-10T20:00:00Z"));
  clock_.now = At("2024-01-31T00:00:00Z");
  Bill jan = BillFor("2024-01");
  ASSERT_EQ(jan.lines.size(), 2u);
  EXPECT_EQ(jan.lines[0].usage_type, "t3.micro");
  EXPECT_EQ(jan.lines[0].quantity.ToString(), "10");
  EXPECT_EQ(jan.lines[0].amount.ToFixed(2), "3.10");  // 5 h × 0.12 + 5 h × 0.5
  EXPECT_EQ(jan.lines[1].usage_type, "users");
  EXPECT_EQ(jan.lines[1].amount.ToFixed(2), "3.00");  // 3 × 0.333 + 2 × 1 = 2.999
  EXPECT_EQ(jan.total.ToFixed(2), "6.10");
  // A later price change leaves January's bill as it was.
  reprice(3, "2024-02-05T00:00:00Z", "9", "9");
  clock_.now = At("2024-02-10T00:00:00Z");
  EXPECT_EQ(BillFor("2024-01").total.ToFixed(2), "6.10");
  auto revisions = store_->ListOfferRevisions("offer-public000000");
  ASSERT_TRUE(revisions.ok());
  ASSERT_EQ(revisions->size(), 3u);
  EXPECT_EQ((*revisions)[1].valid_from, At("2024-01-10T15:00:00Z"));
}

TEST_F(BillingServiceTest, FreeTrialHoursAreZero) {
  SeedHourlyProduct(R"(,{"Type":"FreeTrialPricingTerm","Duration":"P1D",
                         "Grants":[{"DimensionKey":"t3.micro"}]})");
  Subscribe(kProduct, At("2024-01-10T00:00:00Z"));
  // Runs 22:00 Jan 10 → 03:00 Jan 11: the hours starting 22:00 and 23:00 fall in the trial.
  std::string a = Launch(kProduct, "t3.micro", At("2024-01-10T22:00:00Z"));
  Move(a, InstanceState::kStopping, At("2024-01-11T03:00:00Z"));
  Bill jan = BillFor("2024-01");
  ASSERT_EQ(jan.lines.size(), 1u);
  EXPECT_EQ(jan.lines[0].quantity.ToString(), "5");
  EXPECT_EQ(jan.lines[0].amount.ToFixed(2), "0.36");  // 3 hours × 0.12
}

TEST_F(BillingServiceTest, ByolBillsZero) {
  Seed({MakeEntity(kByolProduct, kAmiProductType, R"({"Description":{"ProductCode":"code2"}})"),
        MakeEntity("offer-byol00000000", kOfferType,
                   fmt::format(R"({{"State":"Released","ProductId":"{}",
                                   "Terms":[{{"Type":"ByolPricingTerm"}}]}})",
                               kByolProduct))});
  std::string a = Launch(kByolProduct, "t3.micro", At("2024-01-10T10:00:00Z"));
  Move(a, InstanceState::kStopping, At("2024-01-10T13:00:00Z"));
  Bill jan = BillFor("2024-01");
  ASSERT_EQ(jan.lines.size(), 1u);
  EXPECT_EQ(jan.lines[0].quantity.ToString(), "3");
  EXPECT_EQ(jan.lines[0].amount.ToFixed(2), "0.00");
  EXPECT_EQ(jan.total.ToFixed(2), "0.00");
}

}  // namespace
}  // namespace amiplace
