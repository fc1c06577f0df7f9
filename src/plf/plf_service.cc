#include "plf/plf_service.h"

#include <regex>

#include <fmt/format.h>

#include "plf/form_diff.h"
#include "plf/xlsx_writer.h"

namespace amiplace::plf {

Status PlfService::CheckSeller(const Caller& caller) const {
  if (caller.account.type != AccountType::kSeller) {
    return AccessDeniedError(fmt::format(
        "Account {} is a {} account; Product Load Forms are for seller accounts",
        caller.account.account_id, AccountTypeName(caller.account.type)));
  }
  return Status::Ok();
}

Result<std::string> PlfService::Blank(const Caller& caller, std::string_view product_type) {
  AMIPLACE_RETURN_IF_ERROR(CheckSeller(caller));
  if (product_type != "ami") {
    return ValidationError(fmt::format(
        "product-type: '{}' is not a product type with a form; the only one is ami", product_type));
  }
  return WriteXlsx(FormToWorkbook(ProductForm{}));
}

Result<std::optional<Entity>> PlfService::PublicOffer(const Caller& caller,
                                                      const std::string& product_id) {
  ListEntitiesRequest req;
  req.entity_type = std::string(kOfferType);
  req.filters.push_back({EntityFilter::Field::kProductId, {product_id}, "", {}});
  req.max_results = 50;
  std::optional<Entity> draft;
  for (;;) {
    AMIPLACE_ASSIGN_OR_RETURN(Page<Entity> page, catalog_.ListEntities(caller, req));
    // The caller's own entities, documents included.
    for (Entity& offer : page.items) {
      if (!IsPublicOfferCandidate(offer, product_id)) continue;
      const auto* state = offer.details.if_contains("State");
      if (state && state->is_string() && state->get_string() == "Released") {
        return std::optional<Entity>(std::move(offer));
      }
      if (!draft) draft = std::move(offer);
    }
    if (page.next_token.empty()) break;
    req.next_token = page.next_token;
  }
  return draft;
}

Result<std::string> PlfService::Export(const Caller& caller, std::string_view product_id) {
  AMIPLACE_RETURN_IF_ERROR(CheckSeller(caller));
  AMIPLACE_ASSIGN_OR_RETURN(Entity product, catalog_.DescribeEntity(caller, product_id));
  if (product.type != kAmiProductType) {
    return NotFoundError(fmt::format("product-id: {} is not an AMI product", product_id));
  }
  AMIPLACE_ASSIGN_OR_RETURN(auto offer, PublicOffer(caller, product.id));
  return WriteXlsx(FormToWorkbook(FormFromEntities(product, offer ? &*offer : nullptr)));
}

Result<UploadResult> PlfService::Upload(const Caller& caller, std::string_view bytes) {
  AMIPLACE_RETURN_IF_ERROR(CheckSeller(caller));
  AMIPLACE_ASSIGN_OR_RETURN(Workbook workbook, ReadXlsx(bytes, limits_));
  UploadResult result;
  ProductForm desired = ReadForm(workbook, result.errors);
  if (!result.errors.empty()) return result;

  const ErrorAt error_at = [&](Origin origin, std::string_view header, std::string message) {
    result.errors.push_back(ErrorAtCell(workbook, origin, header, std::move(message)));
  };
  std::optional<ProductForm> current;
  std::optional<Entity> offer;
  if (!desired.info.product_id.empty()) {
    auto product = catalog_.DescribeEntity(caller, desired.info.product_id);
    if ((!product.ok() && product.status().code() == ErrorCode::kNotFound) ||
        (product.ok() && product->type != kAmiProductType)) {
      error_at({kProductSheet, 1}, "ProductId",
               fmt::format("{} is not one of your products; leave ProductId empty to create a "
                           "new product",
                           desired.info.product_id));
      return result;
    }
    if (!product.ok()) return product.status();
    AMIPLACE_ASSIGN_OR_RETURN(offer, PublicOffer(caller, product->id));
    current = FormFromEntities(*product, offer ? &*offer : nullptr);
  }
  PlannedChanges plan = PlanChanges(current ? &*current : nullptr, offer ? &*offer : nullptr,
                                    desired, error_at);
  if (!result.errors.empty() || plan.changes.empty()) return result;

  StartChangeSetRequest req;
  req.changes = plan.changes;
  req.change_set_name = "Product Load Form upload";
  auto started = catalog_.StartChangeSet(caller, std::move(req));
  if (!started.ok()) {
    // A rule the form's own checks do not know: report it at the row the change came from.
    static const std::regex kIndex(R"(ChangeSet\[(\d+)\])");
    std::smatch m;
    const std::string message(started.status().message());
    if (started.status().code() == ErrorCode::kValidation && std::regex_search(message, m, kIndex)) {
      size_t i = std::stoul(m[1].str());
      if (i < plan.origins.size()) {
        error_at(plan.origins[i], "", fmt::format("{} change: {}", plan.changes[i].change_type, message));
        return result;
      }
    }
    return started.status();
  }
  result.change_set_id = started->id;
  for (const auto& c : plan.changes) {
    std::string id = c.entity_identifier;
    if (id.empty()) id = fmt::format("${}.Entity.Identifier", c.change_name);
    result.changes.push_back({c.change_type, std::move(id)});
  }
  return result;
}

}  // namespace amiplace::plf
