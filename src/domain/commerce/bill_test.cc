#include "domain/commerce/bill.h"

#include <gtest/gtest.h>

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr Millis kHour = kBillingHour;
constexpr Millis kMinute{60 * 1000};

TimePoint At(std::string_view iso) { return *ParseIso8601(iso); }

InstanceStateRecord Row(InstanceState s, TimePoint at) {
  InstanceStateRecord r;
  r.instance_id = "i-0123456789abcdef0";
  r.product_id = "prod-1";
  r.instance_type = "t3.micro";
  r.state = s;
  r.at = at;
  return r;
}

Money M(std::string_view s) { return *Money::Parse(s, "m"); }

TEST(BillingMonth, ParsesAndBounds) {
  auto m = ParseBillingMonth("2024-02");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->start, At("2024-02-01T00:00:00Z"));
  EXPECT_EQ(m->end, At("2024-03-01T00:00:00Z"));  // leap year: 29 days
  EXPECT_EQ(m->Name(), "2024-02");
  auto dec = ParseBillingMonth("2023-12");
  EXPECT_EQ(dec->end, At("2024-01-01T00:00:00Z"));
  for (std::string_view bad : {"2024-13", "2024-00", "2024-1", "24-01", "2024/01", "2024-01x", ""}) {
    EXPECT_FALSE(ParseBillingMonth(bad)) << bad;
  }
  EXPECT_EQ(BillingMonthOf(At("2024-01-31T23:59:59Z")).Name(), "2024-01");
  EXPECT_EQ(BillingMonthOf(At("2024-02-01T00:00:00Z")).Name(), "2024-02");
}

TEST(RunningPeriods, PendingSettlesAfterTheDelayAndStopEndsIt) {
  TimePoint t = At("2024-01-10T10:00:00Z");
  auto periods = RunningPeriods({Row(InstanceState::kPending, t), Row(InstanceState::kStopping, t + 3 * kHour)},
                                Millis(1000), t + 10 * kHour);
  ASSERT_EQ(periods.size(), 1u);
  EXPECT_EQ(periods[0].start, t + Millis(1000));
  EXPECT_EQ(periods[0].end, t + 3 * kHour);
  EXPECT_FALSE(periods[0].open);
}

TEST(RunningPeriods, SettledRunningRowContinuesThePendingStretch) {
  TimePoint t = At("2024-01-10T10:00:00Z");
  // The store wrote the settled state back (pending → running) before a stop.
  auto periods = RunningPeriods({Row(InstanceState::kPending, t), Row(InstanceState::kRunning, t),
                                 Row(InstanceState::kStopping, t + 90 * kMinute)},
                                Millis(0), t + 5 * kHour);
  ASSERT_EQ(periods.size(), 1u);
  EXPECT_EQ(periods[0].end - periods[0].start, 90 * kMinute);
}

TEST(RunningPeriods, StopAndStartMakeTwoPeriodsAndTheLastIsOpen) {
  TimePoint t = At("2024-01-10T10:00:00Z");
  auto periods = RunningPeriods(
      {Row(InstanceState::kPending, t), Row(InstanceState::kStopping, t + 10 * kMinute),
       Row(InstanceState::kStopped, t + 11 * kMinute), Row(InstanceState::kPending, t + kHour)},
      Millis(0), t + 3 * kHour + kMinute);
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_FALSE(periods[0].open);
  EXPECT_TRUE(periods[1].open);
  TimePoint from = At("2024-01-01T00:00:00Z"), to = At("2024-02-01T00:00:00Z");
  EXPECT_EQ(BilledHoursIn(periods[0], from, to), 1);  // 10 minutes: one started hour
  EXPECT_EQ(BilledHoursIn(periods[1], from, to), 2);  // open, 2 h 1 min: two completed hours
}

TEST(BilledHours, EveryStartedHourOfAClosedPeriod) {
  TimePoint t = At("2024-01-10T10:00:00Z");
  TimePoint from = At("2024-01-01T00:00:00Z"), to = At("2024-02-01T00:00:00Z");
  EXPECT_EQ(BilledHoursIn({t, t + Millis(1), false}, from, to), 1);
  EXPECT_EQ(BilledHoursIn({t, t + kHour, false}, from, to), 1);
  EXPECT_EQ(BilledHoursIn({t, t + kHour + Millis(1), false}, from, to), 2);
  EXPECT_EQ(BilledHoursIn({t, t, false}, from, to), 0);
  // Open: only completed hours.
  EXPECT_EQ(BilledHoursIn({t, t + kHour - Millis(1), true}, from, to), 0);
  EXPECT_EQ(BilledHoursIn({t, t + 5 * kHour + 30 * Millis(1000), true}, from, to), 5);
}

