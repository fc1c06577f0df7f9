// Offer@1.0 UpdatePricingTerms: replaces every pricing term of an offer; its other terms (legal,
// support, renewal, …) stay. Details: {"PricingModel"*: Usage|Contract|Free|Byol, "Terms"*: [≥1]},
// each term one of
//   UsageBasedPricingTerm          {CurrencyCode* USD, RateCards* [exactly 1] {RateCard* [1..800]
//                                   {DimensionKey* 1..100, Price* ≤8 places}}} — AMI hourly rates
//   ConfigurableUpfrontPricingTerm {CurrencyCode* USD, RateCards* [1..5] {Selector* {Type*
//   Duration,
//                                   Value* "P365D"|"P12M"|"P1Y"}, RateCard* [1..800] (≤3 places),
//                                   Constraints* {MultipleDimensionSelection*,
//                                   QuantityConfiguration*: Allowed|Disallowed, both the same}}} —
//                                   AMI annual
//   FixedUpfrontPricingTerm        {CurrencyCode* USD, Price* ≤3 places, Duration?, Grants*
//   [1..800]} FreeTrialPricingTerm           {Duration* "P30D", Grants* [1..800] {DimensionKey*,
//   MaxQuantity? ≥1}} RecurringPaymentTerm           {CurrencyCode* USD, BillingPeriod* Monthly,
//   Price* ≤3 places} ByolPricingTerm                {}
// Prices are strings checked as exact decimals (core/money.h) and stored as sent.
// Async codes: INCOMPATIBLE_TERMS (a term type twice), INCOMPATIBLE_PRICING_MODEL (terms the model
// does not take or lacks), DUPLICATE_DIMENSION_KEYS (a key twice in one rate card or grant list),
// INVALID_RATE_CARD (a key that is not one of the product's dimensions, a usage price for a
// dimension that is not metered, or a metered dimension without a usage price).
#include <set>

#include "core/json_util.h"
#include "core/money.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

constexpr std::string_view kUsage = "UsageBasedPricingTerm";
constexpr std::string_view kConfigurableUpfront = "ConfigurableUpfrontPricingTerm";
constexpr std::string_view kFixedUpfront = "FixedUpfrontPricingTerm";
constexpr std::string_view kFreeTrial = "FreeTrialPricingTerm";
constexpr std::string_view kRecurring = "RecurringPaymentTerm";
constexpr std::string_view kByol = "ByolPricingTerm";
constexpr size_t kMaxRateCardItems = 800;

bool IsPricingTermType(std::string_view s) {
  return s == kUsage || s == kConfigurableUpfront || s == kFixedUpfront || s == kFreeTrial ||
         s == kRecurring || s == kByol;
}
bool IsPricingModel(std::string_view s) {
  return s == "Usage" || s == "Contract" || s == "Free" || s == "Byol";
}
bool IsUsd(std::string_view s) { return s == "USD"; }
bool IsMonthly(std::string_view s) { return s == "Monthly"; }
bool IsDurationSelector(std::string_view s) { return s == "Duration"; }
bool IsAllowedOrDisallowed(std::string_view s) { return s == "Allowed" || s == "Disallowed"; }

// "P<n>D", "P<n>M" or "P<n>Y", n = 1..9999: the ISO-8601 durations offers use.
bool IsContractDuration(std::string_view s) {
  if (s.size() < 3 || s.size() > 6 || s.front() != 'P') return false;
  char unit = s.back();
  if (unit != 'D' && unit != 'M' && unit != 'Y') return false;
  std::string_view n = s.substr(1, s.size() - 2);
  return n.front() != '0' &&
         std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; });
}
// "P<n>D", n = 1..999.
bool IsTrialDuration(std::string_view s) {
  return s.size() <= 5 && IsContractDuration(s) && s.back() == 'D';
}

std::string Item(std::string_view name, size_t i) { return fmt::format("{}[{}]", name, i); }

Status CheckPrice(const bj::object& o, std::string_view field, int places) {
  std::string name = validate::Join(field, "Price");
  const bj::value* v = o.if_contains("Price");
  if (v == nullptr) return ValidationError(fmt::format("{}: is required", name));
  if (!v->is_string()) {
    return ValidationError(
        fmt::format("{}: must be a string holding a decimal number, such as \"0.15\"", name));
  }
  auto m = Money::Parse(v->get_string(), name, {.max_places = places, .noun = "a price"});
  return m.ok() ? Status::Ok() : m.status();
}

