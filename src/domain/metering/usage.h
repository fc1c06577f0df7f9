// The Metering Service's rules about usage records, as pure functions (no I/O): the hour a
// record belongs to, the time windows of MeterUsage and BatchMeterUsage, usage allocations and
// their tags, the product's ExternallyMetered dimensions, and the canonical forms that decide
// whether two requests are "the same record". Failures are Statuses typed with AWS's error names
// (core/service_error.h). Value types and pure functions; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace amiplace::metering {

// MeterUsage accepts a Timestamp up to 6 hours old (AWS); BatchMeterUsage up to 24 hours, and a
// record of an earlier month only until 06:00 UTC on the 1st of the next month.
inline constexpr std::chrono::hours kMeterUsageWindow{6};
inline constexpr std::chrono::hours kBatchWindow{24};
inline constexpr std::chrono::hours kMonthEndGrace{6};
// AWS documents no limit on future timestamps; amiplace allows as much as SigV4's clock skew, so
// that a client whose clock runs ahead is served and no record can claim a future hour.
inline constexpr std::chrono::minutes kFutureSkew{15};
inline constexpr size_t kMaxBatchRecords = 25;
inline constexpr size_t kMaxBatchBytes = 1024 * 1024;

// The start of the UTC hour that contains `t` (the MeterUsage idempotency key's hour).
TimePoint HourOf(TimePoint t);
// The start of the UTC month that contains `t`.
TimePoint MonthOf(TimePoint t);

// An awsJson timestamp (epoch seconds, possibly fractional) as an instant, to the millisecond.
TimePoint FromEpochSeconds(double seconds);

// MeterUsage: `timestamp` must be no more than 6 hours before `now`, no more than kFutureSkew
// after it, and not in an hour before the instance was launched. TimestampOutOfBoundsException.
Status CheckMeterUsageTime(TimePoint timestamp, TimePoint now, TimePoint launched_at);
// BatchMeterUsage: no more than 24 hours old, no earlier month once the grace has passed, no
// more than kFutureSkew ahead. TimestampOutOfBoundsException naming `field`.
Status CheckBatchTime(TimePoint timestamp, TimePoint now, std::string_view field);

struct UsageTag {
  std::string key;
  std::string value;
};
struct UsageAllocation {
  int64_t quantity = 0;
  std::vector<UsageTag> tags;
};

// Reads a model-validated UsageAllocations array (null → none).
std::vector<UsageAllocation> ParseAllocations(const boost::json::value* v);

// Allocations must sum to `quantity` (InvalidUsageAllocationsException), each allocation's tag
// keys must be distinct (InvalidTagException), and no two allocations may carry the same tag set
// — no tags at all counts as one set (InvalidUsageAllocationsException). `field` names the list.
Status CheckAllocations(const std::vector<UsageAllocation>& allocations, int64_t quantity,
                        std::string_view field);

// A canonical JSON text of the allocations (tags sorted by key, allocations sorted), "[]" when
// there are none: two requests meter the same usage exactly when quantity and this agree.
std::string CanonicalAllocations(const std::vector<UsageAllocation>& allocations);

// Whether the product document lists `dimension` as an ExternallyMetered dimension's Key, and
// the dimension's Unit ("" when not found).
// The product's ExternallyMetered dimensions as (key, unit) pairs, in document order.
std::vector<std::pair<std::string, std::string>> ExternallyMeteredDimensions(
    const boost::json::object& product_doc);
bool IsExternallyMetered(const boost::json::object& product_doc, std::string_view dimension,
                         std::string* unit = nullptr);

}  // namespace amiplace::metering
