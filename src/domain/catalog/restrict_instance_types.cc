// AmiProduct@1.0 RestrictInstanceTypes: {"InstanceTypes": [1..1500 unique, each 1..24
// ^[A-Za-z0-9_.-]+$]}. Stops offering the product on instance types: each moves from
// Compatibility.AvailableInstanceTypes to RestrictedInstanceTypes, in the product and in every
// version's AMI source. Existing subscribers' running instances are not touched, as on AWS.
// Async: INVALID_INSTANCE_TYPES (not an EC2 instance type amiplace knows),
// DUPLICATE_INSTANCE_TYPE (already restricted), UNAVAILABLE_INSTANCE_TYPE (never offered),
// RECOMMENDED_INSTANCE_TYPE_RESTRICTED (a delivery option still recommends it),
// REGION_NO_INSTANCES (the product's regions would have no instance type left), and — checked
// once the whole change set has applied, so that RestrictDimensions may come after it —
// DIMENSIONS_NOT_RESTICTED (sic, AWS's spelling) while a Metered dimension prices the type.
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/dimensions.h"
#include "domain/catalog/instance_types.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

std::string_view Verb(size_t n) { return n == 1 ? "is" : "are"; }

class RestrictInstanceTypes final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "RestrictInstanceTypes"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    return validate::SingleStringListDocument(
        details, field, "InstanceTypes", {.min = 1, .max = 1500, .unique = true},
        {.min = 1, .max = 24, .pattern_name = "letters, digits, '_', '.' or '-'",
         .check = instance_types::IsWellFormed});
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value& details,
                                 std::string*) const override {
    auto wanted = product::Strings(details.get_object().at("InstanceTypes").get_array());
    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::object& compat = product::Section(doc, "Compatibility");
    product::EnsureArrays(compat, {"AvailableInstanceTypes", "RestrictedInstanceTypes"});
    bj::array& available = compat.at("AvailableInstanceTypes").get_array();
    bj::array& restricted = compat.at("RestrictedInstanceTypes").get_array();
    auto recommended = product::RecommendedInstanceTypes(doc);

    std::vector<std::string> unknown, duplicate, unavailable, in_use;
    for (const auto& type : wanted) {
      if (!instance_types::IsKnown(type)) {
        unknown.push_back(type);
      } else if (product::Contains(restricted, type)) {
        duplicate.push_back(type);
      } else if (!product::Contains(available, type)) {
        unavailable.push_back(type);
      } else if (recommended.count(type)) {
        in_use.push_back(type);
      }
    }
    std::vector<ErrorDetail> errors;
    if (!unknown.empty()) {
      errors.push_back({"INVALID_INSTANCE_TYPES",
                        fmt::format("InstanceTypes: not an EC2 instance type AWS Marketplace "
                                    "supports: {}",
                                    fmt::join(unknown, ", "))});
    }
    if (!duplicate.empty()) {
      errors.push_back({"DUPLICATE_INSTANCE_TYPE",
                        fmt::format("InstanceTypes: {} {} already restricted",
                                    fmt::join(duplicate, ", "), Verb(duplicate.size()))});
    }
    if (!unavailable.empty()) {
      errors.push_back({"UNAVAILABLE_INSTANCE_TYPE",
                        fmt::format("InstanceTypes: the product does not offer {}; only available "
                                    "instance types can be restricted",
                                    fmt::join(unavailable, ", "))});
    }
    if (!in_use.empty()) {
      errors.push_back({"RECOMMENDED_INSTANCE_TYPE_RESTRICTED",
                        fmt::format("InstanceTypes: {} {} the recommended instance type of a "
                                    "version; change the recommendation with "
                                    "UpdateDeliveryOptions first",
                                    fmt::join(in_use, ", "), Verb(in_use.size()))});
    }
    if (!errors.empty()) return errors;

    for (const auto& type : wanted) {
      product::Remove(available, type);
      product::AddUnique(restricted, type);
      for (bj::object* source : product::AmiSources(doc)) {
        bj::value* sc = source->if_contains("Compatibility");
        if (sc == nullptr || !sc->is_object()) continue;
        bj::object& c = sc->get_object();
        if (!product::Contains(product::ArrayOf(c, "AvailableInstanceTypes"), type)) continue;
        product::EnsureArrays(c, {"AvailableInstanceTypes", "RestrictedInstanceTypes"});
        product::Remove(c.at("AvailableInstanceTypes").get_array(), type);
        product::AddUnique(c.at("RestrictedInstanceTypes").get_array(), type);
      }
    }
    if (available.empty() &&
        !product::ArrayOf(product::ObjectOf(doc, "RegionAvailability"), "Regions").empty()) {
      return {{"REGION_NO_INSTANCES",
               "InstanceTypes: the product's regions would have no instance type left; add "
               "another instance type before restricting the last one"}};
    }
    target->details = std::move(doc);

    // Buyers are billed per hour of each Metered dimension: its dimension must go too.
    ctx.Defer([&ctx, id = target->id, wanted]() -> std::vector<ErrorDetail> {
      const Entity* entity = ctx.FindEntity(id);
      if (entity == nullptr) return {};
      const bj::object& doc = entity->details;
      const bj::array& now_restricted =
          product::ArrayOf(product::ObjectOf(doc, "Compatibility"), "RestrictedInstanceTypes");
      std::vector<std::string> priced;
      for (const auto& type : wanted) {
        if (product::Contains(now_restricted, type) && dimensions::HasMeteredFor(doc, type)) {
          priced.push_back(type);
        }
      }
      if (priced.empty()) return {};
      return {{"DIMENSIONS_NOT_RESTICTED",
               fmt::format("InstanceTypes: {} {} still priced by a Metered dimension; restrict "
                           "the dimension with RestrictDimensions in the same change set",
                           fmt::join(priced, ", "), Verb(priced.size()))}};
    });
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    return product::DescribeList("Restrict instance types", details, "InstanceTypes");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeRestrictInstanceTypes() {
  return std::make_unique<RestrictInstanceTypes>();
}

}  // namespace amiplace
