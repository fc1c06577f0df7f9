// ReportService on the real SQLite store: two buyers of one seller's hourly product with an
// ExternallyMetered dimension; the reports' and feeds' money must equal the buyers' bills to the
// cent (amounts are summed after each bill's rounding), and CSV follows RFC 4180.
#include "app/report_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "app/testing/store_seed.h"
#include "core/ids.h"
#include "storage/sqlite/sqlite_store.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr char kBuyerA[] = "111111111111";
constexpr char kBuyerB[] = "333333333333";
constexpr char kSeller[] = "222222222222";
constexpr char kOtherSeller[] = "444444444444";
constexpr char kProduct[] = "prod-abcdefghijklm";
constexpr char kOtherProduct[] = "prod-otherotherotr";

using test::At;
using test::MakeEntity;
using test::ManualClock;


TEST(CsvTest, QuotesOnlyWhatRfc4180Needs) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  ReportTable t{{"A", "B"}, {{"1", "x,y"}, {"", "\""}}};
  EXPECT_EQ(ToCsv(t), "A,B\r\n1,\"x,y\"\r\n,\"\"\"\"\r\n");
}

class ReportServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("amiplace-reports-" + ids::RandomLowerAlnum(8));
    store_ = std::move(SqliteStore::Open(dir_.string(), nullptr)).value();
    clock_.now = At("2024-01-31T20:00:00Z");
    billing_ = std::make_unique<BillingService>(*store_, clock_);
    reports_ = std::make_unique<ReportService>(*store_, *billing_, clock_, ReportService::Options{});
    for (auto [id, type] : {std::pair{kBuyerA, AccountType::kBuyer}, {kBuyerB, AccountType::kBuyer},
                            {kSeller, AccountType::kSeller}, {kOtherSeller, AccountType::kSeller}}) {
      Account a{id, std::string("acct ") + id, type, At("2024-01-01T00:00:00Z")};
      Credential c{"AKIA" + ids::RandomLowerAlnum(16), id, "secret"};
      ASSERT_TRUE(store_->CreateAccount(a, c).ok());
    }
    SeedProducts();
  }
  void TearDown() override {
    reports_.reset();
    billing_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void SeedProducts() {
    std::vector<Entity> entities = {
        MakeEntity(kProduct, kAmiProductType, kSeller,
                   R"({"Description":{"ProductCode":"code1","ProductTitle":"Tools, \"pro\"","Visibility":"Public"},
                       "Dimensions":[{"Key":"t3.micro","Unit":"Hrs","Types":["Metered"]},
                                     {"Key":"users","Unit":"Users","Types":["ExternallyMetered"]}]})"),
        MakeEntity("offer-public000000", kOfferType, kSeller,
                   fmt::format(R"({{"State":"Released","ProductId":"{}",
              "Terms":[{{"Type":"UsageBasedPricingTerm","CurrencyCode":"USD",
                "RateCards":[{{"RateCard":[{{"DimensionKey":"t3.micro","Price":"0.125"}},
                                           {{"DimensionKey":"users","Price":"0.333"}}]}}]}}]}})",
                               kProduct)),
        MakeEntity(kOtherProduct, kAmiProductType, kOtherSeller,
                   R"({"Description":{"ProductCode":"code2","Visibility":"Public"}})"),
        MakeEntity("offer-other0000000", kOfferType, kOtherSeller,
                   fmt::format(R"({{"State":"Released","ProductId":"{}",
              "Terms":[{{"Type":"UsageBasedPricingTerm","CurrencyCode":"USD",
                "RateCards":[{{"RateCard":[{{"DimensionKey":"t3.micro","Price":"1"}}]}}]}}]}})",
                               kOtherProduct))};
    test::SeedEntities(*store_, kSeller, std::move(entities));
  }

  void Subscribe(std::string_view buyer, std::string_view product, TimePoint at) {
    test::SubscribeAt(*store_, buyer, product, at);
  }

  std::string Launch(std::string_view buyer, std::string_view product, TimePoint at) {
    return test::LaunchAt(*store_, buyer, product, "t3.micro", InstanceState::kRunning, at);
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

  Caller As(std::string_view id, AccountType type) {
    Caller c;
    c.account.account_id = std::string(id);
    c.account.type = type;
    return c;
  }

  // Each buyer: one t3.micro hour (0.125 → 0.13 each) and 1 user (0.333 → 0.33 each) on Jan 30;
  // buyer B also 2 users on Jan 31 (0.666 → 0.67). The other seller's product: buyer A, 1 hour.
  void Usage() {
    Subscribe(kBuyerA, kProduct, At("2024-01-30T00:00:00Z"));
    Subscribe(kBuyerB, kProduct, At("2024-01-30T00:00:00Z"));
    Subscribe(kBuyerA, kOtherProduct, At("2024-01-30T00:00:00Z"));
    for (const char* b : {kBuyerA, kBuyerB}) {
      std::string id = Launch(b, kProduct, At("2024-01-30T10:00:00Z"));
      ASSERT_TRUE(store_->UpdateInstances("us-east-1", {id}, [&](std::vector<Instance>& v) {
        for (auto& i : v) i.state = InstanceState::kStopping, i.state_since = At("2024-01-30T10:30:00Z");
        return Status::Ok();
      }).ok());
      Meter(b, At("2024-01-30T11:00:00Z"), 1);
    }
    Meter(kBuyerB, At("2024-01-31T05:00:00Z"), 2);
    std::string other = Launch(kBuyerA, kOtherProduct, At("2024-01-30T10:00:00Z"));
    ASSERT_TRUE(store_->UpdateInstances("us-east-1", {other}, [&](std::vector<Instance>& v) {
      for (auto& i : v) i.state = InstanceState::kStopping, i.state_since = At("2024-01-30T10:30:00Z");
      return Status::Ok();
    }).ok());
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteStore> store_;
  ManualClock clock_;
  std::unique_ptr<BillingService> billing_;
  std::unique_ptr<ReportService> reports_;
};

TEST_F(ReportServiceTest, OnlySellersMayReadReportsAndFeeds) {
  for (auto type : {AccountType::kBuyer, AccountType::kOperator}) {
    auto r = reports_->GetReport(As(kBuyerA, type), "billed-revenue", std::nullopt, std::nullopt);
    EXPECT_EQ(r.status().code(), ErrorCode::kAccessDenied);
    EXPECT_EQ(reports_->GetFeed(As(kBuyerA, type), "usage.csv").status().code(),
              ErrorCode::kAccessDenied);
  }
}

TEST_F(ReportServiceTest, RefusesBadTypesAndPeriods) {
  Caller s = As(kSeller, AccountType::kSeller);
  EXPECT_EQ(reports_->GetReport(s, "revenue", std::nullopt, std::nullopt).status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(reports_->GetReport(s, "billed-revenue", std::nullopt, "2024-13").status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(reports_->GetReport(s, "daily-business", "2024-02-30", std::nullopt).status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(reports_->GetReport(s, "daily-business", std::nullopt, "2024-01").status().code(),
            ErrorCode::kValidation);
  EXPECT_EQ(reports_->GetFeed(s, "nope.csv").status().code(), ErrorCode::kNotFound);
}

TEST_F(ReportServiceTest, BilledRevenueEqualsTheSumOfTheBillsToTheCent) {
  Usage();
  Caller s = As(kSeller, AccountType::kSeller);
  auto r = reports_->GetReport(s, "billed-revenue", std::nullopt, "2024-01");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->period, "2024-01");
  ASSERT_EQ(r->table.rows.size(), 2u);
  EXPECT_EQ(r->table.rows[0], (std::vector<std::string>{kProduct, "t3.micro", "2", "Hrs", "0.26", "USD", "2"}));
  EXPECT_EQ(r->table.rows[1], (std::vector<std::string>{kProduct, "users", "4", "Users", "1.33", "USD", "2"}));
  // The bills, restricted to the seller's product, add up to the report's total.
  Money from_bills;
  for (const char* b : {kBuyerA, kBuyerB}) {
    auto bill = billing_->BillOf(b, *ParseBillingMonth("2024-01"), clock_.now);
    ASSERT_TRUE(bill.ok());
    for (const auto& l : bill->lines) if (l.product_id == kProduct) from_bills += l.amount;
  }
  ASSERT_TRUE(r->total.has_value());
  EXPECT_EQ(*r->total, from_bills);
  EXPECT_EQ(r->total->ToFixed(2), "1.59");  // not 0.25 + 1.33 = round(exact sums)
  bj::object json = ReportToJson(*r);
  EXPECT_EQ(json.at("Total").as_string(), "1.59");
  EXPECT_EQ(json.at("Rows").as_array()[0].as_object().at("Buyers").as_int64(), 2);
  EXPECT_EQ(ToCsv(r->table).substr(0, 52), "ProductId,UsageType,Quantity,Unit,Amount,Currency,Bu");

  // Daily: Jan 30 has the hours and 1 user each; Jan 31 buyer B's 2 users.
  auto d30 = reports_->GetReport(s, "daily-business", "2024-01-30", std::nullopt);
  ASSERT_TRUE(d30.ok());
  EXPECT_EQ(d30->total->ToFixed(2), "0.92");
  auto d31 = reports_->GetReport(s, "daily-business", std::nullopt, std::nullopt);  // today
  ASSERT_TRUE(d31.ok());
  EXPECT_EQ(d31->period, "2024-01-31");
  EXPECT_EQ(d31->table.rows, (std::vector<std::vector<std::string>>{
                                 {kProduct, "users", "2", "Users", "0.67", "USD", "1"}}));
}

TEST_F(ReportServiceTest, FeedsShowTheSellersDataAndTheBillsLines) {
  Usage();
  Caller s = As(kSeller, AccountType::kSeller);
  auto products = reports_->GetFeed(s, "products");
  ASSERT_TRUE(products.ok());
  ASSERT_EQ(products->rows.size(), 1u);
  EXPECT_EQ(products->rows[0][2], "Tools, \"pro\"");
  EXPECT_NE(ToCsv(*products).find("\"Tools, \"\"pro\"\"\""), std::string::npos);
  auto offers = reports_->GetFeed(s, "offers.csv");
  ASSERT_TRUE(offers.ok());
  EXPECT_EQ(offers->rows.size(), 2u);  // one row per priced dimension
  auto subs = reports_->GetFeed(s, "subscriptions.csv");
  ASSERT_TRUE(subs.ok());
  EXPECT_EQ(subs->rows.size(), 2u);
  auto usage = reports_->GetFeed(s, "usage.csv");
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->rows.size(), 5u) << ToCsv(*usage);  // 2 instance periods, 3 metered records
  auto events = reports_->GetFeed(s, "billing_events.csv");
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->rows.size(), 4u);  // 2 buyers × 2 lines, January
  Money sum;
  for (const auto& row : events->rows) {
    EXPECT_EQ(row[0], "2024-01");
    sum += *Money::Parse(row[6], "Amount");
  }
  EXPECT_EQ(sum.ToFixed(2), "1.59");
}

}  // namespace
}  // namespace amiplace
