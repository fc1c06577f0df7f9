// AmiProduct@1.0 AddInstanceTypes: {"InstanceTypes": [1..1500 unique, each 1..24
// ^[A-Za-z0-9_.-]+$]}. Offers the product on more EC2 instance types: each joins
// Compatibility.AvailableInstanceTypes (leaving RestrictedInstanceTypes if it was restricted)
// and the Compatibility of every version's AMI source of the same architecture.
// Async: INVALID_INSTANCE_TYPES (not an EC2 instance type amiplace knows),
// DUPLICATE_INSTANCE_TYPE (already available), INVALID_AMI_ARCHITECTURE (no version's AMI can
// boot it), and — checked once the whole change set has applied, so that AddDimensions may come
// after it — MISSING_DIMENSIONS when the product has hourly (Metered) dimensions but none for an
// added type.
#include <set>

#include "domain/catalog/change_handlers.h"
#include "domain/catalog/dimensions.h"
#include "domain/catalog/instance_types.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

// The architecture of an AMI source, if it names one amiplace knows.
std::optional<instance_types::Architecture> SourceArchitecture(const bj::object& source) {
  const bj::value* a = source.if_contains("Architecture");
  if (a == nullptr || !a->is_string()) return std::nullopt;
  return instance_types::ParseArchitecture(a->get_string());
}

class AddInstanceTypes final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "AddInstanceTypes"; }

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
    std::vector<bj::object*> sources = product::AmiSources(doc);
    std::set<instance_types::Architecture> source_archs;
    for (const bj::object* s : sources) {
      if (auto a = SourceArchitecture(*s)) source_archs.insert(*a);
    }

    std::vector<std::string> unknown, duplicate, incompatible;
    for (const auto& type : wanted) {
      auto arch = instance_types::ArchitectureOf(type);
      if (!arch) {
        unknown.push_back(type);
      } else if (product::Contains(available, type)) {
        duplicate.push_back(type);
      } else if (!source_archs.empty() && !source_archs.count(*arch)) {
        incompatible.push_back(
            fmt::format("{} ({})", type, instance_types::ArchitectureName(*arch)));
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
      errors.push_back(
          {"DUPLICATE_INSTANCE_TYPE", fmt::format("InstanceTypes: the product already offers {}",
                                                  fmt::join(duplicate, ", "))});
    }
    if (!incompatible.empty()) {
      std::vector<std::string_view> names;
      for (auto a : source_archs) names.push_back(instance_types::ArchitectureName(a));
      errors.push_back({"INVALID_AMI_ARCHITECTURE",
                        fmt::format("InstanceTypes: {} cannot run the product's AMIs, which are "
                                    "{}",
                                    fmt::join(incompatible, ", "), fmt::join(names, ", "))});
    }
    if (!errors.empty()) return errors;

    for (const auto& type : wanted) {
      product::AddUnique(available, type);
      product::Remove(restricted, type);
      auto arch = instance_types::ArchitectureOf(type);
      for (bj::object* source : sources) {
        auto source_arch = SourceArchitecture(*source);
        if (source_arch && source_arch != arch) continue;
        bj::object& sc = product::Section(*source, "Compatibility");
        product::AddUnique(product::ArrayIn(sc, "AvailableInstanceTypes"), type);
        product::Remove(product::ArrayIn(sc, "RestrictedInstanceTypes"), type);
      }
    }
    target->details = std::move(doc);

    // Hourly products price every instance type; AddDimensions may follow later in the set.
    ctx.Defer([&ctx, id = target->id, wanted]() -> std::vector<ErrorDetail> {
      const Entity* entity = ctx.FindEntity(id);
      if (entity == nullptr || !dimensions::HasMetered(entity->details)) return {};
      const bj::object& doc = entity->details;
      const bj::array& offered =
          product::ArrayOf(product::ObjectOf(doc, "Compatibility"), "AvailableInstanceTypes");
      std::vector<std::string> missing;
      for (const auto& type : wanted) {
        if (product::Contains(offered, type) && !dimensions::HasMeteredFor(doc, type)) {
          missing.push_back(type);
        }
      }
      if (missing.empty()) return {};
      return {{"MISSING_DIMENSIONS",
               fmt::format("InstanceTypes: the product is priced by the hour, and {} {} no Metered "
                           "dimension; add one for each with AddDimensions (Key the instance "
                           "type, Types [\"Metered\"], Unit \"Hrs\")",
                           fmt::join(missing, ", "), missing.size() == 1 ? "has" : "have")}};
    });
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    return product::DescribeList("Add instance types", details, "InstanceTypes");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeAddInstanceTypes() {
  return std::make_unique<AddInstanceTypes>();
}

}  // namespace amiplace
