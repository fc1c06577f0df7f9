#include "domain/commerce/bill.h"

#include <algorithm>
#include <chrono>

#include "core/json_util.h"

namespace amiplace {

namespace bj = boost::json;
namespace chr = std::chrono;

namespace {

BillingMonth MonthFrom(int year, int month) {
  BillingMonth m;
  m.year = year;
  m.month = month;
  chr::year_month ym{chr::year{year}, chr::month{static_cast<unsigned>(month)}};
  m.start = chr::sys_days{ym / 1};
  m.end = chr::sys_days{(ym + chr::months{1}) / 1};
  return m;
}

// ⌈a / b⌉ for b > 0 and any a.
int64_t CeilDiv(int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

bool RunsAt(InstanceState s) { return s == InstanceState::kRunning; }

}  // namespace

std::string BillingMonth::Name() const { return fmt::format("{:04d}-{:02d}", year, month); }

std::optional<BillingMonth> ParseBillingMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0, month = 0;
  for (size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    int d = text[i] - '0';
    if (i < 4) year = year * 10 + d; else month = month * 10 + d;
  }
  if (year < 1970 || month < 1 || month > 12) return std::nullopt;
  return MonthFrom(year, month);
}

BillingMonth BillingMonthOf(TimePoint t) {
  chr::year_month_day ymd{chr::floor<chr::days>(t)};
  return MonthFrom(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())));
}

std::vector<RunningPeriod> RunningPeriods(const std::vector<InstanceStateRecord>& log,
                                          Millis settle_delay, TimePoint now) {
  std::vector<RunningPeriod> out;
  for (size_t i = 0; i < log.size(); ++i) {
    const InstanceStateRecord& r = log[i];
    if (r.at >= now) break;
    TimePoint until = i + 1 < log.size() ? std::min(log[i + 1].at, now) : now;
    bool open = i + 1 >= log.size() || log[i + 1].at >= now;
    TimePoint from;
    if (RunsAt(r.state)) {
      from = r.at;
    } else if (r.state == InstanceState::kPending) {
      from = r.at + settle_delay;
    } else {
      continue;
    }
    if (from > until || (from == until && !open)) continue;
    if (!out.empty() && out.back().end == from && !out.back().open) {
      out.back().end = until;  // one stretch of running, logged in two rows
      out.back().open = open;
    } else {
      out.push_back({from, until, open});
    }
  }
  return out;
}

int64_t BilledHoursIn(const RunningPeriod& p, TimePoint from, TimePoint to) {
  const int64_t h = kBillingHour.count();
  const int64_t length = chr::duration_cast<Millis>(p.end - p.start).count();
  if (length < 0) return 0;
  const int64_t hours = p.open ? length / h : CeilDiv(length, h);
  const int64_t first = std::max<int64_t>(0, CeilDiv(chr::duration_cast<Millis>(from - p.start).count(), h));
  const int64_t last = std::min(hours, CeilDiv(chr::duration_cast<Millis>(to - p.start).count(), h));
  return std::max<int64_t>(0, last - first);
}

Money OfferPricing::RateOf(std::string_view dimension_key) const {
  if (byol) return Money::Zero();
  auto it = rates.find(dimension_key);
  return it == rates.end() ? Money::Zero() : it->second;
}

bool IsPublicOfferOf(const bj::object& offer, std::string_view product_id) {
  if (json::GetString(offer, "State").value_or("") != "Released") return false;
  if (json::GetString(offer, "ProductId").value_or("") != product_id) return false;
  const bj::value* targeting = offer.if_contains("Targeting");
  if (targeting == nullptr || !targeting->is_object()) return true;
  const bj::value* positive = targeting->get_object().if_contains("PositiveTargeting");
  if (positive == nullptr || !positive->is_object()) return true;
  const bj::value* accounts = positive->get_object().if_contains("BuyerAccounts");
  return accounts == nullptr || !accounts->is_array() || accounts->get_array().empty();
}

Result<OfferPricing> PricingOf(const bj::object& offer) {
  OfferPricing p;
  const bj::value* terms = offer.if_contains("Terms");
  if (terms == nullptr || !terms->is_array()) return p;
  for (const auto& tv : terms->get_array()) {
    if (!tv.is_object()) continue;
    const auto& t = tv.get_object();
    std::string type = json::GetString(t, "Type").value_or("");
    if (type == "ByolPricingTerm") {
      p.byol = true;
    } else if (type == "UsageBasedPricingTerm") {
      const bj::value* cards = t.if_contains("RateCards");
      if (cards == nullptr || !cards->is_array()) continue;
      for (const auto& card : cards->get_array()) {
        const bj::value* items = card.is_object() ? card.get_object().if_contains("RateCard") : nullptr;
        if (items == nullptr || !items->is_array()) continue;
        for (const auto& item : items->get_array()) {
          if (!item.is_object()) continue;
          auto key = json::GetString(item.get_object(), "DimensionKey");
          auto price = json::GetString(item.get_object(), "Price");
          if (!key || !price) continue;
          auto money = Money::Parse(*price, "Price");
          if (!money.ok()) {
            return InternalError(fmt::format("stored price '{}' of {} is not a decimal", *price, *key));
          }
          p.rates.emplace(*key, *money);
        }
      }
    } else if (type == "FreeTrialPricingTerm") {
      FreeTrial trial;
      std::string duration = json::GetString(t, "Duration").value_or("");
      if (duration.size() >= 3 && duration.front() == 'P' && duration.back() == 'D') {
        trial.days = std::atoi(duration.substr(1, duration.size() - 2).c_str());
      }
      if (const bj::value* grants = t.if_contains("Grants"); grants && grants->is_array()) {
        for (const auto& g : grants->get_array()) {
          if (!g.is_object()) continue;
          if (auto key = json::GetString(g.get_object(), "DimensionKey")) {
            trial.dimension_keys.insert(*key);
          }
        }
      }
      if (trial.days > 0) p.free_trial = std::move(trial);
    }
  }
  return p;
}

Money ChargeFor(const Money& quantity, const Money& price) {
  return (price * quantity).RoundHalfUp(2);
}

Bill MakeBill(std::string month, std::vector<BillLine> lines) {
  std::sort(lines.begin(), lines.end(), [](const BillLine& a, const BillLine& b) {
    return std::tie(a.product_id, a.usage_type) < std::tie(b.product_id, b.usage_type);
  });
  Bill bill{std::move(month), std::move(lines), Money::Zero()};
  for (const auto& l : bill.lines) bill.total += l.amount;
  return bill;
}

bj::object BillToJson(const Bill& bill) {
  bj::array lines;
  for (const auto& l : bill.lines) {
    lines.push_back({{"ProductId", l.product_id},
                     {"UsageType", l.usage_type},
                     {"Quantity", l.quantity.ToString()},
                     {"Unit", l.unit},
                     {"Amount", l.amount.ToFixed(2)},
                     {"Currency", l.currency}});
  }
  return bj::object{{"Month", bill.month}, {"Lines", std::move(lines)},
                    {"Total", bill.total.ToFixed(2)}};
}

}  // namespace amiplace
