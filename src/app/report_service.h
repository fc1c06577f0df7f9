// Seller reports and data feeds (CONTRACT §4 `amiplace seller report`, `amiplace seller
// export-feeds`; docs/REPORTS.md). Money is never computed here: every amount is a line of a
// buyer's bill from BillingService::BillOf, restricted to the seller's products, so reports and
// feeds agree with the buyers' bills to the cent. Only SELLER callers may read them; others get
// kAccessDenied. Thread-safe (the store, the clock and the billing service are).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/billing_service.h"
#include "app/ports.h"
#include "core/clock.h"
#include "core/money.h"
#include "domain/account.h"

namespace amiplace {

// A table: stable column names and rows of text cells in column order.
struct ReportTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct Report {
  std::string type;    // "daily-business" | "billed-revenue" | "subscribers"
  std::string period;  // "YYYY-MM-DD", "YYYY-MM", or for subscribers "" when no period was given
  ReportTable table;
  std::optional<Money> total;  // the money reports: the sum of the Amount column
};

// RFC 4180: a field is quoted when it holds a comma, a double quote, CR or LF; quotes inside are
// doubled.
std::string CsvField(std::string_view field);
// The header row then each row, every record ended by CRLF.
std::string ToCsv(const ReportTable& table);
// {"Type","Period","Rows":[{column: value}],"Total"?}; the Buyers column is a number, the rest
// strings; Total is written with two decimals.
boost::json::object ReportToJson(const Report& report);

class ReportService {
 public:
  struct Options {
    Millis settle_delay = kDefaultSettleDelay;  // the instance service's (usage feed)
  };
  ReportService(Store& store, BillingService& billing, const Clock& clock, Options options)
      : store_(store), billing_(billing), clock_(clock), options_(options) {}

  // `type` is daily-business (with `date` YYYY-MM-DD, default today), billed-revenue (with
  // `month` YYYY-MM, default this month) or subscribers (either, optional: subscriptions that
  // existed at some point in the period). kValidation for another type or a malformed or
  // misplaced period.
  Result<Report> GetReport(const Caller& caller, std::string_view type,
                           std::optional<std::string_view> date,
                           std::optional<std::string_view> month);
  // The same at an instant (tests).
  Result<Report> GetReportAt(const Caller& caller, std::string_view type,
                             std::optional<std::string_view> date,
                             std::optional<std::string_view> month, TimePoint now);

  // The names of the data feeds, in export order: products.csv, offers.csv, subscriptions.csv,
  // usage.csv, billing_events.csv.
  static const std::vector<std::string>& FeedNames();
  // One feed ("usage.csv" or "usage"); kNotFound for an unknown name.
  Result<ReportTable> GetFeed(const Caller& caller, std::string_view name);
  Result<ReportTable> GetFeedAt(const Caller& caller, std::string_view name, TimePoint now);

 private:
  Status CheckSeller(const Caller& caller) const;
  Result<std::vector<Entity>> ProductsOf(std::string_view seller);
  Result<std::vector<Account>> Buyers();
  // The seller's lines of every buyer's bill for [window.start, window.end).
  Result<Report> Revenue(std::string_view seller, const BillingMonth& window, TimePoint now);
  Result<Report> Subscribers(std::string_view seller, std::optional<TimePoint> from,
                             std::optional<TimePoint> to);

  Store& store_;
  BillingService& billing_;
  const Clock& clock_;
  Options options_;
};

}  // namespace amiplace
