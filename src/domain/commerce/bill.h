// Buyers' monthly bills (CONTRACT §4, §8): the rules that turn instances' state history, metering
// records and an offer's pricing terms into bill lines. Pure functions and value types; the app
// layer (app/billing_service.h) gathers the inputs. Thread-compatible.
//
// The rules amiplace chose (docs/BILLING.md):
//   * Months are UTC calendar months, [first instant of the month, first instant of the next).
//   * A running period starts when an instance becomes running (a logged pending state plus the
//     settle delay, or a logged running state) and ends when it leaves running (stopping,
//     shutting-down, ...). Consecutive running stretches are one period.
//   * Each started hour of a running period is billed, as AWS Marketplace bills AMI hours: hour k
//     of a period covers [start + k h, start + (k+1) h) and is charged in full. Every start
//     begins a new period, hence a new first hour. A period still running at the bill's instant
//     has accrued only its completed hours: its current hour is charged once it completes or the
//     period ends, whichever comes first (so a bill read later never shows fewer hours).
//   * An hour belongs to the month in which it starts.
//   * A line's Amount is quantity × price, exact, then rounded half-up to cents; the Total is the
//     sum of the rounded line amounts, so the lines always add up to it.
//   * Free trials: hours (and metered records) of a granted dimension whose start falls within
//     the trial (from the buyer's first subscription to the product, for the term's Duration)
//     are charged 0. BYOL offers and free offers (every price 0) charge 0. Lines are still shown.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/money.h"
#include "domain/commerce/instance.h"

namespace amiplace {

inline constexpr std::string_view kBillCurrency = "USD";
inline constexpr std::string_view kInstanceHoursUnit = "Hrs";
inline constexpr Millis kBillingHour{60 * 60 * 1000};

// ---- months ------------------------------------------------------------------------------------

struct BillingMonth {
  int year = 1970;
  int month = 1;  // 1..12
  TimePoint start;
  TimePoint end;  // the start of the next month
  std::string Name() const;  // "2024-01"
};

// "YYYY-MM" (month 01..12, year 1970..9999); nullopt otherwise.
std::optional<BillingMonth> ParseBillingMonth(std::string_view text);
// The UTC month holding `t`.
BillingMonth BillingMonthOf(TimePoint t);

// ---- running periods and hours -----------------------------------------------------------------

// One row of an instance's state log: the stored state `state` began at `at`.
struct InstanceStateRecord {
  std::string instance_id;
  std::string region;
  std::string owner_account_id;
  std::string product_id;  // "" for an instance without a marketplace product
  std::string instance_type;
  InstanceState state = InstanceState::kPending;
  TimePoint at;
};

struct RunningPeriod {
  TimePoint start;
  TimePoint end;      // when it stopped running, or the bill's instant for an open period
  bool open = false;  // still running at the bill's instant
};

// The running periods of one instance from its log rows (oldest first), as of `now`. A pending
// state becomes running `settle_delay` after it began (domain/commerce/instance.h).
std::vector<RunningPeriod> RunningPeriods(const std::vector<InstanceStateRecord>& log,
                                          Millis settle_delay, TimePoint now);

// The billed hours of `period` that start in [from, to): every started hour of a closed period,
// the completed hours of an open one.
int64_t BilledHoursIn(const RunningPeriod& period, TimePoint from, TimePoint to);

// ---- pricing -----------------------------------------------------------------------------------

struct FreeTrial {
  int days = 0;
  std::set<std::string, std::less<>> dimension_keys;  // the granted dimensions
};

// What an offer charges, read from its document's Terms.
struct OfferPricing {
  bool byol = false;
  std::map<std::string, Money, std::less<>> rates;  // UsageBasedPricingTerm: DimensionKey → Price
  std::optional<FreeTrial> free_trial;

  // The price per unit of `dimension_key` (0 for BYOL and for dimensions without a rate).
  Money RateOf(std::string_view dimension_key) const;
};

// Whether `offer` (an Offer@1.0 document) is `product_id`'s public offer: Released, for the
// product, and not targeted at buyer accounts.
bool IsPublicOfferOf(const boost::json::object& offer, std::string_view product_id);
// The pricing of an offer document; kInternal for a stored price that is not a decimal.
Result<OfferPricing> PricingOf(const boost::json::object& offer);

// ---- bills -------------------------------------------------------------------------------------

struct BillLine {
  std::string product_id;
  std::string usage_type;  // the instance type, or the metered dimension's key
  Money quantity;
  std::string unit;
  Money amount;  // rounded to cents
  std::string currency = std::string(kBillCurrency);
};

struct Bill {
  std::string month;  // "YYYY-MM"
  std::vector<BillLine> lines;  // ordered by product, then usage type
  Money total;
};

// quantity × price, exact, rounded half-up to cents.
Money ChargeFor(const Money& quantity, const Money& price);

// Orders the lines and sums the total.
Bill MakeBill(std::string month, std::vector<BillLine> lines);

boost::json::object BillToJson(const Bill& bill);

}  // namespace amiplace
