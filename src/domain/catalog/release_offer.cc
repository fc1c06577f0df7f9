// Offer@1.0 ReleaseOffer: Draft → Released, after which buyers the offer targets can accept it.
// Details must be {}. Async codes (all that apply are reported together):
//   INVALID_OFFER_STATE       the offer is not a Draft (amiplace's code; AWS documents none)
//   MISSING_NAME, MISSING_DESCRIPTION
//   MISSING_MANDATORY_TERMS   every offer needs pricing terms and legal terms; a public offer that
//                             charges (any price above zero, upfront or recurring charge) also
//                             needs support terms (a refund policy). Private offers and free or
//                             BYOL offers need no support terms, as in AWS's samples.
//   INVALID_AVAILABILITY_END_DATE  a public offer with an end date, or an end date in the past
//   INCOMPATIBLE_PRODUCT      the offer's product is gone
// Not enforced here: TOO_MANY_OFFERS (one public offer per product) needs a look across the
// product's offers, which an ApplyContext cannot list; the store checks it.
#include <chrono>

#include "core/json_util.h"
#include "core/money.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;
namespace chr = std::chrono;

bool Empty(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  return v == nullptr || !v->is_string() || v->get_string().empty();
}

bool IsPricingTerm(std::string_view type) {
  return type == "UsageBasedPricingTerm" || type == "ConfigurableUpfrontPricingTerm" ||
         type == "FixedUpfrontPricingTerm" || type == "FreeTrialPricingTerm" ||
         type == "RecurringPaymentTerm" || type == "ByolPricingTerm";
}

// Whether a pricing term makes buyers pay: upfront and recurring charges always do; a usage term
// does when any of its rates is above zero.
bool Charges(const bj::object& term) {
  std::string type = json::GetString(term, "Type").value_or("");
  if (type == "ConfigurableUpfrontPricingTerm" || type == "FixedUpfrontPricingTerm" ||
      type == "RecurringPaymentTerm") {
    return true;
  }
  if (type != "UsageBasedPricingTerm") return false;
  const bj::value* cards = term.if_contains("RateCards");
  if (cards == nullptr || !cards->is_array()) return false;
  for (const auto& card : cards->get_array()) {
    const bj::value* items = card.is_object() ? card.get_object().if_contains("RateCard") : nullptr;
    if (items == nullptr || !items->is_array()) continue;
    for (const auto& item : items->get_array()) {
      auto price = item.is_object() ? json::GetString(item.get_object(), "Price") : std::nullopt;
      auto m = Money::Parse(price.value_or("0"), "Price");
      if (!m.ok() || !m->is_zero()) return true;
    }
  }
  return false;
}

const bj::object* FindRule(const bj::object& offer, std::string_view type) {
  const bj::value* rules = offer.if_contains("Rules");
  if (rules == nullptr || !rules->is_array()) return nullptr;
  for (const auto& r : rules->get_array()) {
    if (r.is_object() && json::GetString(r.get_object(), "Type") == type) return &r.get_object();
  }
  return nullptr;
}

bool HasBuyerAccounts(const bj::object& offer) {
  const bj::object* rule = FindRule(offer, "TargetingRule");
  const bj::value* pos = rule ? rule->if_contains("PositiveTargeting") : nullptr;
  const bj::value* accounts =
      pos && pos->is_object() ? pos->get_object().if_contains("BuyerAccounts") : nullptr;
  return accounts != nullptr && accounts->is_array() && !accounts->get_array().empty();
}

