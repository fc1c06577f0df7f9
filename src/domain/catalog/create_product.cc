// AmiProduct@1.0 CreateProduct: a new Draft product with its own product ID and a distinct
// product code. Details: {"ProductTitle"?: ≤72 characters}, may be {}.
#include "core/ids.h"
#include "domain/catalog/change_handlers.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/validation.h"

namespace amiplace {
namespace {

class CreateProduct final : public ChangeTypeHandler {
 public:
  std::string_view entity_type() const override { return kAmiProductType; }
  std::string_view change_type() const override { return "CreateProduct"; }
  bool creates_entity() const override { return true; }

  Status Validate(const boost::json::value& details, std::string_view field) const override {
    AMIPLACE_RETURN_IF_ERROR(validate::IsObject(details, field));
    const auto& o = details.get_object();
    AMIPLACE_RETURN_IF_ERROR(validate::KnownMembers(o, {"ProductTitle"}, field));
    return validate::String(o, "ProductTitle", field, {.min = 1, .max = 72});
  }

  std::vector<ErrorDetail> Apply(ApplyContext& ctx, Entity*, const boost::json::value& details,
                                 std::string* created_id) const override {
    if (ctx.owner().type != AccountType::kSeller) {
      return {{"INVALID_ACCOUNT", "Only seller accounts can create products"}};
    }
    Entity e;
    e.id = ids::NewProductId();
    e.type = std::string(kAmiProductType);
    e.owner_account_id = ctx.owner().account_id;
    e.details = product::NewDocument(ids::NewProductCode(), ctx.owner().name);
    if (const auto* t = details.get_object().if_contains("ProductTitle")) {
      product::Description(e.details)["ProductTitle"] = *t;
    }
    *created_id = e.id;
    ctx.AddEntity(std::move(e));
    return {};
  }

  std::string Describe(const boost::json::value& details) const override {
    const auto* t = details.is_object() ? details.get_object().if_contains("ProductTitle") : nullptr;
    return t && t->is_string() ? fmt::format("Create product '{}'", std::string_view(t->get_string()))
                               : "Create product";
  }
};

}  // namespace

std::unique_ptr<ChangeTypeHandler> MakeCreateProduct() { return std::make_unique<CreateProduct>(); }

}  // namespace amiplace
