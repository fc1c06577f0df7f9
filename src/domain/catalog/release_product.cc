// AmiProduct@1.0 ReleaseProduct: DetailsDocument {}. Draft → Limited, when the product is
// complete: its description, at least one version, dimensions, and (checked after the whole
// change set has applied, since AWS's sample releases the offer later in the same set) a
// released offer. Otherwise VALIDATION_FAILED naming what to provide.
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

size_t ArraySize(const bj::object& doc, std::string_view key) {
  const auto* v = doc.if_contains(key);
  return v && v->is_array() ? v->get_array().size() : 0;
}

class ReleaseProduct final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "ReleaseProduct"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    if (!details.get_object().empty()) {
      return ValidationError(fmt::format("{}: ReleaseProduct takes an empty document {{}}", field));
    }
    return Status::Ok();
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value&,
                                 std::string*) const override {
    std::string visibility = IndexOf(*target).visibility;
    if (visibility != "Draft") {
      return {{"INVALID_PRODUCT_STATE",
               fmt::format("Only a Draft product can be released; this one is {}", visibility)}};
    }
    std::vector<std::string> missing;
    auto info = product::MissingInformation(target->details);
    if (!info.empty()) missing.push_back(fmt::format("Description ({})", fmt::join(info, ", ")));
    if (ArraySize(target->details, "Versions") == 0) missing.push_back("Versions (AddDeliveryOptions)");
    if (ArraySize(target->details, "Dimensions") == 0) missing.push_back("Dimensions (AddDimensions)");
    if (!missing.empty()) {
      return {{"VALIDATION_FAILED", fmt::format("Provide {}", fmt::join(missing, "; "))}};
    }
    bj::object doc = target->details;
    product::Description(doc)["Visibility"] = "Limited";
    target->details = std::move(doc);

    std::string product_id = target->id;
    ctx.Defer([&ctx, product_id]() -> std::vector<ErrorDetail> {
      for (Entity* offer : ctx.OffersOf(product_id)) {
        if (IndexOf(*offer).state == "Released") return {};
      }
      return {{"VALIDATION_FAILED",
               "Provide a released public offer for the product (CreateOffer, UpdatePricingTerms, "
               "UpdateLegalTerms, UpdateSupportTerms and ReleaseOffer, in this change set or "
               "before it)"}};
    });
    return {};
  }

  std::string Describe(const bj::value&) const override { return "Release the product to Limited"; }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeReleaseProduct() { return std::make_unique<ReleaseProduct>(); }

}  // namespace amiplace
