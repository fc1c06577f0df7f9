// The Product Load Form use cases (CONTRACT §4 `amiplace plf blank|export|upload`): a blank form,
// a product exported as a filled form, and an upload that becomes the smallest change set making
// the product match the form. Uploads go through CatalogService::StartChangeSet, so they are
// validated, locked, processed and listed like any other change set; nothing is submitted while
// the form has a mistake. Only sellers use forms, for their own products. Thread-safe (the
// catalog service is).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/catalog_service.h"
#include "plf/form.h"
#include "plf/xlsx_reader.h"

namespace amiplace::plf {

struct SubmittedChange {
  std::string change_type;
  std::string entity_id;  // the entity's ID, or "$<ChangeName>.Entity.Identifier" for a new one
};

struct UploadResult {
  std::optional<std::string> change_set_id;  // none when the form changes nothing or has mistakes
  std::vector<SubmittedChange> changes;
  std::vector<FormError> errors;  // every mistake; non-empty means nothing was submitted
};

class PlfService {
 public:
  explicit PlfService(CatalogService& catalog, ReadLimits limits = {})
      : catalog_(catalog), limits_(limits) {}

  // A blank form for `product_type` (only "ami"); the .xlsx bytes.
  Result<std::string> Blank(const Caller& caller, std::string_view product_type);
  // The caller's product and its public offer as a filled form; kNotFound for a product that is
  // not the caller's.
  Result<std::string> Export(const Caller& caller, std::string_view product_id);
  // Reads, checks, diffs and submits. A file that is not a readable workbook (corrupt, too
  // large, a zip bomb) is a kValidation/kPayloadTooLarge error; mistakes in a readable form are
  // UploadResult::errors.
  Result<UploadResult> Upload(const Caller& caller, std::string_view bytes);

 private:
  Status CheckSeller(const Caller& caller) const;
  // The product's public offer (released first, else a draft), or nullopt.
  Result<std::optional<Entity>> PublicOffer(const Caller& caller, const std::string& product_id);

  CatalogService& catalog_;
  ReadLimits limits_;
};

}  // namespace amiplace::plf
