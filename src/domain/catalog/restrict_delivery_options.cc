// AmiProduct@1.0 RestrictDeliveryOptions: {"DeliveryOptionIds"*: [1..50]}. Restricting all of a
// version's delivery options restricts the version: new buyers can no longer choose it, while
// buyers entitled before keep using it (the restriction's date, kept on the option as
// amiplace's "RestrictionDate", tells who was). The last available version cannot be restricted.
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

class RestrictDeliveryOptions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "RestrictDeliveryOptions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    return validate::SingleStringListDocument(details, field, "DeliveryOptionIds",
                                              {.min = 1, .max = 50, .unique = true},
                                              {.min = 1, .max = 36});
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value& details,
                                 std::string*) const override {
    bj::object doc = target->details;
    std::vector<ErrorDetail> errors;
    std::vector<std::string> restricted_sources;
    for (const auto& idv : details.get_object().at("DeliveryOptionIds").get_array()) {
      std::string_view id = idv.get_string();
      bj::object* found = nullptr;
      for (auto& v : product::ArrayIn(doc, "Versions")) {
        if (!v.is_object()) continue;
        for (auto& d : product::ArrayIn(v.get_object(), "DeliveryOptions")) {
          const auto* did = d.is_object() ? d.get_object().if_contains("Id") : nullptr;
          if (did && did->is_string() && did->get_string() == id) {
            found = &d.get_object();
          }
        }
      }
      if (found == nullptr) {
        errors.push_back({"INVALID_DELIVERY_OPTION_IDS",
                          fmt::format("DeliveryOptionIds: the product has no delivery option {}", id)});
      } else if (const auto* vis = found->if_contains("Visibility"); vis && vis->is_string() && vis->get_string() == "Restricted") {
        errors.push_back({"INVALID_DELIVERY_OPTION",
                          fmt::format("DeliveryOptionIds: delivery option {} is already restricted", id)});
      } else {
        (*found)["Visibility"] = "Restricted";
        (*found)["RestrictionDate"] = FormatIso8601Millis(ctx.now());
        restricted_sources.push_back(found->contains("SourceId") && found->at("SourceId").is_string()
                                         ? std::string(found->at("SourceId").get_string())
                                         : std::string());
      }
    }
    if (!errors.empty()) return errors;
    bool any_available = false;
    for (const auto& v : product::ArrayOf(doc, "Versions")) {
      if (!v.is_object()) continue;
      for (const auto& d : product::ArrayOf(v.get_object(), "DeliveryOptions")) {
        const auto* vis = d.is_object() ? d.get_object().if_contains("Visibility") : nullptr;
        if (d.is_object() && !(vis && vis->is_string() && vis->get_string() == "Restricted")) {
          any_available = true;
        }
      }
    }
    if (!any_available) {
      return {{"ALL_DELIVERY_OPTIONS_RESTRICTED",
               "DeliveryOptionIds: the product's last available version cannot be restricted; add "
               "a new version first, or restrict the product with UpdateVisibility"}};
    }
    // The marketplace deprecates the restricted versions' AMIs, in every region; they keep
    // launching for buyers entitled before.
    std::string code = IndexOf(*target).product_code;
    std::vector<std::string> regions = product::Strings(
        product::ArrayOf(product::ObjectOf(doc, "RegionAvailability"), "Regions"));
    if (std::find(regions.begin(), regions.end(), "us-east-1") == regions.end()) regions.push_back("us-east-1");
    for (const auto& v : product::ArrayOf(doc, "Versions")) {
      if (!v.is_object()) continue;
      for (const auto& s : product::ArrayOf(v.get_object(), "Sources")) {
        const auto* sid = s.is_object() ? s.get_object().if_contains("Id") : nullptr;
        const auto* img = s.is_object() ? s.get_object().if_contains("Image") : nullptr;
        if (!sid || !img || !sid->is_string() || !img->is_string()) continue;
        if (std::find(restricted_sources.begin(), restricted_sources.end(), sid->get_string()) ==
            restricted_sources.end()) {
          continue;
        }
        std::string ami(img->get_string());
        for (const auto& region : regions) {
          for (Image image : ctx.ImagesWithProductCode(region, code)) {
            if (image.image_id != ami && image.source_image_id != ami) continue;
            image.deprecation_time = FormatIso8601Millis(ctx.now());
            ctx.AddImage(std::move(image));
          }
        }
      }
    }
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value&) const override { return "Restrict versions"; }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeRestrictDeliveryOptions() {
  return std::make_unique<RestrictDeliveryOptions>();
}

}  // namespace amiplace