class ReleaseOffer final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "ReleaseOffer"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    if (!details.get_object().empty()) {
      return ValidationError(
          fmt::format("{}: ReleaseOffer takes an empty document {{}}; unknown field '{}'", field,
                      std::string_view(details.get_object().begin()->key())));
    }
    return Status::Ok();
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value&,
                                 std::string*) const override {
    const bj::object& offer = target->details;
    std::string state = json::GetString(offer, "State").value_or("");
    if (state != "Draft") {
      return {{"INVALID_OFFER_STATE",
               fmt::format("State: only a Draft offer can be released; this offer is {}", state)}};
    }
    std::vector<ErrorDetail> errors;
    if (Empty(offer, "Name")) {
      errors.push_back(
          {"MISSING_NAME", "Name: a released offer needs a name; set it with UpdateInformation"});
    }
    if (Empty(offer, "Description")) {
      errors.push_back(
          {"MISSING_DESCRIPTION",
           "Description: a released offer needs a description; set it with UpdateInformation"});
    }

    bool pricing = false, legal = false, support = false, charges = false;
    if (const bj::value* terms = offer.if_contains("Terms"); terms && terms->is_array()) {
      for (const auto& t : terms->get_array()) {
        if (!t.is_object()) continue;
        std::string type = json::GetString(t.get_object(), "Type").value_or("");
        pricing = pricing || IsPricingTerm(type);
        legal = legal || type == "LegalTerm";
        support = support || type == "SupportTerm";
        charges = charges || Charges(t.get_object());
      }
    }
    const bool is_public = !HasBuyerAccounts(offer);
    std::vector<std::string> missing;
    if (!pricing) missing.emplace_back("pricing terms (UpdatePricingTerms)");
    if (!legal) missing.emplace_back("legal terms (UpdateLegalTerms)");
    if (is_public && charges && !support)
      missing.emplace_back("support terms (UpdateSupportTerms)");
    if (!missing.empty()) {
      errors.push_back(
          {"MISSING_MANDATORY_TERMS",
           fmt::format("Terms: a released {}offer needs {}",
                       is_public && charges ? "paid public " : "", fmt::join(missing, ", "))});
    }

    if (const bj::object* rule = FindRule(offer, "AvailabilityRule")) {
      std::string end = json::GetString(*rule, "AvailabilityEndDate").value_or("");
      if (is_public) {
        errors.push_back(
            {"INVALID_AVAILABILITY_END_DATE",
             "AvailabilityEndDate: a public offer has no end date; target buyer accounts "
             "with UpdateTargeting or leave the end date out"});
      } else if (auto t = ParseIso8601(end);
                 t && chr::floor<chr::days>(*t) < chr::floor<chr::days>(ctx.now())) {
        errors.push_back({"INVALID_AVAILABILITY_END_DATE",
                          fmt::format("AvailabilityEndDate: {} has passed; set a later date with "
                                      "UpdateAvailability",
                                      end.substr(0, 10))});
      }
    }

    std::string product_id = json::GetString(offer, "ProductId").value_or("");
    const Entity* product = ctx.FindEntity(product_id);
    if (product == nullptr || product->type != kAmiProductType) {
      errors.push_back(
          {"INCOMPATIBLE_PRODUCT", fmt::format("ProductId: product {} was not found", product_id)});
    }
    if (!errors.empty()) return errors;

    bj::object released = offer;
    released["State"] = "Released";
    target->details = std::move(released);

    // One public offer per product (TOO_MANY_OFFERS), judged when the whole set has applied.
    if (is_public) {
      std::string offer_id = target->id;
      ctx.Defer([&ctx, product_id, offer_id]() -> std::vector<ErrorDetail> {
        for (Entity* other : ctx.OffersOf(product_id)) {
          if (other->id == offer_id || IndexOf(*other).state != "Released") continue;
          if (!HasBuyerAccounts(other->details)) {
            return {{"TOO_MANY_OFFERS",
                     fmt::format("ProductId: product {} already has the released public offer {}",
                                 product_id, other->id)}};
          }
        }
        return {};
      });
    }
    return {};
  }

  std::string Describe(const bj::value&) const override { return "Release the offer"; }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeReleaseOffer() { return std::make_unique<ReleaseOffer>(); }

}  // namespace amiplace
