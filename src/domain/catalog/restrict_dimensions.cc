// AmiProduct@1.0 RestrictDimensions. The DetailsDocument is a JSON array:
//   [{"Key": ≤100, "Types": [1..3]}]
// Key and Types name an active dimension (exactly its set of types). A restricted dimension
// leaves Dimensions[]: AWS's AmiProduct document has no list of restricted dimensions, so
// DescribeEntity shows only the active ones. Existing agreements keep their pricing.
// Async: INVALID_DIMENSION (no such active dimension — never added or already restricted —,
// only some of its types named, named twice, or the product's last Entitled dimension).
#include <set>

#include "domain/catalog/change_handlers.h"
#include "domain/catalog/dimensions.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;
namespace dim = dimensions;

size_t CountOfType(const bj::array& dims, std::string_view type) {
  size_t n = 0;
  for (const auto& d : dims) {
    if (d.is_object() && dim::TypesOf(d.get_object()).count(type)) ++n;
  }
  return n;
}

class RestrictDimensions final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "RestrictDimensions"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    return dim::ValidateList(details, field, {"Key", "Types"}, nullptr);
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    bj::array& dims = product::ArrayIn(doc, "Dimensions");
    const size_t entitled_before = CountOfType(dims, dim::kEntitled);
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
      if (auto i = dim::Find(dims, key, types)) {
        dims.erase(dims.begin() + static_cast<std::ptrdiff_t>(*i));
        continue;
      }
      if (auto i = dim::FindOverlapping(dims, key, types)) {
        errors.push_back(
            {"INVALID_DIMENSION",
             fmt::format("{}: the dimension with Key {} has Types {}; restrict it "
                         "with all of its types",
                         label, key, dim::DescribeTypes(dim::TypesOf(dims[*i].get_object())))});
        continue;
      }
      errors.push_back({"INVALID_DIMENSION",
                        fmt::format("{}: the product has no active dimension with this Key and "
                                    "these Types (it was never added or is already restricted)",
                                    label)});
    }
    if (errors.empty() && entitled_before > 0 && CountOfType(dims, dim::kEntitled) == 0) {
      errors.push_back({"INVALID_DIMENSION",
                        "Dimensions: the product's last Entitled dimension cannot be restricted; "
                        "add another Entitled dimension first"});
    }
    if (!errors.empty()) return errors;
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    return dim::Describe(details, "Restrict dimensions");
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeRestrictDimensions() {
  return std::make_unique<RestrictDimensions>();
}

}  // namespace amiplace
