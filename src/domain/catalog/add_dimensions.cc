// AmiProduct@1.0 AddDimensions. The DetailsDocument is a JSON array:
//   [{"Key": ≤100 ^[A-Za-z0-9_.-]+$, "Name": ≤500, "Description": ≤1000, "Unit": ≤20,
//     "Types": [1..3 of Entitled | Metered | ExternallyMetered]}]
// Adds pricing dimensions to Dimensions[]. Hourly dimensions (Types ["Metered"]) are keyed by
// an instance type and counted in "Hrs"; the others use one of AWS's units.
// Async: INVALID_UNIT, INVALID_DIMENSION (a key used twice for one type, Metered with
// ExternallyMetered, a Metered key that is no instance type, more than 200 of one type).
#include <map>

#include "domain/catalog/change_handlers.h"
#include "domain/catalog/dimensions.h"
#include "domain/catalog/instance_types.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;
namespace dim = dimensions;

class AddDimensions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "AddDimensions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    return dim::ValidateList(
        details, field, {"Key", "Name", "Description", "Unit", "Types"},
        [](const bj::object& o, std::string_view name) -> Status {
          constexpr std::string_view kRule = "text that does not start with white space";
          AMIPLACE_RETURN_IF_ERROR(validate::String(
              o, "Name", name,
              {.min = 1, .max = 500, .pattern_name = kRule, .check = dim::StartsWithNonSpace},
              true));
          AMIPLACE_RETURN_IF_ERROR(validate::String(
              o, "Description", name,
              {.min = 1, .max = 1000, .pattern_name = kRule, .check = dim::StartsWithNonSpace},
              true));
          return validate::String(
              o, "Unit", name,
              {.min = 1, .max = 20, .pattern_name = kRule, .check = dim::StartsWithNonSpace}, true);
        });
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::array& dims = product::ArrayIn(doc, "Dimensions");
    std::vector<ErrorDetail> errors;
    for (const auto& item : details.get_array()) {
      const bj::object& in = item.get_object();
      std::string key = dim::KeyOf(in);
      dim::TypeSet types = dim::TypesOf(in);
      std::string unit(in.at("Unit").get_string());
      std::string label = fmt::format("Dimension {} ({})", key, dim::DescribeTypes(types));
      bool metered = types.count(dim::kMetered) > 0;
      size_t before = errors.size();

      if (metered && types.count(dim::kExternallyMetered)) {
        errors.push_back({"INVALID_DIMENSION",
                          fmt::format("{}: a dimension is either Metered (hourly, metered by AWS) "
                                      "or ExternallyMetered (reported by the seller), not both",
                                      label)});
      }
      if (metered && !instance_types::IsKnown(key)) {
        errors.push_back({"INVALID_DIMENSION",
                          fmt::format("{}: the Key of a Metered (hourly) dimension must be an EC2 "
                                      "instance type such as t2.micro",
                                      label)});
      }
      if (metered && unit != dim::kHourlyUnit) {
        errors.push_back(
            {"INVALID_UNIT", fmt::format("{}: the Unit of a Metered (hourly) dimension must be {} "
                                         "(got '{}')",
                                         label, dim::kHourlyUnit, unit)});
      } else if (!metered && !dim::IsUnit(unit)) {
        errors.push_back(
            {"INVALID_UNIT", fmt::format("{}: Unit '{}' is not supported; use one of: {}", label,
                                         unit, dim::UnitList())});
      }
      if (auto i = dim::FindOverlapping(dims, key, types)) {
        errors.push_back(
            {"INVALID_DIMENSION",
             fmt::format("{}: the product already has a dimension with Key {} and "
                         "Types {}",
                         label, key, dim::DescribeTypes(dim::TypesOf(dims[*i].get_object())))});
      }
      if (errors.size() != before) continue;
      bj::array out_types;
      for (const auto& t : in.at("Types").get_array()) out_types.push_back(t);
      dims.push_back(bj::object{{"Name", in.at("Name")},
                                {"Description", in.at("Description")},
                                {"Key", key},
                                {"Unit", unit},
                                {"Types", std::move(out_types)}});
    }

    std::map<std::string, size_t> per_type;
    for (const auto& d : dims) {
      if (!d.is_object()) continue;
      for (const auto& t : dim::TypesOf(d.get_object())) ++per_type[t];
    }
    for (const auto& [type, count] : per_type) {
      if (count > dim::kMaxPerType) {
        errors.push_back({"INVALID_DIMENSION",
                          fmt::format("Dimensions: a product may have at most {} {} dimensions; "
                                      "this change would make {}",
                                      dim::kMaxPerType, type, count)});
      }
    }
    if (!errors.empty()) return errors;
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    return dim::Describe(details, "Add dimensions");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeAddDimensions() { return std::make_unique<AddDimensions>(); }

}  // namespace amiplace
