// Offer@1.0 UpdateAvailability: the last day a private offer can be accepted.
// Details: {"AvailabilityEndDate"*: "YYYY-MM-DD", a calendar date}. Stored as the offer's one
// {"Type": "AvailabilityRule", "AvailabilityEndDate": "YYYY-MM-DDT00:00:00.000Z"} in Rules (AWS
// returns full timestamps although it takes dates); the offer stays available through that day.
// Async INVALID_AVAILABILITY_END_DATE: a released public offer (one without buyer accounts) takes
// no end date, and an offer not yet released needs a date that is not in the past (a released
// offer may take a past date, which expires it). A draft without buyer accounts yet is accepted
// because its targeting may follow later in the same change set; ReleaseOffer refuses to release
// a public offer that has an end date.
#include <chrono>

#include "core/json_util.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;
namespace chr = std::chrono;

std::optional<chr::year_month_day> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  size_t pos = 0;
  for (int p = 0; p < 3; ++p) {
    size_t len = p == 0 ? 4 : 2;
    for (size_t i = 0; i < len; ++i, ++pos) {
      if (s[pos] < '0' || s[pos] > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (s[pos] - '0');
    }
    ++pos;  // '-'
  }
  chr::year_month_day ymd{chr::year(parts[0]), chr::month(static_cast<unsigned>(parts[1])),
                          chr::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

bool IsDate(std::string_view s) { return ParseDate(s).has_value(); }

bool HasBuyerAccounts(const bj::object& offer) {
  const bj::value* rules = offer.if_contains("Rules");
  if (rules == nullptr || !rules->is_array()) return false;
  for (const auto& r : rules->get_array()) {
    if (!r.is_object() || json::GetString(r.get_object(), "Type") != "TargetingRule") continue;
    const bj::value* pos = r.get_object().if_contains("PositiveTargeting");
    if (pos == nullptr || !pos->is_object()) continue;
    const bj::value* accounts = pos->get_object().if_contains("BuyerAccounts");
    if (accounts != nullptr && accounts->is_array() && !accounts->get_array().empty()) return true;
  }
  return false;
}

class UpdateAvailability final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "UpdateAvailability"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"AvailabilityEndDate"}, field));
    return validate::String(o, "AvailabilityEndDate", field,
                            {.pattern_name = "a calendar date YYYY-MM-DD", .check = IsDate}, true);
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value& details,
                                 std::string*) const override {
    std::string_view text = details.get_object().at("AvailabilityEndDate").get_string();
    const chr::sys_days date{*ParseDate(text)};
    const bool released = json::GetString(target->details, "State") == "Released";
    if (released && !HasBuyerAccounts(target->details)) {
      return {{"INVALID_AVAILABILITY_END_DATE",
               "AvailabilityEndDate: a public offer has no end date; only private offers (with "
               "PositiveTargeting.BuyerAccounts) take one"}};
    }
    if (!released && date < chr::floor<chr::days>(ctx.now())) {
      return {
          {"INVALID_AVAILABILITY_END_DATE",
           fmt::format("AvailabilityEndDate: {} is in the past; an offer not yet released needs "
                       "a date from today on",
                       text)}};
    }
    bj::object rule{{"Type", "AvailabilityRule"},
                    {"AvailabilityEndDate", FormatIso8601Millis(TimePoint(date))}};
    bj::array rules;
    bool replaced = false;
    if (const bj::value* old = target->details.if_contains("Rules"); old && old->is_array()) {
      for (const auto& r : old->get_array()) {
        const bool availability =
            r.is_object() && json::GetString(r.get_object(), "Type") == "AvailabilityRule";
        if (!availability) {
          rules.push_back(r);
        } else if (!replaced) {
          rules.push_back(rule);
          replaced = true;
        }
      }
    }
    if (!replaced) rules.push_back(std::move(rule));
    target->details["Rules"] = std::move(rules);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    auto date = details.is_object() ? json::GetString(details.get_object(), "AvailabilityEndDate")
                                    : std::nullopt;
    return date ? fmt::format("Update offer availability: ends {}", *date)
                : "Update offer availability";
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateAvailability() {
  return std::make_unique<UpdateAvailability>();
}

}  // namespace amiplace
