#include "app/dashboard_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "domain/catalog/entity.h"

namespace amiplace {

namespace chr = std::chrono;

namespace {

// "YYYY-MM-DD" with a real date (years 1970..9999); nullopt otherwise.
std::optional<chr::sys_days> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (size_t j = 0; j < lengths[i]; ++j) {
      char c = text[starts[i] + j];
      if (c < '0' || c > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  if (parts[0] < 1970) return std::nullopt;
  chr::year_month_day ymd{chr::year(parts[0]), chr::month(static_cast<unsigned>(parts[1])),
                          chr::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return chr::sys_days(ymd);
}

std::string DateName(chr::sys_days d) { return FormatIso8601(d).substr(0, 10); }

Result<std::optional<chr::sys_days>> DateParam(std::optional<std::string_view> text,
                                               std::string_view field) {
  if (!text) return std::optional<chr::sys_days>();
  auto d = ParseDate(*text);
  if (!d) return ValidationError(fmt::format("{}: '{}' is not a date YYYY-MM-DD", field, *text));
  return std::optional<chr::sys_days>(*d);
}

// A column's index in a report table; kInternal when the report has no such column.
Result<size_t> Column(const ReportTable& t, std::string_view name) {
  auto it = std::find(t.columns.begin(), t.columns.end(), name);
  if (it == t.columns.end()) {
    return InternalError(fmt::format("the daily-business report has no {} column", name));
  }
  return static_cast<size_t>(it - t.columns.begin());
}

}  // namespace

Result<DashboardRange> ParseDashboardRange(std::optional<std::string_view> from,
                                           std::optional<std::string_view> to, TimePoint now,
                                           int max_days, int default_days) {
  AMIPLACE_ASSIGN_OR_RETURN(auto f, DateParam(from, "from"));
  AMIPLACE_ASSIGN_OR_RETURN(auto t, DateParam(to, "to"));
  const chr::sys_days today = chr::floor<chr::days>(now);
  DashboardRange r;
  r.to = t ? *t : today;
  r.from = f ? *f : r.to - chr::days(default_days - 1);
  if (r.from > r.to) {
    return ValidationError(
        fmt::format("from: '{}' is after to '{}'", DateName(r.from), DateName(r.to)));
  }
  const int64_t days = (r.to - r.from).count() + 1;
  if (days > max_days) {
    return ValidationError(
        fmt::format("from, to: the range {}..{} spans {} days; at most {} days are allowed",
                    DateName(r.from), DateName(r.to), days, max_days));
  }
  return r;
}

Result<Dashboard> DashboardService::Get(const Caller& caller, std::optional<std::string_view> from,
                                        std::optional<std::string_view> to,
                                        std::optional<std::string_view> product_id) {
  return GetAt(caller, from, to, product_id, clock_.Now());
}

Result<Dashboard> DashboardService::GetAt(const Caller& caller,
                                          std::optional<std::string_view> from,
                                          std::optional<std::string_view> to,
                                          std::optional<std::string_view> product_id,
                                          TimePoint now) {
  if (caller.account.type != AccountType::kSeller) {
    return AccessDeniedError("Only sellers can read the dashboard");
  }
  AMIPLACE_ASSIGN_OR_RETURN(
      DashboardRange range,
      ParseDashboardRange(from, to, now, options_.max_days, options_.default_days));
  const std::string& seller = caller.account.account_id;

  AMIPLACE_ASSIGN_OR_RETURN(auto entities, store_.ListEntities(kAmiProductType, seller));
  std::sort(entities.begin(), entities.end(),
            [](const Entity& a, const Entity& b) { return a.id < b.id; });
  Dashboard out;
  out.from = DateName(range.from);
  out.to = DateName(range.to);
  for (const auto& e : entities) {
    if (product_id && e.id != *product_id) continue;
    out.products.push_back({e.id, IndexOf(e).name});
  }
  if (product_id && out.products.empty()) {
    return NotFoundError(fmt::format("productId: product {} not found", *product_id));
  }
  std::map<std::string, size_t, std::less<>> index;  // product ID → position in out.products
  for (size_t i = 0; i < out.products.size(); ++i) index[out.products[i].product_id] = i;

  // What the store tells about the end of each day: subscriptions and running periods.
  std::vector<Subscription> subscriptions;
  struct ProductInstance {
    std::string product_id;
    std::vector<RunningPeriod> periods;
  };
  std::vector<ProductInstance> instances;
  AMIPLACE_ASSIGN_OR_RETURN(auto accounts, store_.ListAccounts());
  for (const Account& a : accounts) {
    if (a.type != AccountType::kBuyer) continue;
    AMIPLACE_ASSIGN_OR_RETURN(auto subs, store_.ListSubscriptions(a.account_id));
    for (auto& s : subs) {
      if (index.count(s.product_id)) subscriptions.push_back(std::move(s));
    }
    AMIPLACE_ASSIGN_OR_RETURN(auto log, store_.ListInstanceStateLog(a.account_id));
    for (size_t begin = 0; begin < log.size();) {
      size_t end = begin;
      while (end < log.size() && log[end].instance_id == log[begin].instance_id) ++end;
      std::vector<InstanceStateRecord> rows(log.begin() + begin, log.begin() + end);
      begin = end;
      if (!index.count(rows.back().product_id)) continue;
      instances.push_back(
          {rows.back().product_id, RunningPeriods(rows, options_.settle_delay, now)});
    }
  }

  for (chr::sys_days day = range.from; day <= range.to; day += chr::days(1)) {
    const std::string date = DateName(day);
    std::vector<DashboardDay> rows(out.products.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i].date = date;
      rows[i].product_id = out.products[i].product_id;
    }
    if (TimePoint(day) <= now) {
      // The day's last instant, or now for today.
      const TimePoint at = std::min<TimePoint>(TimePoint(day + chr::days(1)) - Millis(1), now);
      for (const auto& s : subscriptions) {
        if (s.created_at <= at && (!s.cancelled_at || *s.cancelled_at > at)) {
          ++rows[index.find(s.product_id)->second].subscribers;
        }
      }
      for (const auto& inst : instances) {
        bool running = std::any_of(
            inst.periods.begin(), inst.periods.end(),
            [&](const RunningPeriod& p) { return p.start <= at && (p.open || at < p.end); });
        if (running) ++rows[index.find(inst.product_id)->second].running_instances;
      }
      AMIPLACE_ASSIGN_OR_RETURN(
          Report report, reports_.GetReportAt(caller, "daily-business", date, std::nullopt, now));
      const ReportTable& t = report.table;
      AMIPLACE_ASSIGN_OR_RETURN(size_t c_product, Column(t, "ProductId"));
      AMIPLACE_ASSIGN_OR_RETURN(size_t c_quantity, Column(t, "Quantity"));
      AMIPLACE_ASSIGN_OR_RETURN(size_t c_unit, Column(t, "Unit"));
      AMIPLACE_ASSIGN_OR_RETURN(size_t c_amount, Column(t, "Amount"));
      for (const auto& row : t.rows) {
        auto it = index.find(row.at(c_product));
        if (it == index.end()) continue;
        DashboardDay& d = rows[it->second];
        auto quantity = Money::Parse(row.at(c_quantity), "Quantity");
        auto amount = Money::Parse(row.at(c_amount), "Amount");
        if (!quantity.ok() || !amount.ok()) {
          return InternalError(
              fmt::format("the daily-business report of {} has a row that is "
                          "not decimal: {} {}",
                          date, row.at(c_quantity), row.at(c_amount)));
        }
        (row.at(c_unit) == kInstanceHoursUnit ? d.instance_hours : d.metered_units) += *quantity;
        d.revenue += *amount;
      }
    }
    for (auto& d : rows) {
      out.revenue += d.revenue;
      out.instance_hours += d.instance_hours;
      out.metered_units += d.metered_units;
      out.days.push_back(std::move(d));
    }
  }
  return out;
}

}  // namespace amiplace