Status CheckDimensionKey(const bj::object& o, std::string_view field) {
  return validate::String(o, "DimensionKey", field, {.min = 1, .max = 100}, true);
}

Status CheckRateCard(const bj::object& o, std::string_view field, int places) {
  const bj::array* items = nullptr;
  AMIPLACE_RETURN_IF_ERROR(
      validate::Array(o, "RateCard", field, {.min = 1, .max = kMaxRateCardItems}, &items, true));
  std::string name = validate::Join(field, "RateCard");
  for (size_t i = 0; i < items->size(); ++i) {
    std::string f = Item(name, i);
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*items)[i], f));
    const auto& item = (*items)[i].get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(item, {"DimensionKey", "Price"}, f));
    AMIPLACE_RETURN_IF_ERROR(CheckDimensionKey(item, f));
    AMIPLACE_RETURN_IF_ERROR(CheckPrice(item, f, places));
  }
  return Status::Ok();
}

Status CheckGrants(const bj::object& o, std::string_view field) {
  const bj::array* grants = nullptr;
  AMIPLACE_RETURN_IF_ERROR(
      validate::Array(o, "Grants", field, {.min = 1, .max = kMaxRateCardItems}, &grants, true));
  std::string name = validate::Join(field, "Grants");
  for (size_t i = 0; i < grants->size(); ++i) {
    std::string f = Item(name, i);
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*grants)[i], f));
    const auto& g = (*grants)[i].get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(g, {"DimensionKey", "MaxQuantity"}, f));
    AMIPLACE_RETURN_IF_ERROR(CheckDimensionKey(g, f));
    if (const bj::value* q = g.if_contains("MaxQuantity")) {
      bool positive =
          (q->is_int64() && q->get_int64() >= 1) || (q->is_uint64() && q->get_uint64() >= 1);
      if (!positive) {
        return ValidationError(
            fmt::format("{}.MaxQuantity: must be a whole number of at least 1", f));
      }
    }
  }
  return Status::Ok();
}

Status CheckCurrency(const bj::object& o, std::string_view field) {
  return validate::String(
      o, "CurrencyCode", field,
      {.pattern_name = "USD (amiplace prices and bills in US dollars)", .check = IsUsd}, true);
}

Status CheckUsageTerm(const bj::object& t, std::string_view f) {
  AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(t, {"Type", "CurrencyCode", "RateCards"}, f));
  AMIPLACE_RETURN_IF_ERROR(CheckCurrency(t, f));
  const bj::array* cards = nullptr;
  AMIPLACE_RETURN_IF_ERROR(validate::Array(t, "RateCards", f, {.min = 1, .max = 1}, &cards, true));
  std::string cf = Item(validate::Join(f, "RateCards"), 0);
  AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*cards)[0], cf));
  AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers((*cards)[0].get_object(), {"RateCard"}, cf));
  return CheckRateCard((*cards)[0].get_object(), cf, 8);
}

