// DashboardService: the date range's rules (pure), and on the real SQLite store, that a day's
// revenue, hours and units are the daily-business report's to the cent, with subscribers and
// running instances counted at the end of each day.
#include "app/dashboard_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/testing/store_seed.h"
#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

namespace bj = boost::json;
namespace chr = std::chrono;

constexpr char kBuyerA[] = "111111111111";
constexpr char kBuyerB[] = "333333333333";
constexpr char kSeller[] = "222222222222";
constexpr char kOtherSeller[] = "444444444444";
constexpr char kProduct[] = "prod-abcdefghijklm";
constexpr char kOtherProduct[] = "prod-otherotherotr";

using test::At;
using test::MakeEntity;
using test::ManualClock;
std::string Day(chr::sys_days d) { return FormatIso8601(d).substr(0, 10); }


TEST(DashboardRangeTest, DefaultsToTheLast30DaysUpToToday) {
  auto r = ParseDashboardRange(std::nullopt, std::nullopt, At("2026-03-10T15:00:00Z"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Day(r->from), "2026-02-09");
  EXPECT_EQ(Day(r->to), "2026-03-10");
  r = ParseDashboardRange(std::nullopt, "2026-01-31", At("2026-03-10T15:00:00Z"));
  EXPECT_EQ(Day(r->from), "2026-01-02");
  r = ParseDashboardRange("2026-03-01", std::nullopt, At("2026-03-10T15:00:00Z"));
  EXPECT_EQ(Day(r->from), "2026-03-01");
  EXPECT_EQ(Day(r->to), "2026-03-10");
  r = ParseDashboardRange("2024-02-29", "2024-02-29", At("2026-03-10T15:00:00Z"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->from, r->to);
}

TEST(DashboardRangeTest, MalformedDatesNameTheField) {
  const TimePoint now = At("2026-03-10T15:00:00Z");
  struct Case {
    std::optional<std::string_view> from, to;
    std::string message;
  } cases[] = {
      {"2026-13-01", std::nullopt, "from: '2026-13-01' is not a date YYYY-MM-DD"},
      {"2026-02-30", std::nullopt, "from: '2026-02-30' is not a date YYYY-MM-DD"},
      {"2026-2-01", std::nullopt, "from: '2026-2-01' is not a date YYYY-MM-DD"},
      {"2026-02-01T00:00:00Z", std::nullopt,
       "from: '2026-02-01T00:00:00Z' is not a date YYYY-MM-DD"},
      {"yesterday", std::nullopt, "from: 'yesterday' is not a date YYYY-MM-DD"},
      {std::nullopt, "2026-03-1x", "to: '2026-03-1x' is not a date YYYY-MM-DD"},
      {std::nullopt, "1969-12-31", "to: '1969-12-31' is not a date YYYY-MM-DD"},
      {"2026-03-02", "2026-03-01", "from: '2026-03-02' is after to '2026-03-01'"},
      {"2025-01-01", "2026-01-01",
       "from, to: the range 2025-01-01..2026-01-01 spans 366 days; at most 366 days are allowed"},
      {"2024-01-01", "2025-01-01",
       "from, to: the range 2024-01-01..2025-01-01 spans 367 days; at most 366 days are allowed"},
  };
  for (const auto& c : cases) {
    auto r = ParseDashboardRange(c.from, c.to, now);
    if (c.message.find("spans 366") != std::string::npos) {
      EXPECT_TRUE(r.ok()) << "366 days are allowed";
      continue;
    }
    ASSERT_FALSE(r.ok()) << c.message;
    EXPECT_EQ(r.status().code(), ErrorCode::kValidation);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

class DashboardServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-dash-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    clock_.now = At("2024-01-31T20:00:00Z");
    billing_ = std::make_unique<BillingService>(*store_, clock_);
    reports_ =
        std::make_unique<ReportService>(*store_, *billing_, clock_, ReportService::Options{});
    dashboard_ =
        std::make_unique<DashboardService>(*store_, *reports_, clock_, DashboardService::Options{});
    for (auto [id, type] : {std::pair{kBuyerA, AccountType::kBuyer},
                            {kBuyerB, AccountType::kBuyer},
                            {kSeller, AccountType::kSeller},
                            {kOtherSeller, AccountType::kSeller}}) {
      Account a{id, std::string("acct ") + id, type, At("2024-01-01T00:00:00Z")};
      Credential c{"AKIA" + ids::RandomLowerAlnum(16), id, "secret"};
      ASSERT_TRUE(store_->CreateAccount(a, c).ok());
    }
    SeedProducts();
  }
  void TearDown() override {
    dashboard_.reset();
    reports_.reset();
    billing_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void SeedProducts() {
    auto offer = [](std::string_view product, std::string_view price) {
      return fmt::format(R"({{"State":"Released","ProductId":"{}",
          "Terms":[{{"Type":"UsageBasedPricingTerm","CurrencyCode":"USD",
            "RateCards":[{{"RateCard":[{{"DimensionKey":"t3.micro","Price":"{}"}},
                                       {{"DimensionKey":"users","Price":"0.333"}}]}}]}}]}})",
                         product, price);
    };
    std::vector<Entity> entities = {
        MakeEntity(
            kProduct, kAmiProductType, kSeller,
            R"({"Description":{"ProductCode":"code1","ProductTitle":"Tools","Visibility":"Public"},
                "Dimensions":[{"Key":"t3.micro","Unit":"Hrs","Types":["Metered"]},
                              {"Key":"users","Unit":"Users","Types":["ExternallyMetered"]}]})"),
        MakeEntity("offer-public000000", kOfferType, kSeller, offer(kProduct, "0.125")),
        MakeEntity(kOtherProduct, kAmiProductType, kOtherSeller,
                   R"({"Description":{"ProductCode":"code2","Visibility":"Public"}})"),
        MakeEntity("offer-other0000000", kOfferType, kOtherSeller, offer(kOtherProduct, "1"))};
    test::SeedEntities(*store_, kSeller, std::move(entities));
  }

  void Subscribe(std::string_view buyer, std::string_view product, TimePoint at) {
    test::SubscribeAt(*store_, buyer, product, at);
  }

  std::string Launch(std::string_view buyer, std::string_view product, TimePoint at) {
    return test::LaunchAt(*store_, buyer, product, "t3.micro", InstanceState::kRunning, at);
  }

  void Stop(const std::string& id, TimePoint at) {
    ASSERT_TRUE(store_
                    ->UpdateInstances("us-east-1", {id},
                                      [&](std::vector<Instance>& v) {
                                        for (auto& i : v)
                                          i.state = InstanceState::kStopping, i.state_since = at;
                                        return Status::Ok();
                                      })
                    .ok());
  }

  void Meter(std::string_view buyer, TimePoint hour, int64_t quantity) {
    MeteringWrite w;
    w.record.metering_record_id = ids::RandomLowerAlnum(20);
    w.record.usage_key = ids::RandomLowerAlnum(20);
    w.record.source = "BatchMeterUsage";
    w.record.buyer_account_id = std::string(buyer);
    w.record.product_id = kProduct;
    w.record.product_code = "code1";
    w.record.dimension = "users";
    w.record.region = "us-east-1";
    w.record.usage_hour = w.record.timestamp = w.record.recorded_at = hour;
    w.record.quantity = quantity;
    w.record.allocations = "[]";
    ASSERT_TRUE(store_->PutMeteringRecords({w}, false).ok());
  }

  static Caller As(std::string_view id, AccountType type) {
    Caller c;
    c.account.account_id = std::string(id);
    c.account.type = type;
    return c;
  }

  ManualClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<BillingService> billing_;
  std::unique_ptr<ReportService> reports_;
  std::unique_ptr<DashboardService> dashboard_;
};

