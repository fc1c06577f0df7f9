#include "domain/metering/usage.h"

#include <gtest/gtest.h>

#include "core/service_error.h"

namespace amiplace::metering {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint At(std::string_view iso) { return *ParseIso8601(iso); }

std::string TypeOf(const Status& st) {
  auto typed = SplitServiceType(st.message());
  return typed ? std::string(typed->type) : std::string(ErrorCodeName(st.code()));
}

TEST(UsageTest, HourOfRoundsDownToTheUtcHour) {
  EXPECT_EQ(HourOf(At("2026-03-01T10:59:59Z")), At("2026-03-01T10:00:00Z"));
  EXPECT_EQ(HourOf(At("2026-03-01T10:00:00Z")), At("2026-03-01T10:00:00Z"));
  EXPECT_EQ(HourOf(FromEpochSeconds(1767225600.999)), At("2026-01-01T00:00:00Z"));
  EXPECT_EQ(MonthOf(At("2026-03-31T23:59:59Z")), At("2026-03-01T00:00:00Z"));
}

TEST(UsageTest, FromEpochSecondsKeepsMilliseconds) {
  EXPECT_EQ(ToEpochMillis(FromEpochSeconds(1.5)), 1500);
  EXPECT_EQ(ToEpochMillis(FromEpochSeconds(1767225600)), 1767225600000);
}

TEST(UsageTest, MeterUsageWindowIsSixHoursBackAndNotBeforeLaunch) {
  const TimePoint now = At("2026-03-01T12:00:00Z");
  const TimePoint launched = At("2026-03-01T03:30:00Z");
  EXPECT_TRUE(CheckMeterUsageTime(now - hours(6), now, launched).ok());
  EXPECT_TRUE(CheckMeterUsageTime(now, now, launched).ok());
  EXPECT_TRUE(CheckMeterUsageTime(now + minutes(15), now, launched).ok());
  EXPECT_EQ(TypeOf(CheckMeterUsageTime(now - hours(6) - std::chrono::seconds(1), now, launched)),
            "TimestampOutOfBoundsException");
  EXPECT_EQ(TypeOf(CheckMeterUsageTime(now + minutes(16), now, launched)),
            "TimestampOutOfBoundsException");
  // The launch hour counts; earlier hours do not.
  const TimePoint late_launch = At("2026-03-01T10:45:00Z");
  EXPECT_TRUE(CheckMeterUsageTime(At("2026-03-01T10:10:00Z"), now, late_launch).ok());
  EXPECT_EQ(TypeOf(CheckMeterUsageTime(At("2026-03-01T09:59:00Z"), now, late_launch)),
            "TimestampOutOfBoundsException");
}

TEST(UsageTest, BatchWindowIsADayWithMonthEndGrace) {
  const TimePoint now = At("2026-03-15T12:00:00Z");
  EXPECT_TRUE(CheckBatchTime(now - hours(24), now, "UsageRecords[0].Timestamp").ok());
  const Status old = CheckBatchTime(now - hours(25), now, "UsageRecords[0].Timestamp");
  EXPECT_EQ(TypeOf(old), "TimestampOutOfBoundsException");
  EXPECT_NE(old.message().find("UsageRecords[0].Timestamp"), std::string::npos);
  // February's usage until 06:00 on March 1st, not after.
  EXPECT_TRUE(CheckBatchTime(At("2026-02-28T20:00:00Z"), At("2026-03-01T05:59:00Z"), "T").ok());
  EXPECT_EQ(TypeOf(CheckBatchTime(At("2026-02-28T20:00:00Z"), At("2026-03-01T06:00:00Z"), "T")),
            "TimestampOutOfBoundsException");
}

TEST(UsageTest, AllocationsMustSumToTheQuantity) {
  std::vector<UsageAllocation> a{{2, {{"team", "a"}}}, {3, {{"team", "b"}}}};
  EXPECT_TRUE(CheckAllocations(a, 5, "UsageAllocations").ok());
  EXPECT_EQ(TypeOf(CheckAllocations(a, 6, "UsageAllocations")), "InvalidUsageAllocationsException");
  EXPECT_TRUE(CheckAllocations({}, 6, "UsageAllocations").ok());
  // One untagged allocation is a tag set of its own; two are the same set.
  std::vector<UsageAllocation> untagged{{1, {}}, {1, {}}};
  EXPECT_EQ(TypeOf(CheckAllocations(untagged, 2, "UsageAllocations")),
            "InvalidUsageAllocationsException");
  std::vector<UsageAllocation> same_set{{1, {{"a", "1"}, {"b", "2"}}}, {1, {{"b", "2"}, {"a", "1"}}}};
  EXPECT_EQ(TypeOf(CheckAllocations(same_set, 2, "UsageAllocations")),
            "InvalidUsageAllocationsException");
  std::vector<UsageAllocation> repeated_key{{1, {{"a", "1"}, {"a", "2"}}}};
  EXPECT_EQ(TypeOf(CheckAllocations(repeated_key, 1, "UsageAllocations")), "InvalidTagException");
}

TEST(UsageTest, CanonicalAllocationsIgnoreOrder) {
  std::vector<UsageAllocation> a{{2, {{"x", "1"}, {"y", "2"}}}, {3, {}}};
  std::vector<UsageAllocation> b{{3, {}}, {2, {{"y", "2"}, {"x", "1"}}}};
  EXPECT_EQ(CanonicalAllocations(a), CanonicalAllocations(b));
  EXPECT_EQ(CanonicalAllocations({}), "[]");
  std::vector<UsageAllocation> c{{3, {}}, {2, {{"y", "3"}, {"x", "1"}}}};
  EXPECT_NE(CanonicalAllocations(a), CanonicalAllocations(c));
}

TEST(UsageTest, OnlyExternallyMeteredDimensionsCanBeMetered) {
  auto doc = boost::json::parse(R"({"Dimensions":[
    {"Key":"t3.micro","Types":["Metered"],"Unit":"Hrs"},
    {"Key":"Users","Types":["ExternallyMetered"],"Unit":"Users"},
    {"Key":"Seats","Types":["Entitled"],"Unit":"Units"}]})").as_object();
  std::string unit;
  EXPECT_TRUE(IsExternallyMetered(doc, "Users", &unit));
  EXPECT_EQ(unit, "Users");
  EXPECT_FALSE(IsExternallyMetered(doc, "users"));
  EXPECT_FALSE(IsExternallyMetered(doc, "t3.micro"));
  EXPECT_FALSE(IsExternallyMetered(doc, "Seats"));
  EXPECT_FALSE(IsExternallyMetered(boost::json::object{}, "Users"));
}

TEST(ServiceErrorTest, SplitsOnlyServiceTypes) {
  EXPECT_EQ(SplitServiceType("DuplicateRequestException: x")->message, "x");
  EXPECT_EQ(SplitServiceType("DryRunOperation: y")->type, "DryRunOperation");
  EXPECT_FALSE(SplitServiceType("UsageDimension: must be set"));
  EXPECT_FALSE(SplitServiceType("1 validation error detected: Value"));
}

}  // namespace
}  // namespace amiplace::metering
