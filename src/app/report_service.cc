#include "app/report_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "domain/catalog/entity.h"

namespace amiplace {

namespace bj = boost::json;
namespace chr = std::chrono;

std::string CsvField(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {

void AppendRecord(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
}

constexpr std::string_view kDailyBusiness = "daily-business";
constexpr std::string_view kBilledRevenue = "billed-revenue";
constexpr std::string_view kSubscribers = "subscribers";

// "YYYY-MM-DD" → [day, next day), as a BillingMonth-shaped window (BillOf takes any window: its
// rules only use start and end).
std::optional<BillingMonth> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto month = ParseBillingMonth(text.substr(0, 7));
  if (!month) return std::nullopt;
  if (text[8] < '0' || text[8] > '9' || text[9] < '0' || text[9] > '9') return std::nullopt;
  unsigned day = static_cast<unsigned>((text[8] - '0') * 10 + (text[9] - '0'));
  chr::year_month_day ymd{chr::year(month->year), chr::month(static_cast<unsigned>(month->month)),
                          chr::day(day)};
  if (!ymd.ok()) return std::nullopt;
  BillingMonth w = *month;
  w.start = chr::sys_days(ymd);
  w.end = w.start + chr::days(1);
  return w;
}

BillingMonth DayOf(TimePoint t) {
  BillingMonth w = BillingMonthOf(t);
  w.start = chr::floor<chr::days>(t);
  w.end = w.start + chr::days(1);
  return w;
}

// Later than any usage hour (2100-01-01; system_clock's nanoseconds end in 2262).
const TimePoint kEndOfRecords = FromEpochMillis(4102444800000);

std::string DayName(TimePoint t) { return FormatIso8601(t).substr(0, 10); }

std::string Description(const Entity& e, std::string_view key) {
  const auto* d = e.details.if_contains("Description");
  if (!d || !d->is_object()) return "";
  const auto* v = d->get_object().if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : "";
}

std::vector<std::string> SubscriptionRow(const Subscription& s) {
  return {s.product_id, s.id, s.buyer_account_id, std::string(SubscriptionStatusName(s.status)),
          FormatIso8601(s.created_at), s.cancelled_at ? FormatIso8601(*s.cancelled_at) : ""};
}

const std::vector<std::string> kRevenueColumns = {"ProductId", "UsageType", "Quantity", "Unit",
                                                  "Amount",    "Currency",  "Buyers"};
const std::vector<std::string> kSubscriptionColumns = {
    "ProductId", "SubscriptionId", "BuyerAccountId", "Status", "CreatedAt", "CancelledAt"};

}  // namespace

std::string ToCsv(const ReportTable& table) {
  std::string out;
  AppendRecord(out, table.columns);
  for (const auto& row : table.rows) AppendRecord(out, row);
  return out;
}

bj::object ReportToJson(const Report& report) {
  bj::array rows;
  for (const auto& row : report.table.rows) {
    bj::object o;
    for (size_t i = 0; i < report.table.columns.size() && i < row.size(); ++i) {
      const std::string& c = report.table.columns[i];
      if (c == "Buyers") {
        o[c] = std::stoll(row[i]);
      } else {
        o[c] = row[i];
      }
    }
    rows.push_back(std::move(o));
  }
  bj::object out{{"Type", report.type}, {"Period", report.period}, {"Rows", std::move(rows)}};
  if (report.total) out["Total"] = report.total->ToFixed(2);
  return out;
}

Status ReportService::CheckSeller(const Caller& caller) const {
  if (caller.account.type != AccountType::kSeller) {
    return AccessDeniedError("Only sellers can read seller reports and data feeds");
  }
  return Status::Ok();
}

Result<std::vector<Entity>> ReportService::ProductsOf(std::string_view seller) {
  return store_.ListEntities(kAmiProductType, seller);
}

Result<std::vector<Account>> ReportService::Buyers() {
  AMIPLACE_ASSIGN_OR_RETURN(auto all, store_.ListAccounts());
  std::vector<Account> out;
  for (auto& a : all) {
    if (a.type == AccountType::kBuyer) out.push_back(std::move(a));
  }
  std::sort(out.begin(), out.end(),
            [](const Account& a, const Account& b) { return a.account_id < b.account_id; });
  return out;
}

Result<Report> ReportService::GetReport(const Caller& caller, std::string_view type,
                                        std::optional<std::string_view> date,
                                        std::optional<std::string_view> month) {
  return GetReportAt(caller, type, date, month, clock_.Now());
}

Result<Report> ReportService::GetReportAt(const Caller& caller, std::string_view type,
                                          std::optional<std::string_view> date,
                                          std::optional<std::string_view> month, TimePoint now) {
  AMIPLACE_RETURN_IF_ERROR(CheckSeller(caller));
  if (date && month) return ValidationError("date, month: give one of them, not both");
  std::optional<BillingMonth> day, mon;
  if (date) {
    day = ParseDay(*date);
    if (!day) {
      return ValidationError(
          fmt::format("date: '{}' is not a date of the form YYYY-MM-DD, such as 2024-01-31", *date));
    }
  }
  if (month) {
    mon = ParseBillingMonth(*month);
    if (!mon) {
      return ValidationError(
          fmt::format("month: '{}' is not a month of the form YYYY-MM, such as 2024-01", *month));
    }
  }
  const std::string& seller = caller.account.account_id;
  if (type == kBilledRevenue) {
    if (day) return ValidationError("date: billed-revenue is monthly; use month (YYYY-MM)");
    BillingMonth m = mon ? *mon : BillingMonthOf(now);
    AMIPLACE_ASSIGN_OR_RETURN(Report r, Revenue(seller, m, now));
    r.type = std::string(kBilledRevenue);
    r.period = m.Name();
    return r;
  }
  if (type == kDailyBusiness) {
    if (mon) return ValidationError("month: daily-business is daily; use date (YYYY-MM-DD)");
    BillingMonth d = day ? *day : DayOf(now);
    AMIPLACE_ASSIGN_OR_RETURN(Report r, Revenue(seller, d, now));
    r.type = std::string(kDailyBusiness);
    r.period = DayName(d.start);
    return r;
  }
  if (type == kSubscribers) {
    std::optional<TimePoint> from, to;
    std::string period;
    if (day) from = day->start, to = day->end, period = DayName(day->start);
    if (mon) from = mon->start, to = mon->end, period = mon->Name();
    AMIPLACE_ASSIGN_OR_RETURN(Report r, Subscribers(seller, from, to));
    r.type = std::string(kSubscribers);
    r.period = period;
    return r;
  }
  return ValidationError(fmt::format(
      "type: '{}' is not a report type; valid types: daily-business, billed-revenue, subscribers",
      type));
}

Result<Report> ReportService::Revenue(std::string_view seller, const BillingMonth& window,
                                      TimePoint now) {
  AMIPLACE_ASSIGN_OR_RETURN(auto products, ProductsOf(seller));
  std::set<std::string, std::less<>> mine;
  for (const auto& p : products) mine.insert(p.id);
  struct Sum {
    Money quantity, amount;
    std::string unit, currency;
    int64_t buyers = 0;
  };
  std::map<std::pair<std::string, std::string>, Sum> sums;  // (product, usage type)
  AMIPLACE_ASSIGN_OR_RETURN(auto buyers, Buyers());
  for (const Account& b : buyers) {
    AMIPLACE_ASSIGN_OR_RETURN(Bill bill, billing_.BillOf(b.account_id, window, now));
    for (const BillLine& l : bill.lines) {
      if (!mine.count(l.product_id)) continue;
      Sum& s = sums[{l.product_id, l.usage_type}];
      s.quantity += l.quantity;
      s.amount += l.amount;
      s.unit = l.unit;
      s.currency = l.currency;
      ++s.buyers;
    }
  }
  Report r;
  r.table.columns = kRevenueColumns;
  Money total;
  for (const auto& [key, s] : sums) {
    r.table.rows.push_back({key.first, key.second, s.quantity.ToString(), s.unit,
                            s.amount.ToFixed(2), s.currency, std::to_string(s.buyers)});
    total += s.amount;
  }
  r.total = total;
  return r;
}

Result<Report> ReportService::Subscribers(std::string_view seller, std::optional<TimePoint> from,
                                          std::optional<TimePoint> to) {
  AMIPLACE_ASSIGN_OR_RETURN(auto products, ProductsOf(seller));
  std::set<std::string, std::less<>> mine;
  for (const auto& p : products) mine.insert(p.id);
  std::vector<Subscription> subs;
  AMIPLACE_ASSIGN_OR_RETURN(auto buyers, Buyers());
  for (const Account& b : buyers) {
    AMIPLACE_ASSIGN_OR_RETURN(auto list, store_.ListSubscriptions(b.account_id));
    for (auto& s : list) {
      if (!mine.count(s.product_id)) continue;
      if (to && s.created_at >= *to) continue;
      if (from && s.cancelled_at && *s.cancelled_at < *from) continue;
      subs.push_back(std::move(s));
    }
  }
  std::sort(subs.begin(), subs.end(), [](const Subscription& a, const Subscription& b) {
    return std::tie(a.product_id, a.created_at, a.id) < std::tie(b.product_id, b.created_at, b.id);
  });
  Report r;
  r.table.columns = kSubscriptionColumns;
  for (const auto& s : subs) r.table.rows.push_back(SubscriptionRow(s));
  return r;
}

const std::vector<std::string>& ReportService::FeedNames() {
  static const std::vector<std::string> names = {"products.csv", "offers.csv", "subscriptions.csv",
                                                 "usage.csv", "billing_events.csv"};
  return names;
}

Result<ReportTable> ReportService::GetFeed(const Caller& caller, std::string_view name) {
  return GetFeedAt(caller, name, clock_.Now());
}

Result<ReportTable> ReportService::GetFeedAt(const Caller& caller, std::string_view name,
                                             TimePoint now) {
  AMIPLACE_RETURN_IF_ERROR(CheckSeller(caller));
  std::string feed(name);
  if (!feed.ends_with(".csv")) feed += ".csv";
  if (std::find(FeedNames().begin(), FeedNames().end(), feed) == FeedNames().end()) {
    return NotFoundError(fmt::format(
        "'{}' is not a data feed; feeds: products.csv, offers.csv, subscriptions.csv, usage.csv, "
        "billing_events.csv",
        name));
  }
  const std::string& seller = caller.account.account_id;
  AMIPLACE_ASSIGN_OR_RETURN(auto products, ProductsOf(seller));
  std::sort(products.begin(), products.end(),
            [](const Entity& a, const Entity& b) { return a.id < b.id; });
  std::set<std::string, std::less<>> mine;
  for (const auto& p : products) mine.insert(p.id);
  ReportTable t;

  if (feed == "products.csv") {
    t.columns = {"ProductId", "ProductCode", "ProductTitle", "Visibility", "CreatedAt",
                 "LastModified"};
    for (const auto& p : products) {
      t.rows.push_back({p.id, Description(p, "ProductCode"), Description(p, "ProductTitle"),
                        Description(p, "Visibility"), FormatIso8601(p.created_at),
                        FormatIso8601(p.last_modified)});
    }
    return t;
  }

  if (feed == "offers.csv") {
    t.columns = {"OfferId", "ProductId", "OfferName", "State", "Public", "Byol",
                 "DimensionKey", "Price", "Currency"};
    AMIPLACE_ASSIGN_OR_RETURN(auto offers, store_.ListEntities(kOfferType, seller));
    std::sort(offers.begin(), offers.end(),
              [](const Entity& a, const Entity& b) { return a.id < b.id; });
    for (const auto& o : offers) {
      EntityIndex ix = IndexOf(o);
      std::string pub = IsPublicOfferOf(o.details, ix.product_id) ? "true" : "false";
      auto pricing = PricingOf(o.details);
      OfferPricing p = pricing.ok() ? *pricing : OfferPricing{};
      std::string byol = p.byol ? "true" : "false";
      if (p.rates.empty()) {
        t.rows.push_back({o.id, ix.product_id, ix.name, ix.state, pub, byol, "", "", ""});
      }
      for (const auto& [key, price] : p.rates) {
        t.rows.push_back({o.id, ix.product_id, ix.name, ix.state, pub, byol, key,
                          price.ToString(), std::string(kBillCurrency)});
      }
    }
    return t;
  }

  if (feed == "subscriptions.csv") {
    AMIPLACE_ASSIGN_OR_RETURN(Report r, Subscribers(seller, std::nullopt, std::nullopt));
    return r.table;
  }

  AMIPLACE_ASSIGN_OR_RETURN(auto buyers, Buyers());

  if (feed == "usage.csv") {
    t.columns = {"UsageKind", "BuyerAccountId", "ProductId", "UsageType", "Quantity", "Unit",
                 "BillingMonth", "UsageStart", "UsageEnd", "InstanceId", "MeteringRecordId",
                 "Region"};
    for (const Account& b : buyers) {
      AMIPLACE_ASSIGN_OR_RETURN(auto log, store_.ListInstanceStateLog(b.account_id));
      for (size_t begin = 0; begin < log.size();) {
        size_t end = begin;
        while (end < log.size() && log[end].instance_id == log[begin].instance_id) ++end;
        std::vector<InstanceStateRecord> rows(log.begin() + begin, log.begin() + end);
        begin = end;
        const InstanceStateRecord& last = rows.back();
        if (!mine.count(last.product_id)) continue;
        for (const RunningPeriod& p : RunningPeriods(rows, options_.settle_delay, now)) {
          // One row per running period and month its billed hours start in (BILLING.md).
          for (BillingMonth m = BillingMonthOf(p.start); m.start < p.end;
               m = BillingMonthOf(m.end)) {
            int64_t hours = BilledHoursIn(p, m.start, m.end);
            if (hours == 0) continue;
            t.rows.push_back({"InstanceHours", b.account_id, last.product_id, last.instance_type,
                              std::to_string(hours), std::string(kInstanceHoursUnit), m.Name(),
                              FormatIso8601(std::max(p.start, m.start)),
                              p.open ? "" : FormatIso8601(std::min(p.end, m.end)),
                              last.instance_id, "", last.region});
          }
        }
      }
      AMIPLACE_ASSIGN_OR_RETURN(auto records,
                                store_.ListMeteringRecords(b.account_id, TimePoint{},
                                                           kEndOfRecords));
      for (const MeteringRecord& r : records) {
        if (!mine.count(r.product_id)) continue;
        t.rows.push_back({"Metered", b.account_id, r.product_id, r.dimension,
                          std::to_string(r.quantity), "", BillingMonthOf(r.usage_hour).Name(),
                          FormatIso8601(r.usage_hour), FormatIso8601(r.usage_hour + kBillingHour),
                          r.instance_id, r.metering_record_id, r.region});
      }
    }
    // The metered rows' Unit: the dimension's, as on the bill.
    std::map<std::string, const Entity*> by_id;
    for (const auto& p : products) by_id[p.id] = &p;
    for (auto& row : t.rows) {
      if (row[0] != "Metered") continue;
      std::string unit = "Units";
      if (const bj::value* d = by_id[row[2]]->details.if_contains("Dimensions");
          d && d->is_array()) {
        for (const auto& dim : d->get_array()) {
          if (!dim.is_object()) continue;
          const auto* k = dim.get_object().if_contains("Key");
          const auto* u = dim.get_object().if_contains("Unit");
          if (k && k->is_string() && k->get_string() == row[3] && u && u->is_string()) {
            unit = std::string(u->get_string());
          }
        }
      }
      row[5] = unit;
    }
    return t;
  }

  // billing_events.csv: every buyer's bill, every month from the seller's first product to now.
  t.columns = {"BillingMonth", "BuyerAccountId", "ProductId", "UsageType", "Quantity", "Unit",
               "Amount", "Currency"};
  if (products.empty()) return t;
  TimePoint first = now;
  for (const auto& p : products) first = std::min(first, p.created_at);
  std::vector<BillingMonth> months;
  for (BillingMonth m = BillingMonthOf(first); m.start <= now; m = BillingMonthOf(m.end)) {
    months.push_back(m);
  }
  for (const BillingMonth& m : months) {
    for (const Account& b : buyers) {
      AMIPLACE_ASSIGN_OR_RETURN(Bill bill, billing_.BillOf(b.account_id, m, now));
      for (const BillLine& l : bill.lines) {
        if (!mine.count(l.product_id)) continue;
        t.rows.push_back({bill.month, b.account_id, l.product_id, l.usage_type,
                          l.quantity.ToString(), l.unit, l.amount.ToFixed(2), l.currency});
      }
    }
  }
  return t;
}

}  // namespace amiplace
