#include "domain/metering/usage.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "core/service_error.h"

namespace amiplace::metering {

namespace bj = boost::json;

namespace {

Status OutOfBounds(std::string message) {
  return ServiceError(ErrorCode::kValidation, "TimestampOutOfBoundsException", message);
}

}  // namespace

TimePoint HourOf(TimePoint t) {
  return std::chrono::floor<std::chrono::hours>(t);
}

TimePoint MonthOf(TimePoint t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  return std::chrono::sys_days(ymd.year() / ymd.month() / 1);
}

TimePoint FromEpochSeconds(double seconds) {
  return TimePoint(Millis(static_cast<int64_t>(std::llround(seconds * 1000.0))));
}

Status CheckMeterUsageTime(TimePoint timestamp, TimePoint now, TimePoint launched_at) {
  if (timestamp < now - kMeterUsageWindow) {
    return OutOfBounds(fmt::format(
        "Timestamp {} is more than 6 hours before the current time {}; MeterUsage accepts usage "
        "of the last 6 hours only",
        FormatIso8601(timestamp), FormatIso8601(now)));
  }
  if (timestamp > now + kFutureSkew) {
    return OutOfBounds(fmt::format("Timestamp {} is in the future (the current time is {})",
                                   FormatIso8601(timestamp), FormatIso8601(now)));
  }
  if (timestamp < HourOf(launched_at)) {
    return OutOfBounds(fmt::format("Timestamp {} is before the instance was launched ({})",
                                   FormatIso8601(timestamp), FormatIso8601(launched_at)));
  }
  return Status::Ok();
}

Status CheckBatchTime(TimePoint timestamp, TimePoint now, std::string_view field) {
  if (timestamp < now - kBatchWindow) {
    return OutOfBounds(fmt::format(
        "{}: {} is more than 24 hours before the current time {}", field,
        FormatIso8601(timestamp), FormatIso8601(now)));
  }
  const TimePoint month = MonthOf(now);
  if (timestamp < month && now >= month + kMonthEndGrace) {
    return OutOfBounds(fmt::format(
        "{}: {} is in an earlier month; usage of a month is accepted until 06:00 UTC on the "
        "first day of the next month",
        field, FormatIso8601(timestamp)));
  }
  if (timestamp > now + kFutureSkew) {
    return OutOfBounds(fmt::format("{}: {} is in the future (the current time is {})", field,
                                   FormatIso8601(timestamp), FormatIso8601(now)));
  }
  return Status::Ok();
}

std::vector<UsageAllocation> ParseAllocations(const bj::value* v) {
  std::vector<UsageAllocation> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& a : v->get_array()) {
    if (!a.is_object()) continue;
    UsageAllocation alloc;
    const auto& o = a.get_object();
    if (const auto* q = o.if_contains("AllocatedUsageQuantity"); q && q->is_number()) {
      alloc.quantity = q->to_number<int64_t>();
    }
    if (const auto* tags = o.if_contains("Tags"); tags && tags->is_array()) {
      for (const auto& t : tags->get_array()) {
        if (!t.is_object()) continue;
        const auto* k = t.get_object().if_contains("Key");
        const auto* val = t.get_object().if_contains("Value");
        alloc.tags.push_back({k && k->is_string() ? std::string(k->get_string()) : "",
                              val && val->is_string() ? std::string(val->get_string()) : ""});
      }
    }
    out.push_back(std::move(alloc));
  }
  return out;
}

namespace {

std::string CanonicalTags(std::vector<UsageTag> tags) {
  std::sort(tags.begin(), tags.end(), [](const UsageTag& a, const UsageTag& b) {
    return std::tie(a.key, a.value) < std::tie(b.key, b.value);
  });
  bj::array arr;
  for (const auto& t : tags) arr.push_back(bj::array{bj::string(t.key), bj::string(t.value)});
  return bj::serialize(arr);
}

}  // namespace

Status CheckAllocations(const std::vector<UsageAllocation>& allocations, int64_t quantity,
                        std::string_view field) {
  if (allocations.empty()) return Status::Ok();
  int64_t sum = 0;
  std::vector<std::string> sets;
  for (size_t i = 0; i < allocations.size(); ++i) {
    const auto& a = allocations[i];
    sum += a.quantity;
    std::vector<std::string_view> keys;
    for (const auto& t : a.tags) keys.push_back(t.key);
    std::sort(keys.begin(), keys.end());
    if (auto d = std::adjacent_find(keys.begin(), keys.end()); d != keys.end()) {
      return ServiceError(ErrorCode::kValidation, "InvalidTagException",
                          fmt::format("{}[{}].Tags: the key '{}' appears more than once", field, i,
                                      *d));
    }
    sets.push_back(CanonicalTags(a.tags));
  }
  if (sum != quantity) {
    return ServiceError(
        ErrorCode::kValidation, "InvalidUsageAllocationsException",
        fmt::format("{}: the allocated quantities sum to {}, but the usage quantity is {}", field,
                    sum, quantity));
  }
  std::vector<std::string> sorted = sets;
  std::sort(sorted.begin(), sorted.end());
  if (auto d = std::adjacent_find(sorted.begin(), sorted.end()); d != sorted.end()) {
    const size_t first = static_cast<size_t>(std::find(sets.begin(), sets.end(), *d) - sets.begin());
    const size_t second = static_cast<size_t>(
        std::find(sets.begin() + static_cast<std::ptrdiff_t>(first) + 1, sets.end(), *d) -
        sets.begin());
    return ServiceError(
        ErrorCode::kValidation, "InvalidUsageAllocationsException",
        fmt::format("{}[{}] and {}[{}] carry the same set of tags; each allocation needs a "
                    "unique tag set (no tags counts as one)",
                    field, first, field, second));
  }
  return Status::Ok();
}

std::string CanonicalAllocations(const std::vector<UsageAllocation>& allocations) {
  std::vector<std::string> items;
  for (const auto& a : allocations) {
    items.push_back(fmt::format("[{},{}]", a.quantity, CanonicalTags(a.tags)));
  }
  std::sort(items.begin(), items.end());
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += items[i];
  }
  return out + "]";
}

std::vector<std::pair<std::string, std::string>> ExternallyMeteredDimensions(
    const bj::object& product_doc) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* dims = product_doc.if_contains("Dimensions");
  if (dims == nullptr || !dims->is_array()) return out;
  for (const auto& d : dims->get_array()) {
    if (!d.is_object()) continue;
    const auto& o = d.get_object();
    const auto* key = o.if_contains("Key");
    const auto* types = o.if_contains("Types");
    if (!key || !key->is_string() || !types || !types->is_array()) continue;
    for (const auto& t : types->get_array()) {
      if (t.is_string() && t.get_string() == "ExternallyMetered") {
        const auto* u = o.if_contains("Unit");
        out.emplace_back(std::string(key->get_string()),
                         u && u->is_string() ? std::string(u->get_string()) : "");
        break;
      }
    }
  }
  return out;
}

bool IsExternallyMetered(const bj::object& product_doc, std::string_view dimension,
                         std::string* unit) {
  for (auto& [key, u] : ExternallyMeteredDimensions(product_doc)) {
    if (key != dimension) continue;
    if (unit) *unit = std::move(u);
    return true;
  }
  return false;
}

}  // namespace amiplace::metering
