// Offer@1.0 UpdateInformation: {"Name"?: 1..150, "Description"?: 1..255,
// "PreExistingAgreement"?: null | {"AcquisitionChannel": AwsMarketplace|External,
// "PricingModel": Byol|Free|Usage|Contract}}; at least one field.
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

bool IsChannel(std::string_view s) { return s == "AwsMarketplace" || s == "External"; }
bool IsPricingModel(std::string_view s) {
  return s == "Byol" || s == "Free" || s == "Usage" || s == "Contract";
}

class UpdateOfferInformation final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "UpdateInformation"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(
        validate::KnownMembers(o, {"Name", "Description", "PreExistingAgreement"}, field));
    AMIPLACE_RETURN_IF_ERROR(validate::AnyOf(o, {"Name", "Description", "PreExistingAgreement"}, field));
    AMIPLACE_RETURN_IF_ERROR(validate::String(o, "Name", field, {.min = 1, .max = 150}));
    AMIPLACE_RETURN_IF_ERROR(validate::String(o, "Description", field, {.min = 1, .max = 255}));
    if (const auto* pea = o.if_contains("PreExistingAgreement"); pea && !pea->is_null()) {
      std::string f = validate::Join(field, "PreExistingAgreement");
      AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*pea, f));
      const auto& p = pea->get_object();
      AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(p, {"AcquisitionChannel", "PricingModel"}, f));
      AMIPLACE_RETURN_IF_ERROR(validate::String(
          p, "AcquisitionChannel", f,
          {.pattern_name = "one of AwsMarketplace, External", .check = IsChannel}, true));
      AMIPLACE_RETURN_IF_ERROR(validate::String(
          p, "PricingModel", f,
          {.pattern_name = "one of Byol, Free, Usage, Contract", .check = IsPricingModel}, true));
    }
    return Status::Ok();
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    for (const auto& kv : details.get_object()) target->details[kv.key()] = kv.value();
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    std::vector<std::string> keys;
    if (details.is_object()) {
      for (const auto& kv : details.get_object()) keys.emplace_back(kv.key());
    }
    return fmt::format("Update offer information: {}", fmt::join(keys, ", "));
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateOfferInformation() {
  return std::make_unique<UpdateOfferInformation>();
}

}  // namespace amiplace
