// Offer@1.0 CreateOffer: a Draft offer for one of the caller's products.
// Details: {"ProductId"*: 1..50, no \ < >; "Name"?: 1..150; "OfferSetId"?}. ProductId may be
// "$ChangeName.Entity.Identifier" of a CreateProduct in the same change set.
#include "core/ids.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

namespace bj = boost::json;

bool NoForbiddenChars(std::string_view s) { return s.find_first_of("\\<>") == std::string_view::npos; }

class CreateOffer final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kOfferType; }
  std::string_view change_type() const override { return "CreateOffer"; }
  bool creates_entity() const override { return true; }

  Status Validate(const bj::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"ProductId", "Name", "OfferSetId"}, field));
    AMIPLACE_RETURN_IF_ERROR(validate::String(
        o, "ProductId", field,
        {.min = 1, .max = 50, .pattern_name = "free of \\ < >", .check = NoForbiddenChars}, true));
    AMIPLACE_RETURN_IF_ERROR(validate::String(o, "Name", field, {.min = 1, .max = 150}));
    return validate::String(o, "OfferSetId", field, {.min = 1, .max = 255});
  }

  std::vector<std::string> ReferencedEntityIds(const bj::value& details) const override {
    const auto* p = details.get_object().if_contains("ProductId");
    if (p == nullptr || !p->is_string() || ReferencedChangeName(p->get_string())) return {};
    return {std::string(p->get_string())};
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity*, const bj::value& details,
                                 std::string* created_id) const override {
    const auto& in = details.get_object();
    std::string product_id(in.at("ProductId").get_string());
    Entity* product = ctx.FindEntity(product_id);
    if (product == nullptr || product->owner_account_id != ctx.owner().account_id) {
      return {{"INVALID_PRODUCT_ID", fmt::format("ProductId: product {} was not found", product_id)}};
    }
    if (product->type != kAmiProductType) {
      return {{"INCOMPATIBLE_PRODUCT",
               fmt::format("ProductId: {} is not a product that offers can be created for", product_id)}};
    }
    Entity e;
    e.id = ids::NewOfferId();
    e.type = std::string(kOfferType);
    e.owner_account_id = ctx.owner().account_id;
    e.details = bj::object{{"Id", e.id},
                           {"State", "Draft"},
                           {"Name", in.contains("Name") ? in.at("Name") : bj::value(nullptr)},
                           {"Description", nullptr},
                           {"PreExistingAgreement", nullptr},
                           {"ProductId", product_id},
                           {"OfferSetId", in.contains("OfferSetId") ? in.at("OfferSetId") : bj::value(nullptr)},
                           {"MarkupPercentage", nullptr},
                           {"Terms", bj::array()},
                           {"Rules", bj::array()}};
    *created_id = e.id;
    ctx.AddEntity(std::move(e));
    return {};
  }

  std::string Describe(const bj::value& details) const override {
    const auto* p = details.is_object() ? details.get_object().if_contains("ProductId") : nullptr;
    return p && p->is_string() ? fmt::format("Create an offer for {}", std::string_view(p->get_string()))
                               : "Create an offer";
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeCreateOffer() { return std::make_unique<CreateOffer>(); }

}  // namespace amiplace
