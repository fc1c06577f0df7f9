// AmiProduct@1.0 UpdateDimensions. The DetailsDocument is a JSON array:
//   [{"Key": …, "Types": […], "Name"?: ≤500, "Description"?: ≤1000}]
// Key and Types name an existing dimension (exactly its set of types); Name and Description
// replace its own. Metered (hourly) dimensions are named after their instance type and cannot
// be updated. Async: INVALID_DIMENSION.
#include <set>

#include "domain/catalog/change_handlers.h"
#include "domain/catalog/dimensions.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;
namespace dim = dimensions;

class UpdateDimensions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "UpdateDimensions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    return dim::ValidateList(
        details, field, {"Key", "Types", "Name", "Description"},
        [](const bj::object& o, std::string_view name) -> Status {
          constexpr std::string_view kRule = "text that does not start with white space";
          AMIPLACE_RETURN_IF_ERROR(validate::AnyOf(o, {"Name", "Description"}, name));
          AMIPLACE_RETURN_IF_ERROR(validate::String(
              o, "Name", name,
              {.min = 1, .max = 500, .pattern_name = kRule, .check = dim::StartsWithNonSpace}));
          return validate::String(
              o, "Description", name,
              {.min = 1, .max = 1000, .pattern_name = kRule, .check = dim::StartsWithNonSpace});
        });
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::array& dims = product::ArrayIn(doc, "Dimensions");
    std::vector<ErrorDetail> errors;
    std::set<std::pair<std::string, dim::TypeSet>> seen;
    for (const auto& item : details.get_array()) {
      const bj::object& in = item.get_object();
      std::string key = dim::KeyOf(in);
      dim::TypeSet types = dim::TypesOf(in);
      std::string label = fmt::format("Dimension {} ({})", key, dim::DescribeTypes(types));
      if (!seen.emplace(key, types).second) {
        errors.push_back(
            {"INVALID_DIMENSION", fmt::format("{}: appears more than once in the change", label)});
        continue;
      }
      auto i = dim::Find(dims, key, types);
      if (!i) {
        errors.push_back({"INVALID_DIMENSION",
                          fmt::format("{}: the product has no active dimension with this Key and "
                                      "these Types",
                                      label)});
        continue;
      }
      if (types.count(dim::kMetered)) {
        errors.push_back(
            {"INVALID_DIMENSION", fmt::format("{}: Metered dimensions cannot be updated", label)});
        continue;
      }
      bj::object& d = dims[*i].get_object();
      if (const auto* name = in.if_contains("Name")) d["Name"] = *name;
      if (const auto* description = in.if_contains("Description")) d["Description"] = *description;
    }
    if (!errors.empty()) return errors;
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    return dim::Describe(details, "Update dimensions");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateDimensions() {
  return std::make_unique<UpdateDimensions>();
}

}  // namespace amiplace
