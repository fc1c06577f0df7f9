// AmiProduct@1.0 UpdateDeliveryOptions — the seed's "update version information": a version's
// release notes and its delivery option's usage instructions, access endpoint, recommended
// instance type and security groups. The image of a version never changes.
// {"Version"?: {"ReleaseNotes"*}, "DeliveryOptions"?: [1] {"Id"*, "Details"?: {AmiDeliveryOptionDetails}}}
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/delivery_options.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

class UpdateDeliveryOptions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "UpdateDeliveryOptions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"Version", "DeliveryOptions"}, field));
    AMIPLACE_RETURN_IF_ERROR(validate::AnyOf(o, {"Version", "DeliveryOptions"}, field));
    if (const auto* v = o.if_contains("Version")) {
      std::string vf = validate::Join(field, "Version");
      AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*v, vf));
      AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(v->get_object(), {"ReleaseNotes"}, vf));
      AMIPLACE_RETURN_IF_ERROR(validate::String(v->get_object(), "ReleaseNotes", vf, {.min = 1, .max = 30000}, true));
    }
    const bj::array* options = nullptr;
    AMIPLACE_RETURN_IF_ERROR(validate::Array(o, "DeliveryOptions", field, {.min = 1, .max = 1}, &options));
    if (options != nullptr) {
      std::string of = fmt::format("{}.DeliveryOptions[0]", field);
      AMIPLACE_RETURN_IF_ERROR(validate::IsObject((*options)[0], of));
      const auto& option = (*options)[0].get_object();
      AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(option, {"Id", "Details", "DetailsDocument"}, of));
      AMIPLACE_RETURN_IF_ERROR(validate::String(option, "Id", of, {.min = 1, .max = 36}, true));
      if (const bj::object* d = delivery::OptionDetails(option)) {
        std::string df = validate::Join(of, option.contains("Details") ? "Details" : "DetailsDocument");
        AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(*d, {"AmiDeliveryOptionDetails"}, df));
        if (const auto* ami = d->if_contains("AmiDeliveryOptionDetails")) {
          AMIPLACE_RETURN_IF_ERROR(delivery::ValidateAmiDetails(
              *ami, validate::Join(df, "AmiDeliveryOptionDetails"), true));
        }
      }
    }
    return Status::Ok();
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& in = details.get_object();
    const auto* options = in.if_contains("DeliveryOptions");
    if (options == nullptr) {
      return {{"MISSING_DELIVERY_OPTION_IDS",
               "DeliveryOptions: name the delivery option (its Id) whose version to update"}};
    }
    const auto& option_in = options->get_array()[0].get_object();
    std::string id(option_in.at("Id").get_string());
    bj::object doc = target->details;
    bj::object* version = nullptr;
    bj::object* option = nullptr;
    for (auto& v : product::ArrayIn(doc, "Versions")) {
      if (!v.is_object()) continue;
      for (auto& d : product::ArrayIn(v.get_object(), "DeliveryOptions")) {
        const auto* did = d.is_object() ? d.get_object().if_contains("Id") : nullptr;
        if (did && did->is_string() && did->get_string() == id) {
          version = &v.get_object();
          option = &d.get_object();
        }
      }
    }
    if (option == nullptr) {
      return {{"INVALID_DELIVERY_OPTION_IDS",
               fmt::format("DeliveryOptions[0].Id: the product has no delivery option {}", id)}};
    }
    if (const bj::object* d = delivery::OptionDetails(option_in)) {
      if (const auto* ami = d->if_contains("AmiDeliveryOptionDetails")) {
        auto errors = delivery::CheckAmiDetails(ami->get_object());
        if (!errors.empty()) return errors;
        delivery::ApplyAmiDetails(ami->get_object(), *option);
      }
    }
    if (const auto* v = in.if_contains("Version")) (*version)["ReleaseNotes"] = v->get_object().at("ReleaseNotes");
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value&) const override { return "Update version information"; }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateDeliveryOptions() {
  return std::make_unique<UpdateDeliveryOptions>();
}

}  // namespace amiplace
