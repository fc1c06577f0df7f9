// AmiProduct@1.0 UpdateFutureRegionSupport:
//   {"FutureRegionSupport": {"SupportedRegions": ["All" | "US" | "None"]}}
// Whether the product joins regions AWS launches later: all of them, only those in the United
// States, or none. Stored as RegionAvailability.FutureRegionSupport with the value as given
// ("All", "US", "None"; null until first set), the way DescribeEntity shows it on AWS. The
// list's shape is checked synchronously; its contents asynchronously with AWS's codes:
// INVALID_INPUT when empty, TOO_MANY_REGIONS for more than one value, INVALID_REGIONS for a
// value other than the three.
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/product_lists.h"
#include "domain/catalog/regions.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

class UpdateFutureRegionSupport final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "UpdateFutureRegionSupport"; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"FutureRegionSupport"}, field));
    std::string name = validate::Join(field, "FutureRegionSupport");
    const bj::value* frs = o.if_contains("FutureRegionSupport");
    if (frs == nullptr) return ValidationError(fmt::format("{}: is required", name));
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(*frs, name));
    const auto& f = frs->get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(f, {"SupportedRegions"}, name));
    return validate::StringList(f, "SupportedRegions", name, {.max = 100}, {.max = 64}, true);
  }

  std::vector<ErrorDetail> Apply(ApplyContext&, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& list = details.get_object()
                           .at("FutureRegionSupport")
                           .get_object()
                           .at("SupportedRegions")
                           .get_array();
    auto values = product::Strings(list);
    if (values.empty()) {
      return {{"INVALID_INPUT",
               "FutureRegionSupport.SupportedRegions: provide one of All, US or None"}};
    }
    if (values.size() > 1) {
      return {
          {"TOO_MANY_REGIONS",
           fmt::format("FutureRegionSupport.SupportedRegions: provide exactly one of All, US or "
                       "None (got {})",
                       values.size())}};
    }
    if (!regions::IsFutureRegionGroup(values[0])) {
      return {{"INVALID_REGIONS",
               fmt::format("FutureRegionSupport.SupportedRegions: '{}' is not one of All, US or "
                           "None",
                           values[0])}};
    }
    bj::object doc = target->details;  // work on a copy: the entity changes only on success
    product::Section(doc, "RegionAvailability")["FutureRegionSupport"] = values[0];
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    std::vector<std::string> values;
    if (details.is_object()) {
      if (const auto* f = details.get_object().if_contains("FutureRegionSupport");
          f && f->is_object()) {
        if (const auto* s = f->get_object().if_contains("SupportedRegions"); s && s->is_array()) {
          values = product::Strings(s->get_array());
        }
      }
    }
    return fmt::format("Update future region support: {}", fmt::join(values, ", "));
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateFutureRegionSupport() {
  return std::make_unique<UpdateFutureRegionSupport>();
}

}  // namespace amiplace
