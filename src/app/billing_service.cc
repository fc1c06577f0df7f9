#include "app/billing_service.h"

#include <algorithm>
#include <map>

#include "core/json_util.h"

namespace amiplace {

namespace bj = boost::json;

namespace {

// What billing needs to know of one product for one buyer.
struct ProductTerms {
  OfferPricing pricing;  // the public offer as it is now
  // Its pricing revision by revision, each with the instant it took effect (oldest first).
  std::vector<std::pair<TimePoint, OfferPricing>> history;
  std::optional<TimePoint> trial_start, trial_end;  // the buyer's free trial, when it has one
  bj::array dimensions;                             // the product's Dimensions

  // The price of `key` in force at `t`: the latest revision that took effect by then (usage
  // older than the oldest known revision takes the oldest's price).
  Money RateAt(std::string_view key, TimePoint t) const {
    if (history.empty()) return pricing.RateOf(key);
    const OfferPricing* in_force = &history.front().second;
    for (const auto& [from, p] : history) {
      if (from <= t) in_force = &p;
    }
    return in_force->RateOf(key);
  }
  // [from, to) cut where a revision took effect inside it.
  std::vector<std::pair<TimePoint, TimePoint>> Segments(TimePoint from, TimePoint to) const {
    std::vector<std::pair<TimePoint, TimePoint>> out;
    TimePoint start = from;
    for (const auto& [at, p] : history) {
      if (at > start && at < to) {
        out.emplace_back(start, at);
        start = at;
      }
    }
    out.emplace_back(start, to);
    return out;
  }
};

struct Usage {
  int64_t quantity = 0;
  Money amount;  // exact: each charged unit at the price in force when it was used
  std::string unit;
};

std::string UnitOf(const bj::array& dimensions, std::string_view key) {
  for (const auto& d : dimensions) {
    if (!d.is_object()) continue;
    if (json::GetString(d.get_object(), "Key").value_or("") != key) continue;
    if (auto unit = json::GetString(d.get_object(), "Unit")) return *unit;
  }
  return "Units";
}

}  // namespace

Result<Bill> BillingService::BillFor(const Caller& caller, std::optional<std::string_view> month) {
  const TimePoint now = clock_.Now();
  BillingMonth m = BillingMonthOf(now);
  if (month) {
    auto parsed = ParseBillingMonth(*month);
    if (!parsed) {
      return ValidationError(
          fmt::format("month: '{}' is not a month of the form YYYY-MM, such as 2024-01", *month));
    }
    m = *parsed;
  }
  return BillOf(caller.account.account_id, m, now);
}

Result<Bill> BillingService::BillOf(std::string_view account_id, const BillingMonth& month,
                                    TimePoint now) {
  // Terms of each product met, read once.
  std::map<std::string, ProductTerms, std::less<>> terms;
  std::optional<std::vector<Entity>> offers;
  auto terms_of = [&](const std::string& product_id) -> Result<const ProductTerms*> {
    if (auto it = terms.find(product_id); it != terms.end()) return &it->second;
    ProductTerms t;
    if (!offers) {
      AMIPLACE_ASSIGN_OR_RETURN(auto all, store_.ListEntities(kOfferType, std::nullopt));
      offers = std::move(all);
    }
    for (const Entity& o : *offers) {
      if (!IsPublicOfferOf(o.details, product_id)) continue;
      AMIPLACE_ASSIGN_OR_RETURN(t.pricing, PricingOf(o.details));
      AMIPLACE_ASSIGN_OR_RETURN(auto revisions, store_.ListOfferRevisions(o.id));
      for (const auto& r : revisions) {
        AMIPLACE_ASSIGN_OR_RETURN(OfferPricing p, PricingOf(r.details));
        t.history.emplace_back(r.valid_from, std::move(p));
      }
      break;
    }
    AMIPLACE_ASSIGN_OR_RETURN(auto product, store_.GetEntity(product_id));
    if (product) {
      if (const bj::value* d = product->details.if_contains("Dimensions"); d && d->is_array()) {
        t.dimensions = d->get_array();
      }
    }
    if (t.pricing.free_trial) {
      AMIPLACE_ASSIGN_OR_RETURN(auto subs, store_.ListSubscriptionsOf(account_id, product_id));
      for (const auto& s : subs) {
        if (!t.trial_start || s.created_at < *t.trial_start) t.trial_start = s.created_at;
      }
      if (t.trial_start) {
        t.trial_end = *t.trial_start + std::chrono::days(t.pricing.free_trial->days);
      }
    }
    return &terms.emplace(product_id, std::move(t)).first->second;
  };
  auto in_trial = [](const ProductTerms& t, std::string_view key) {
    return t.trial_start && t.pricing.free_trial->dimension_keys.count(key) > 0;
  };

  std::map<std::pair<std::string, std::string>, Usage> usage;  // (product, usage type)

  // Instance-hours.
  AMIPLACE_ASSIGN_OR_RETURN(auto log, store_.ListInstanceStateLog(account_id));
  for (size_t begin = 0; begin < log.size();) {
    size_t end = begin;
    while (end < log.size() && log[end].instance_id == log[begin].instance_id) ++end;
    std::vector<InstanceStateRecord> rows(log.begin() + begin, log.begin() + end);
    begin = end;
    const InstanceStateRecord& last = rows.back();
    if (last.product_id.empty()) continue;
    AMIPLACE_ASSIGN_OR_RETURN(const ProductTerms* t, terms_of(last.product_id));
    const std::vector<RunningPeriod> periods = RunningPeriods(rows, options_.settle_delay, now);
    int64_t hours = 0;
    Money amount;
    // Each stretch of the month between price changes at its own price.
    for (const auto& [from, to] : t->Segments(month.start, month.end)) {
      int64_t segment_hours = 0, free_hours = 0;
      for (const RunningPeriod& p : periods) {
        segment_hours += BilledHoursIn(p, from, to);
        if (in_trial(*t, last.instance_type)) {
          TimePoint a = std::max(from, *t->trial_start), b = std::min(to, *t->trial_end);
          if (a < b) free_hours += BilledHoursIn(p, a, b);
        }
      }
      hours += segment_hours;
      amount += t->RateAt(last.instance_type, from) * (segment_hours - free_hours);
    }
    if (hours == 0) continue;
    Usage& u = usage[{last.product_id, last.instance_type}];
    u.quantity += hours;
    u.amount += amount;
    u.unit = std::string(kInstanceHoursUnit);
  }

  // Metered usage: the Metering Service's records whose hour falls in the month.
  AMIPLACE_ASSIGN_OR_RETURN(auto records,
                            store_.ListMeteringRecords(account_id, month.start, month.end));
  for (const MeteringRecord& r : records) {
    if (r.product_id.empty() || r.quantity == 0) continue;
    AMIPLACE_ASSIGN_OR_RETURN(const ProductTerms* t, terms_of(r.product_id));
    Usage& u = usage[{r.product_id, r.dimension}];
    u.quantity += r.quantity;
    bool free = in_trial(*t, r.dimension) && r.usage_hour >= *t->trial_start &&
                r.usage_hour < *t->trial_end;
    if (!free) u.amount += t->RateAt(r.dimension, r.usage_hour) * r.quantity;
    if (u.unit.empty()) u.unit = UnitOf(t->dimensions, r.dimension);
  }

  std::vector<BillLine> lines;
  for (const auto& [key, u] : usage) {
    BillLine line;
    line.product_id = key.first;
    line.usage_type = key.second;
    line.quantity = Money::FromUnits(u.quantity);
    line.unit = u.unit;
    line.amount = u.amount.RoundHalfUp(2);
    lines.push_back(std::move(line));
  }
  return MakeBill(month.Name(), std::move(lines));
}

}  // namespace amiplace
