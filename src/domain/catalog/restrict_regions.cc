// AmiProduct@1.0 RestrictRegions: {"Regions": [1..100 region codes]}. Stops offering the
// product in regions where it is available: each moves from RegionAvailability.Regions to
// RegionAvailability.Restrict. Existing subscribers keep using it there, as on AWS. Unknown
// codes and regions that are not available fail with INVALID_REGIONS; a product that has
// regions must keep at least one (INVALID_INPUT).
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/regions.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

class RestrictRegions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "RestrictRegions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    return validate::SingleStringListDocument(details, field, "Regions",
                                              {.min = 1, .max = 100, .unique = true},
                                              {.min = 1, .max = 64});
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    auto wanted = product::Strings(details.get_object().at("Regions").get_array());
    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::object& availability = product::Section(doc, "RegionAvailability");
    product::EnsureArrays(availability, {"Regions", "Restrict"});
    bj::array& available = availability.at("Regions").get_array();
    bj::array& restricted = availability.at("Restrict").get_array();

    std::vector<std::string> unknown, already, absent;
    for (const auto& region : wanted) {
      if (!regions::IsCommercial(region)) {
        unknown.push_back(region);
      } else if (product::Contains(restricted, region)) {
        already.push_back(region);
      } else if (!product::Contains(available, region)) {
        absent.push_back(region);
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
      errors.push_back({"INVALID_REGIONS",
                        fmt::format("Regions: {} {} already restricted", fmt::join(already, ", "),
                                    already.size() == 1 ? "is" : "are")});
    }
    if (!absent.empty()) {
      errors.push_back({"INVALID_REGIONS",
                        fmt::format("Regions: the product is not available in {}; only available "
                                    "regions can be restricted",
                                    fmt::join(absent, ", "))});
    }
    if (!errors.empty()) return errors;

    for (const auto& region : wanted) {
      product::Remove(available, region);
      product::AddUnique(restricted, region);
    }
    if (available.empty()) {
      return {{"INVALID_INPUT",
               "Regions: a product must stay available in at least one region; add another "
               "region before restricting the last one"}};
    }
    // Images: RestrictRegions keeps the marketplace AMIs there for existing subscribers (issue 3,
    // image layer)
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    return product::DescribeList("Restrict regions", details, "Regions");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeRestrictRegions() {
  return std::make_unique<RestrictRegions>();
}

}  // namespace amiplace
