// AmiProduct@1.0 UpdateVisibility: {"TargetVisibility"*: Public|Limited|Restricted,
// "ReplacementProductId"?: only with Restricted}. Alone in its change set; applied only after
// the marketplace operators approve it. Allowed: →Public from Limited or Restricted; →Limited
// from Public or Restricted; →Restricted from Public or Limited. Restricting is also how a
// product is removed (the seed's step 8): existing subscribers keep using it.
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

bool IsTarget(std::string_view v) { return v == "Public" || v == "Limited" || v == "Restricted"; }

class UpdateVisibility final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "UpdateVisibility"; }
  bool requires_own_change_set() const override { return true; }
  bool requires_review() const override { return true; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(
        validate::KnownMembers(o, {"TargetVisibility", "ReplacementProductId"}, field));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        o, "TargetVisibility", field,
        {.pattern_name = "one of Public, Limited, Restricted", .check = IsTarget}, true));
    return validate::String(o, "ReplacementProductId", field, {.min = 1, .max = 255});
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity* target, const bj::value& details,
                                 std::string*) const override {
    const auto& in = details.get_object();
    std::string to(in.at("TargetVisibility").get_string());
    std::string from = IndexOf(*target).visibility;
    if (from == "Draft") {
      return {{"INVALID_PRODUCT_STATE",
               "The product is in Draft; release it to Limited with ReleaseProduct first"}};
    }
    if (from == to) {
      return {{"INVALID_TARGET_VISIBILITY", fmt::format("The product is already {}", to)}};
    }
    bool allowed = (to == "Public" && (from == "Limited" || from == "Restricted")) ||
                   (to == "Limited" && (from == "Public" || from == "Restricted")) ||
                   (to == "Restricted" && (from == "Public" || from == "Limited"));
    if (!allowed) {
      return {{"INVALID_TARGET_VISIBILITY",
               fmt::format("A {} product cannot be made {}", from, to)}};
    }
    bj::value replacement = nullptr;
    if (const auto* r = in.if_contains("ReplacementProductId")) {
      if (to != "Restricted") {
        return {{"INVALID_REPLACEMENT_PRODUCT_ID",
                 "ReplacementProductId: a replacement is named only when restricting a product"}};
      }
      std::string id(r->get_string());
      Entity* other = ctx.FindEntity(id);
      std::string other_visibility = other ? IndexOf(*other).visibility : "";
      if (other == nullptr || other->owner_account_id != ctx.owner().account_id ||
          other->type != kAmiProductType || id == target->id ||
          (other_visibility != "Limited" && other_visibility != "Public")) {
        return {{"INVALID_REPLACEMENT_PRODUCT_ID",
                 fmt::format("ReplacementProductId: {} is not another Limited or Public product of "
                             "yours", id)}};
      }
      replacement = *r;
    }
    bj::object doc = target->details;
    auto& d = product::Description(doc);
    d["Visibility"] = to;
    if (to == "Restricted") d["ReplacementProductId"] = replacement;
    target->details = std::move(doc);
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    const auto* t = details.is_object() ? details.get_object().if_contains("TargetVisibility") : nullptr;
    return t && t->is_string()
               ? fmt::format("Change visibility to {}", std::string_view(t->get_string()))
               : "Change visibility";
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeUpdateVisibility() {
  return std::make_unique<UpdateVisibility>();
}

}  // namespace amiplace
