// The seller's dashboard of the portal (GET /amiplace/v1/dashboard, docs/API.md): per day and
// product, the subscribers and running instances at the end of the day, the instance-hours and
// metered units billed for the day, and the revenue. Money is never computed here: a day's
// revenue, hours and units are the sums of the daily-business report's rows for that day
// (ReportService, one report per day), so the dashboard agrees with the report — and with the
// buyers' bills — to the cent. Subscribers and running instances are counted from the store:
// ACTIVE subscriptions and instances running (the instance state log's running periods) at the
// day's last instant, or now for today. Like the reports, it counts buyer accounts only.
// Only SELLER callers may read it (kAccessDenied otherwise). Thread-safe (its parts are).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports.h"
#include "app/report_service.h"
#include "core/clock.h"
#include "core/money.h"

namespace amiplace {

struct DashboardProduct {
  std::string product_id;
  std::string product_title;
};

struct DashboardDay {
  std::string date;  // YYYY-MM-DD
  std::string product_id;
  int64_t subscribers = 0;
  int64_t running_instances = 0;
  Money instance_hours;  // the report's quantities with unit Hrs
  Money metered_units;   // the report's other quantities
  Money revenue;         // the sum of the report's (rounded) amounts
};

struct Dashboard {
  std::string from;  // YYYY-MM-DD
  std::string to;
  std::vector<DashboardProduct> products;  // ordered by ID
  std::vector<DashboardDay> days;          // by date, then product ID; one per date and product
  Money revenue;
  Money instance_hours;
  Money metered_units;
};

// The dashboard's dates, inclusive.
struct DashboardRange {
  std::chrono::sys_days from;
  std::chrono::sys_days to;
};

// Reads `from` and `to` (YYYY-MM-DD): defaults, order and length as DashboardService::Get says,
// `now` giving today. Pure.
Result<DashboardRange> ParseDashboardRange(std::optional<std::string_view> from,
                                           std::optional<std::string_view> to, TimePoint now,
                                           int max_days = 366, int default_days = 30);

class DashboardService {
 public:
  struct Options {
    Millis settle_delay = kDefaultSettleDelay;  // the instance service's
    int max_days = 366;
    int default_days = 30;
  };
  DashboardService(Store& store, ReportService& reports, const Clock& clock, Options options)
      : store_(store), reports_(reports), clock_(clock), options_(options) {}

  // `from` and `to` are YYYY-MM-DD, inclusive, from <= to, at most `max_days` apart; without
  // them, the last `default_days` days up to today (the marketplace clock). `product_id`, when
  // given, must be one of the caller's products (kNotFound otherwise, as for a product that does
  // not exist). kValidation naming the field for a malformed or out-of-range date.
  Result<Dashboard> Get(const Caller& caller, std::optional<std::string_view> from,
                        std::optional<std::string_view> to,
                        std::optional<std::string_view> product_id);
  // The same at an instant (tests).
  Result<Dashboard> GetAt(const Caller& caller, std::optional<std::string_view> from,
                          std::optional<std::string_view> to,
                          std::optional<std::string_view> product_id, TimePoint now);

 private:
  Store& store_;
  ReportService& reports_;
  const Clock& clock_;
  Options options_;
};

}  // namespace amiplace