Status CheckConfigurableUpfrontTerm(const bj::object& t, std::string_view f) {
  AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(t, {"Type", "CurrencyCode", "RateCards"}, f));
  AMIPLACE_RETURN_IF_ERROR(CheckCurrency(t, f));
  const bj::array* cards = nullptr;
  AMIPLACE_RETURN_IF_ERROR(validate::Array(t, "RateCards", f, {.min = 1, .max = 5}, &cards, true));
  std::set<std::string_view> durations;
  for (size_t i = 0; i < cards->size(); ++i) {
    std::string cf = Item(validate::Join(f, "RateCards"), i);
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*cards)[i], cf));
    const auto& card = (*cards)[i].get_object();
    AMIPLACE_RETURN_IF_ERROR(
        validate::KnownMembers(card, {"Selector", "RateCard", "Constraints"}, cf));

    std::string sf = validate::Join(cf, "Selector");
    const bj::value* selector = card.if_contains("Selector");
    if (selector == nullptr) return ValidationError(fmt::format("{}: is required", sf));
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*selector, sf));
    const auto& s = selector->get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(s, {"Type", "Value"}, sf));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        s, "Type", sf, {.pattern_name = "Duration", .check = IsDurationSelector}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        s, "Value", sf,
        {.pattern_name = "an ISO-8601 duration in days, months or years, such as P365D or P12M",
         .check = IsContractDuration},
        true));
    if (!durations.insert(s.at("Value").get_string()).second) {
      return ValidationError(
          fmt::format("{}.Value: '{}' is the duration of another rate card of this term", sf,
                      std::string_view(s.at("Value").get_string())));
    }

    AMIPLACE_RETURN_IF_ERROR(CheckRateCard(card, cf, 3));

    std::string kf = validate::Join(cf, "Constraints");
    const bj::value* constraints = card.if_contains("Constraints");
    if (constraints == nullptr) return ValidationError(fmt::format("{}: is required", kf));
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*constraints, kf));
    const auto& k = constraints->get_object();
    AMIPLACE_RETURN_IF_ERROR(
        validate::KnownMembers(k, {"MultipleDimensionSelection", "QuantityConfiguration"}, kf));
    for (std::string_view m : {"MultipleDimensionSelection", "QuantityConfiguration"}) {
      AMIPLACE_RETURN_IF_ERROR(validate::String(
          k, m, kf, {.pattern_name = "Allowed or Disallowed", .check = IsAllowedOrDisallowed},
          true));
    }
    if (k.at("MultipleDimensionSelection") != k.at("QuantityConfiguration")) {
      return ValidationError(fmt::format(
          "{}: MultipleDimensionSelection and QuantityConfiguration must be both Allowed or both "
          "Disallowed",
          kf));
    }
  }
  return Status::Ok();
}

Status CheckTerm(const bj::value& v, std::string_view f) {
  AMIPLACE_RETURN_IF_ERROR(validate::IsObject(v, f));
  const auto& t = v.get_object();
  AMIPLACE_RETURN_IF_ERROR(validate::String(
      t, "Type", f,
      {.pattern_name = "a pricing term: UsageBasedPricingTerm, ConfigurableUpfrontPricingTerm, "
                       "FixedUpfrontPricingTerm, FreeTrialPricingTerm, RecurringPaymentTerm or "
                       "ByolPricingTerm",
       .check = IsPricingTermType},
      true));
  std::string_view type = t.at("Type").get_string();
  if (type == kUsage) return CheckUsageTerm(t, f);
  if (type == kConfigurableUpfront) return CheckConfigurableUpfrontTerm(t, f);
  if (type == kFixedUpfront) {
    AMIPLACE_RETURN_IF_ERROR(
        validate::KnownMembers(t, {"Type", "CurrencyCode", "Price", "Duration", "Grants"}, f));
    AMIPLACE_RETURN_IF_ERROR(CheckCurrency(t, f));
    AMIPLACE_RETURN_IF_ERROR(CheckPrice(t, f, 3));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        t, "Duration", f,
        {.pattern_name = "an ISO-8601 duration such as P12M", .check = IsContractDuration}));
    return CheckGrants(t, f);
  }
  if (type == kFreeTrial) {
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(t, {"Type", "Duration", "Grants"}, f));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        t, "Duration", f,
        {.pattern_name = "an ISO-8601 duration in days, such as P30D", .check = IsTrialDuration},
        true));
    return CheckGrants(t, f);
  }
  if (type == kRecurring) {
    AMIPLACE_RETURN_IF_ERROR(
        validate::KnownMembers(t, {"Type", "CurrencyCode", "BillingPeriod", "Price"}, f));
    AMIPLACE_RETURN_IF_ERROR(CheckCurrency(t, f));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        t, "BillingPeriod", f, {.pattern_name = "Monthly", .check = IsMonthly}, true));
    return CheckPrice(t, f, 3);
  }
  return validate::KnownMembers(t, {"Type"}, f);  // ByolPricingTerm
}

// The product's dimensions: key → whether it is metered (Metered or ExternallyMetered).
std::map<std::string, bool, std::less<>> ProductDimensions(const Entity& product) {
  std::map<std::string, bool, std::less<>> out;
  const bj::value* dims = product.details.if_contains("Dimensions");
  if (dims == nullptr || !dims->is_array()) return out;
  for (const auto& d : dims->get_array()) {
    if (!d.is_object()) continue;
    const bj::value* key = d.get_object().if_contains("Key");
    if (key == nullptr || !key->is_string()) continue;
    bool metered = false;
    if (const bj::value* types = d.get_object().if_contains("Types"); types && types->is_array()) {
      for (const auto& t : types->get_array()) {
        metered = metered || t == "Metered" || t == "ExternallyMetered";
      }
    }
    out[std::string(key->get_string())] = out[std::string(key->get_string())] || metered;
  }
  return out;
}