TEST(BilledHours, AnHourBelongsToTheMonthItStartsIn) {
  // Runs from 22:30 on Jan 31 to 02:15 on Feb 1: hours start 22:30, 23:30 (January), 00:30,
  // 01:30 (February).
  RunningPeriod p{At("2024-01-31T22:30:00Z"), At("2024-02-01T02:15:00Z"), false};
  auto jan = *ParseBillingMonth("2024-01");
  auto feb = *ParseBillingMonth("2024-02");
  EXPECT_EQ(BilledHoursIn(p, jan.start, jan.end), 2);
  EXPECT_EQ(BilledHoursIn(p, feb.start, feb.end), 2);
  // The hour that starts 23:30 and straddles midnight is January's only.
  RunningPeriod q{At("2024-01-31T23:30:00Z"), At("2024-02-01T00:10:00Z"), false};
  EXPECT_EQ(BilledHoursIn(q, jan.start, jan.end), 1);
  EXPECT_EQ(BilledHoursIn(q, feb.start, feb.end), 0);
  // A period that began before the month: its hours before the month are not this month's.
  RunningPeriod r{At("2023-12-31T23:00:00Z"), At("2024-01-01T03:00:00Z"), false};
  EXPECT_EQ(BilledHoursIn(r, jan.start, jan.end), 3);
}

TEST(Charges, RoundHalfUpToCentsAndLinesSumToTheTotal) {
  EXPECT_EQ(ChargeFor(Money::FromUnits(5), M("0.12")).ToFixed(2), "0.60");
  EXPECT_EQ(ChargeFor(Money::FromUnits(1), M("0.125")).ToFixed(2), "0.13");
  EXPECT_EQ(ChargeFor(Money::FromUnits(1), M("0.12499999")).ToFixed(2), "0.12");
  EXPECT_EQ(ChargeFor(Money::FromUnits(3), M("0.00333333")).ToFixed(2), "0.01");
  Bill bill = MakeBill("2024-01", {{"prod-b", "t3.micro", Money::FromUnits(3), "Hrs",
                                    ChargeFor(Money::FromUnits(3), M("0.005")), "USD"},
                                   {"prod-a", "users", Money::FromUnits(7), "Users",
                                    ChargeFor(Money::FromUnits(7), M("0.333")), "USD"}});
  ASSERT_EQ(bill.lines.size(), 2u);
  EXPECT_EQ(bill.lines[0].product_id, "prod-a");  // ordered
  EXPECT_EQ(bill.total.ToFixed(2), "2.35");       // 0.02 (0.015 rounded) + 2.33 (2.331)
  bj::object j = BillToJson(bill);
  EXPECT_EQ(j.at("Month").as_string(), "2024-01");
  EXPECT_EQ(j.at("Total").as_string(), "2.35");
  const auto& line = j.at("Lines").as_array()[1].as_object();
  EXPECT_EQ(line.at("ProductId").as_string(), "prod-b");
  EXPECT_EQ(line.at("UsageType").as_string(), "t3.micro");
  EXPECT_EQ(line.at("Quantity").as_string(), "3");
  EXPECT_EQ(line.at("Unit").as_string(), "Hrs");
  EXPECT_EQ(line.at("Amount").as_string(), "0.02");
  EXPECT_EQ(line.at("Currency").as_string(), "USD");
}

TEST(Pricing, ReadsRatesTrialsAndByol) {
  auto offer = bj::parse(R"({"State":"Released","ProductId":"prod-1","Terms":[
      {"Type":"UsageBasedPricingTerm","CurrencyCode":"USD",
       "RateCards":[{"RateCard":[{"DimensionKey":"t3.micro","Price":"0.12"}]}]},
      {"Type":"FreeTrialPricingTerm","Duration":"P30D","Grants":[{"DimensionKey":"t3.micro"}]},
      {"Type":"LegalTerm"}]})").as_object();
  EXPECT_TRUE(IsPublicOfferOf(offer, "prod-1"));
  EXPECT_FALSE(IsPublicOfferOf(offer, "prod-2"));
  auto p = PricingOf(offer);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->RateOf("t3.micro"), M("0.12"));
  EXPECT_EQ(p->RateOf("t3.small"), Money::Zero());
  ASSERT_TRUE(p->free_trial);
  EXPECT_EQ(p->free_trial->days, 30);

  auto priv = offer;
  priv["Targeting"] = bj::parse(R"({"PositiveTargeting":{"BuyerAccounts":["111111111111"]}})");
  EXPECT_FALSE(IsPublicOfferOf(priv, "prod-1"));
  auto draft = offer;
  draft["State"] = "Draft";
  EXPECT_FALSE(IsPublicOfferOf(draft, "prod-1"));

  auto byol = bj::parse(R"({"Terms":[{"Type":"ByolPricingTerm"}]})").as_object();
  auto b = PricingOf(byol);
  EXPECT_TRUE(b->byol);
  EXPECT_EQ(b->RateOf("t3.micro"), Money::Zero());
}

}  // namespace
}  // namespace amiplace
