// AmiProduct@1.0 AddRegions: {"Regions": [1..100 region codes]}. Makes the product available in
// more AWS commercial regions (RegionAvailability.Regions); a region restricted earlier becomes
// available again. Unknown codes and regions already available fail with INVALID_REGIONS.
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/delivery_options.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/regions.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

class AddRegions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "AddRegions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    return validate::SingleStringListDocument(details, field, "Regions",
                                              {.min = 1, .max = 100, .unique = true},
                                              {.min = 1, .max = 64});
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value& details,
                                 std::string*) const override {
    auto wanted = product::Strings(details.get_object().at("Regions").get_array());
    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::object& availability = product::Section(doc, "RegionAvailability");
    product::EnsureArrays(availability, {"Regions", "Restrict"});
    bj::array& available = availability.at("Regions").get_array();
    bj::array& restricted = availability.at("Restrict").get_array();

    std::vector<std::string> unknown, already;
    for (const auto& region : wanted) {
      if (!regions::IsCommercial(region)) {
        unknown.push_back(region);
      } else if (product::Contains(available, region)) {
        already.push_back(region);
      }
    }
    std::vector<ErrorDetail> errors;
    if (!unknown.empty()) {
      errors.push_back(
          {"INVALID_REGIONS",
           fmt::format("Regions: not an AWS commercial region code: {}; use codes such as "
                       "us-east-1",
                       fmt::join(unknown, ", "))});
    }
    if (!already.empty()) {
      errors.push_back(
          {"INVALID_REGIONS", fmt::format("Regions: the product is already available in {}",
                                          fmt::join(already, ", "))});
    }
    if (!errors.empty()) return errors;

    for (const auto& region : wanted) {
      available.emplace_back(region);
      product::Remove(restricted, region);
    }
    // The marketplace's copy of each version's AMI in each new region.
    std::string code = IndexOf(*target).product_code;
    for (const auto& image_id : delivery::VersionImages(doc)) {
      std::optional<Image> source = ctx.FindImage("us-east-1", image_id);
      if (!source) continue;
      for (const auto& region : wanted) delivery::CopyToRegion(ctx, *source, region, code);
    }
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    return product::DescribeList("Add regions", details, "Regions");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeAddRegions() { return std::make_unique<AddRegions>(); }

}  // namespace amiplace