// The terms of one change by Type (each type at most once).
using TermsByType = std::map<std::string_view, const bj::object*>;

// PricingModel rules: which term types a model requires (any one of) and which it takes.
struct ModelRule {
  std::string_view model;
  std::vector<std::string_view> requires_one_of;
  std::vector<std::string_view> allowed;
};
const std::vector<ModelRule>& ModelRules() {
  static const std::vector<ModelRule> kRules = {
      {"Usage", {kUsage}, {kUsage, kConfigurableUpfront, kFreeTrial, kRecurring}},
      {"Contract",
       {kConfigurableUpfront, kFixedUpfront},
       {kConfigurableUpfront, kFixedUpfront, kUsage}},
      {"Free", {}, {kFreeTrial, kUsage}},
      {"Byol", {kByol}, {kByol}},
  };
  return kRules;
}

void CheckPricingModel(std::string_view model, const TermsByType& terms,
                       std::vector<ErrorDetail>& errors) {
  const ModelRule* rule = nullptr;
  for (const auto& r : ModelRules()) {
    if (r.model == model) rule = &r;
  }
  for (const auto& [type, term] : terms) {
    if (std::find(rule->allowed.begin(), rule->allowed.end(), type) == rule->allowed.end()) {
      errors.push_back({"INCOMPATIBLE_PRICING_MODEL",
                        fmt::format("PricingModel {} does not take a {}; it takes: {}", model, type,
                                    fmt::join(rule->allowed, ", "))});
    }
  }
  if (!rule->requires_one_of.empty() &&
      std::none_of(rule->requires_one_of.begin(), rule->requires_one_of.end(),
                   [&](std::string_view t) { return terms.count(t) > 0; })) {
    errors.push_back(
        {"INCOMPATIBLE_PRICING_MODEL", fmt::format("PricingModel {} needs a {}", model,
                                                   fmt::join(rule->requires_one_of, " or "))});
  }
  // A free offer charges nothing: any usage rate it carries must be zero.
  if (model == "Free") {
    if (auto it = terms.find(kUsage); it != terms.end()) {
      for (const auto& item :
           it->second->at("RateCards").get_array()[0].get_object().at("RateCard").get_array()) {
        std::string_view price = item.get_object().at("Price").get_string();
        if (!Money::Parse(price, "Price")->is_zero()) {
          errors.push_back(
              {"INCOMPATIBLE_PRICING_MODEL",
               fmt::format("PricingModel Free charges nothing, but dimension '{}' has the usage "
                           "price '{}'",
                           std::string_view(item.get_object().at("DimensionKey").get_string()),
                           price)});
          break;
        }
      }
    }
  }
}

// Checks the dimension keys of one rate card or grant list (`items`, each with DimensionKey).
void CheckKeys(const bj::array& items, std::string_view field, std::string_view product_id,
               const std::map<std::string, bool, std::less<>>& dims, bool usage,
               std::vector<ErrorDetail>& errors) {
  std::set<std::string_view> seen;
  std::vector<std::string_view> duplicates, unknown, not_metered;
  for (const auto& item : items) {
    std::string_view key = item.get_object().at("DimensionKey").get_string();
    if (!seen.insert(key).second) {
      if (std::find(duplicates.begin(), duplicates.end(), key) == duplicates.end())
        duplicates.push_back(key);
      continue;
    }
    auto it = dims.find(key);
    if (it == dims.end()) {
      unknown.push_back(key);
    } else if (usage && !it->second) {
      not_metered.push_back(key);
    }
  }
  if (!duplicates.empty()) {
    errors.push_back(
        {"DUPLICATE_DIMENSION_KEYS", fmt::format("{}: dimension keys appear more than once: {}",
                                                 field, fmt::join(duplicates, ", "))});
  }
  if (!unknown.empty()) {
    errors.push_back({"INVALID_RATE_CARD",
                      fmt::format("{}: product {} has no dimensions with these keys (add them with "
                                  "AddDimensions first): {}",
                                  field, product_id, fmt::join(unknown, ", "))});
  }
  if (!not_metered.empty()) {
    errors.push_back(
        {"INVALID_RATE_CARD",
         fmt::format(
             "{}: usage prices need Metered or ExternallyMetered dimensions; not metered: {}",
             field, fmt::join(not_metered, ", "))});
  }
  if (usage) {
    std::vector<std::string_view> unpriced;
    for (const auto& [key, metered] : dims) {
      if (metered && !seen.count(key)) unpriced.push_back(key);
    }
    if (!unpriced.empty()) {
      errors.push_back(
          {"INVALID_RATE_CARD",
           fmt::format("{}: every metered dimension of product {} needs a usage price; missing: {}",
                       field, product_id, fmt::join(unpriced, ", "))});
    }
  }
}