TEST_F(DashboardServiceTest, SellersOnly) {
  for (auto type : {AccountType::kBuyer, AccountType::kOperator}) {
    auto r = dashboard_->Get(As(kBuyerA, type), std::nullopt, std::nullopt, std::nullopt);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kAccessDenied);
  }
}

TEST_F(DashboardServiceTest, AnotherSellersProductIsNotFound) {
  auto r =
      dashboard_->Get(As(kSeller, AccountType::kSeller), std::nullopt, std::nullopt, kOtherProduct);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.status().message().find("productId"), std::string::npos);
}

TEST_F(DashboardServiceTest, DaysAgreeWithTheDailyBusinessReport) {
  // Jan 29: buyer A subscribes, runs 2 h 30 min (3 hours at 0.125 = 0.375 → 0.38) and meters 1
  // user (0.333 → 0.33). Jan 30: buyer B subscribes and runs from 22:00 on (still running);
  // buyer A cancels at noon. Jan 31 (today, 20:00): B meters 2 users (0.666 → 0.67).
  Subscribe(kBuyerA, kProduct, At("2024-01-29T08:00:00Z"));
  std::string a = Launch(kBuyerA, kProduct, At("2024-01-29T09:00:00Z"));
  Stop(a, At("2024-01-29T11:30:00Z"));
  Meter(kBuyerA, At("2024-01-29T10:00:00Z"), 1);
  Subscribe(kBuyerB, kProduct, At("2024-01-30T21:00:00Z"));
  Launch(kBuyerB, kProduct, At("2024-01-30T22:00:00Z"));
  ASSERT_TRUE(store_->CancelSubscription(kBuyerA, kProduct, At("2024-01-30T12:00:00Z")).ok());
  Meter(kBuyerB, At("2024-01-31T05:00:00Z"), 2);
  Subscribe(kBuyerA, kOtherProduct, At("2024-01-29T00:00:00Z"));  // another seller's: not counted

  const Caller seller = As(kSeller, AccountType::kSeller);
  auto d = dashboard_->Get(seller, "2024-01-28", "2024-02-01", std::nullopt);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->from, "2024-01-28");
  EXPECT_EQ(d->to, "2024-02-01");
  ASSERT_EQ(d->products.size(), 1u);
  EXPECT_EQ(d->products[0].product_id, kProduct);
  EXPECT_EQ(d->products[0].product_title, "Tools");
  ASSERT_EQ(d->days.size(), 5u);

  Money total;
  for (const auto& day : d->days) {
    EXPECT_EQ(day.product_id, kProduct);
    auto report = reports_->GetReport(seller, "daily-business", day.date, std::nullopt);
    ASSERT_TRUE(report.ok());
    Money amounts;
    for (const auto& row : report->table.rows) amounts += *Money::Parse(row[4], "Amount");
    EXPECT_EQ(day.revenue, amounts) << day.date;
    total += day.revenue;
  }
  EXPECT_EQ(d->revenue, total);
  const auto& d28 = d->days[0];
  const auto& d29 = d->days[1];
  const auto& d30 = d->days[2];
  const auto& d31 = d->days[3];
  const auto& f01 = d->days[4];
  EXPECT_EQ(d28.subscribers, 0);
  EXPECT_EQ(d28.revenue, Money());
  EXPECT_EQ(d29.subscribers, 1);
  EXPECT_EQ(d29.running_instances, 0);  // stopped before the end of the day
  EXPECT_EQ(d29.instance_hours.ToString(), "3");
  EXPECT_EQ(d29.metered_units.ToString(), "1");
  EXPECT_EQ(d29.revenue.ToFixed(2), "0.71");  // 0.38 + 0.33
  EXPECT_EQ(d30.subscribers, 1);              // A cancelled, B subscribed
  EXPECT_EQ(d30.running_instances, 1);
  EXPECT_EQ(d30.instance_hours.ToString(), "2");  // 22:00-24:00
  EXPECT_EQ(d31.subscribers, 1);
  EXPECT_EQ(d31.running_instances, 1);
  EXPECT_EQ(d31.instance_hours.ToString(), "20");  // completed hours up to 20:00
  EXPECT_EQ(d31.metered_units.ToString(), "2");
  EXPECT_EQ(f01.date, "2024-02-01");  // tomorrow: nothing yet
  EXPECT_EQ(f01.subscribers, 0);
  EXPECT_EQ(f01.running_instances, 0);
  EXPECT_EQ(f01.revenue, Money());
  EXPECT_EQ(d->instance_hours.ToString(), "25");
  EXPECT_EQ(d->metered_units.ToString(), "3");
}

TEST_F(DashboardServiceTest, OneEntryPerDateAndProductEvenWithoutUsage) {
  auto d =
      dashboard_->Get(As(kSeller, AccountType::kSeller), std::nullopt, std::nullopt, std::nullopt);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->from, "2024-01-02");
  EXPECT_EQ(d->to, "2024-01-31");
  EXPECT_EQ(d->days.size(), 30u);
  EXPECT_EQ(d->revenue.ToFixed(2), "0.00");
}

}  // namespace
}  // namespace amiplace
