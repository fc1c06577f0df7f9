// Offer@1.0 UpdateTargeting: who may accept the offer. Details: {"PositiveTargeting"?:
// {"CountryCodes"?: [1..244] ISO 3166-1 alpha-2, "BuyerAccounts"?: [1..26] 12-digit account IDs},
// "NegativeTargeting"?: {"CountryCodes"*: [1..244]}} — positive or negative, not both. Buyer
// accounts make the offer private; an offer without them is public.
// Stored as the offer's one {"Type": "TargetingRule", "PositiveTargeting" | "NegativeTargeting"}
// in Rules, replacing the previous one.
// Async: INVALID_COUNTRY_CODES (well-formed but not an assigned country code),
// INCOMPATIBLE_TARGETING (the buyer accounts of a released offer cannot change).
#include <array>
#include <set>

#include "core/json_util.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

// ISO 3166-1 alpha-2 officially assigned codes, sorted.
constexpr std::array<std::string_view, 249> kCountryCodes = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
    "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
    "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
    "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
    "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
    "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
    "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
    "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
    "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
    "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
    "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"};

bool IsAlpha2(std::string_view s) {
  return s.size() == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}
bool IsAccountId(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status CheckCountryCodes(const bj::object& o, std::string_view field, bool required) {
  return validate::StringList(
      o, "CountryCodes", field, {.min = 1, .max = 244, .unique = true},
      {.pattern_name = "an upper-case ISO 3166-1 alpha-2 country code such as US",
       .check = IsAlpha2},
      required);
}

// The buyer accounts of the offer's TargetingRule (empty for a public offer).
std::set<std::string> BuyerAccounts(const bj::object& offer) {
  std::set<std::string> out;
  const bj::value* rules = offer.if_contains("Rules");
  if (rules == nullptr || !rules->is_array()) return out;
  for (const auto& r : rules->get_array()) {
    if (!r.is_object() || json::GetString(r.get_object(), "Type") != "TargetingRule") continue;
    const bj::value* pos = r.get_object().if_contains("PositiveTargeting");
    if (pos == nullptr || !pos->is_object()) continue;
    const bj::value* accounts = pos->get_object().if_contains("BuyerAccounts");
    if (accounts == nullptr || !accounts->is_array()) continue;
    for (const auto& a : accounts->get_array()) {
      if (a.is_string()) out.emplace(a.get_string());
    }
  }
  return out;
}

class UpdateOfferTargeting final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "UpdateTargeting"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(
        validate::KnownMembers(o, {"PositiveTargeting", "NegativeTargeting"}, field));
    AMIPLACE_RETURN_IF_ERROR(validate::AnyOf(o, {"PositiveTargeting", "NegativeTargeting"}, field));
    if (o.contains("PositiveTargeting") && o.contains("NegativeTargeting")) {
      return ValidationError(
          fmt::format("{}: set PositiveTargeting or NegativeTargeting, not both", field));
    }
    if (const bj::value* pos = o.if_contains("PositiveTargeting")) {
      std::string f = validate::Join(field, "PositiveTargeting");
      AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*pos, f));
      const auto& p = pos->get_object();
      AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(p, {"CountryCodes", "BuyerAccounts"}, f));
      AMIPLACE_RETURN_IF_ERROR(validate::AnyOf(p, {"CountryCodes", "BuyerAccounts"}, f));
      AMIPLACE_RETURN_IF_ERROR(CheckCountryCodes(p, f, false));
      return validate::StringList(
          p, "BuyerAccounts", f, {.min = 1, .max = 26, .unique = true},
          {.pattern_name = "a 12-digit AWS account ID", .check = IsAccountId});
    }
    std::string f = validate::Join(field, "NegativeTargeting");
    const bj::value& neg = o.at("NegativeTargeting");
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(neg, f));
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(neg.get_object(), {"CountryCodes"}, f));
    return CheckCountryCodes(neg.get_object(), f, true);
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& in = details.get_object();
    const bool positive = in.contains("PositiveTargeting");
    const auto& targeting =
        in.at(positive ? "PositiveTargeting" : "NegativeTargeting").get_object();
    std::vector<ErrorDetail> errors;

    std::vector<std::string_view> unknown;
    if (const bj::value* codes = targeting.if_contains("CountryCodes")) {
      for (const auto& c : codes->get_array()) {
        if (!std::binary_search(kCountryCodes.begin(), kCountryCodes.end(),
                                std::string_view(c.get_string()))) {
          unknown.push_back(c.get_string());
        }
      }
    }
    if (!unknown.empty()) {
      errors.push_back({"INVALID_COUNTRY_CODES",
                        fmt::format("{}.CountryCodes: not ISO 3166-1 country codes: {}",
                                    positive ? "PositiveTargeting" : "NegativeTargeting",
                                    fmt::join(unknown, ", "))});
    }

    std::set<std::string> buyers;
    if (const bj::value* accounts = targeting.if_contains("BuyerAccounts")) {
      for (const auto& a : accounts->get_array()) buyers.emplace(a.get_string());
    }
    if (json::GetString(target->details, "State") == "Released" &&
        buyers != BuyerAccounts(target->details)) {
      errors.push_back(
          {"INCOMPATIBLE_TARGETING",
           "PositiveTargeting.BuyerAccounts: the buyer accounts of a released offer cannot "
           "change; create a new offer for other buyers"});
    }
    if (!errors.empty()) return errors;

    bj::object rule{{"Type", "TargetingRule"}};
    rule[positive ? "PositiveTargeting" : "NegativeTargeting"] = targeting;
    bj::array rules;
    bool replaced = false;
    if (const bj::value* old = target->details.if_contains("Rules"); old && old->is_array()) {
      for (const auto& r : old->get_array()) {
        const bool is_targeting =
            r.is_object() && json::GetString(r.get_object(), "Type") == "TargetingRule";
        if (!is_targeting) {
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
    std::vector<std::string> parts;
    if (details.is_object()) {
      for (const auto& kv : details.get_object()) {
        if (!kv.value().is_object()) continue;
        for (const auto& m : kv.value().get_object()) {
          parts.push_back(
              fmt::format("{}.{}", std::string_view(kv.key()), std::string_view(m.key())));
        }
      }
    }
    return fmt::format("Update offer targeting: {}", fmt::join(parts, ", "));
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateOfferTargeting() {
  return std::make_unique<UpdateOfferTargeting>();
}

}  // namespace amiplace