class UpdatePricingTerms final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "UpdatePricingTerms"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"PricingModel", "Terms"}, field));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        o, "PricingModel", field,
        {.pattern_name = "one of Usage, Contract, Free, Byol", .check = IsPricingModel}, true));
    const bj::array* terms = nullptr;
    AMIPLACE_RETURN_IF_ERROR(validate::Array(o, "Terms", field, {.min = 1}, &terms, true));
    std::string name = validate::Join(field, "Terms");
    for (size_t i = 0; i < terms->size(); ++i)
      AMIPLACE_RETURN_IF_ERROR(CheckTerm((*terms)[i], Item(name, i)));
    return Status::Ok();
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& in = details.get_object();
    std::string_view model = in.at("PricingModel").get_string();
    const auto& terms = in.at("Terms").get_array();
    std::vector<ErrorDetail> errors;

    TermsByType by_type;
    for (size_t i = 0; i < terms.size(); ++i) {
      const auto& t = terms[i].get_object();
      std::string_view type = t.at("Type").get_string();
      if (!by_type.emplace(type, &t).second) {
        errors.push_back(
            {"INCOMPATIBLE_TERMS",
             fmt::format("Terms[{}]: an offer takes one {}; this one repeats it", i, type)});
      }
    }
    CheckPricingModel(model, by_type, errors);

    std::string product_id = json::GetString(target->details, "ProductId").value_or("");
    const Entity* product = ctx.FindEntity(product_id);
    if (product == nullptr || product->type != kAmiProductType) {
      errors.push_back(
          {"INCOMPATIBLE_PRODUCT",
           fmt::format("ProductId: product {} of this offer was not found", product_id)});
      return errors;
    }
    const auto dims = ProductDimensions(*product);
    for (size_t i = 0; i < terms.size(); ++i) {
      const auto& t = terms[i].get_object();
      std::string_view type = t.at("Type").get_string();
      if (type == kUsage || type == kConfigurableUpfront) {
        const auto& cards = t.at("RateCards").get_array();
        for (size_t c = 0; c < cards.size(); ++c) {
          CheckKeys(cards[c].get_object().at("RateCard").get_array(),
                    fmt::format("Terms[{}].RateCards[{}].RateCard", i, c), product_id, dims,
                    type == kUsage, errors);
        }
      } else if (type == kFixedUpfront || type == kFreeTrial) {
        CheckKeys(t.at("Grants").get_array(), fmt::format("Terms[{}].Grants", i), product_id, dims,
                  false, errors);
      }
    }
    if (!errors.empty()) return errors;

    bj::array updated(terms.begin(), terms.end());
    if (const bj::value* old = target->details.if_contains("Terms"); old && old->is_array()) {
      for (const auto& t : old->get_array()) {
        auto type = t.is_object() ? json::GetString(t.get_object(), "Type") : std::nullopt;
        if (!type || !IsPricingTermType(*type)) updated.push_back(t);
      }
    }
    target->details["Terms"] = std::move(updated);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    std::vector<std::string> types;
    std::string model;
    if (details.is_object()) {
      model = json::GetString(details.get_object(), "PricingModel").value_or("");
      if (const auto* terms = details.get_object().if_contains("Terms");
          terms && terms->is_array()) {
        for (const auto& t : terms->get_array()) {
          if (t.is_object()) types.push_back(json::GetString(t.get_object(), "Type").value_or("?"));
        }
      }
    }
    return fmt::format("Update pricing terms: {} ({})", model, fmt::join(types, ", "));
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdatePricingTerms() {
  return std::make_unique<UpdatePricingTerms>();
}

}  // namespace amiplace
