// The smallest change set that makes a product match an uploaded form.
//
// PlanChanges compares the form read from the seller's workbook with the product as it is (both
// ProductForms, form.h) and returns the Catalog changes — AmiProduct@1.0 and Offer@1.0, in an
// order the change-set engine applies them in — that turn one into the other: CreateProduct and
// everything after it for a new product; for an existing one only the change types whose part of
// the form differs (UpdateInformation with only the changed fields, AddRegions, RestrictRegions,
// AddInstanceTypes, AddDimensions, UpdatePricingTerms, …). Edits the marketplace does not allow
// (a version's AMI or title, a dimension's unit, a restricted version made public again, …) are
// FormErrors at their cells. Pure; thread-safe.
#pragma once

#include <functional>
#include <vector>

#include "domain/catalog/entity.h"
#include "domain/changeset/change_set.h"
#include "plf/form.h"

namespace amiplace::plf {

struct PlannedChanges {
  std::vector<Change> changes;
  std::vector<Origin> origins;  // per change: the sheet row it comes from (row -1: whole sheet)
};

// Reports a mistake at (sheet, row) in the column `header`.
using ErrorAt = std::function<void(Origin, std::string_view header, std::string message)>;

// `current` is null for a new product (desired.info.product_id empty); `current_offer` is the
// product's public offer document (null when it has none).
PlannedChanges PlanChanges(const ProductForm* current, const Entity* current_offer,
                           const ProductForm& desired, const ErrorAt& error);

// The ChangeName PlanChanges gives CreateProduct and CreateOffer.
inline constexpr std::string_view kCreateProductChangeName = "PlfCreateProduct";
inline constexpr std::string_view kCreateOfferChangeName = "PlfCreateOffer";

}  // namespace amiplace::plf
