// The AMI Product Load Form: which sheets and columns it has, and the product it describes.
//
// One ProductForm type stands for both sides of an upload: the product as DescribeEntity knows it
// (FormFromEntities) and the product as the seller's spreadsheet says it should be (ReadForm).
// Export writes the first (FormToWorkbook), so that export → upload with no edit reads back an
// equal form and the diff (form_diff.h) submits nothing. Every value is kept as the text a
// spreadsheet cell shows; prices in canonical decimal form (core/money.h). Rows remember where
// they were read from, so that every mistake is reported at its cell (`Versions!D3`).
// Value types and pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog/entity.h"
#include "plf/workbook.h"

namespace amiplace::plf {

// ---- the layout ---------------------------------------------------------------------------------

inline constexpr std::string_view kInstructionsSheet = "Instructions";
inline constexpr std::string_view kProductSheet = "Product";
inline constexpr std::string_view kVersionsSheet = "Versions";
inline constexpr std::string_view kRegionsSheet = "Regions";
inline constexpr std::string_view kInstanceTypesSheet = "Instance types";
inline constexpr std::string_view kDimensionsSheet = "Dimensions";
inline constexpr std::string_view kAllowlistSheet = "Allowlist";
inline constexpr std::string_view kOfferSheet = "Offer";

// One column of a form sheet: its header (row 1), whether a value is required, the values a
// drop-down offers, and what the Instructions sheet says of it.
struct FormColumn {
  std::string_view header;
  bool required = false;
  bool read_only = false;  // shown for reference; an upload ignores it
  std::vector<std::string> allowed;
  std::string note;
  double width = 18;
  bool number = false;
};

struct FormSheet {
  std::string_view name;
  bool single_row = false;  // Product and Offer: one data row (row 2)
  std::string purpose;      // for the Instructions sheet
  std::vector<FormColumn> columns;
};

// The table sheets in tab order (Instructions comes first and is not listed).
const std::vector<FormSheet>& FormSheets();
const FormSheet& FormSheetNamed(std::string_view name);
// The Instructions sheet's lines.
std::vector<std::string> InstructionLines();

// ---- the product a form describes --------------------------------------------------------------

// Where a value was read: sheet and 0-based row (-1 when it did not come from a workbook).
struct Origin {
  std::string_view sheet;
  int row = -1;
};

struct ProductInfo {
  std::string product_id;  // "" for a new product
  std::string product_code, visibility;  // read-only
  std::string title, short_description, long_description, sku, logo_url, video_url;
  std::vector<std::string> highlights;  // 1..3
  std::vector<std::string> categories;  // 1..3
  std::vector<std::string> keywords;    // 1..15
  std::vector<std::pair<std::string, std::string>> resources;  // (text, url), 0..3
  std::string support_description;
  std::string future_region_support;  // All | US | None | "" (unset)
  bool operator==(const ProductInfo&) const = default;
};

struct VersionForm {
  Origin origin;
  std::string version_id;  // "" for a new version
  std::string delivery_option_id;  // existing versions
  std::string title, status;       // status: Public | Restricted
  std::string ami_id, access_role_arn, os_name, os_version, os_user, scanning_port;
  std::string release_notes, usage_instructions, recommended_instance_type;
  std::string security_groups;  // canonical text: "tcp 22 0.0.0.0/0; tcp 8000-8080 10.0.0.0/8"
  std::string access_endpoint;  // canonical text: "https 443 admin/login", "" for none
};

struct RegionForm {
  Origin origin;
  std::string code;
  bool restricted = false;
};

struct InstanceTypeForm {
  Origin origin;
  std::string type;
  bool restricted = false;
  std::string hourly_price;  // canonical decimal; "" = no hourly (Metered) dimension
};

struct DimensionForm {
  Origin origin;
  std::string key, name, description, unit;
  std::string type = "ExternallyMetered";  // ExternallyMetered (also with Entitled) | Entitled
  std::string price;  // canonical decimal, "" when none
  // The dimension's exact Types as the product has them (what UpdateDimensions and
  // RestrictDimensions must name); empty for rows read from a workbook.
  std::vector<std::string> types;
};

struct AllowlistEntry {
  Origin origin;
  std::string account_id;
};

struct OfferForm {
  std::string offer_id;  // read-only; "" when the product has no public offer yet
  std::string name, description;
  std::string pricing_model;  // Usage | Free | Byol | Contract | "" (no pricing yet)
  std::string eula_type;      // StandardEula | CustomEula | ""
  std::string eula_url;
  std::string refund_policy;
  bool operator==(const OfferForm&) const = default;
};

struct ProductForm {
  ProductInfo info;
  std::vector<VersionForm> versions;
  std::vector<RegionForm> regions;
  std::vector<InstanceTypeForm> instance_types;
  std::vector<DimensionForm> dimensions;
  std::vector<AllowlistEntry> allowlist;
  OfferForm offer;
  // Prices of the product's Metered dimensions that no sheet shows (keys that are not an
  // available instance type); carried through unchanged when the form changes prices.
  std::map<std::string, std::string> hidden_rates;
};

// A mistake in an uploaded form: the cell as Excel names it, the column's header, and what is
// wrong. CLI and portal show it as "cell: message".
struct FormError {
  std::string cell;
  std::string column;
  std::string message;
};

// ---- conversions --------------------------------------------------------------------------------

// Whether `offer` is `product_id`'s public offer (released or still a draft): for the product and
// not targeted at buyer accounts.
bool IsPublicOfferCandidate(const Entity& offer, std::string_view product_id);

// The product and its public offer (null when it has none) as a form.
ProductForm FormFromEntities(const Entity& product, const Entity* offer);

// The workbook to write for `form` (a blank form for a default-constructed one).
WorkbookSpec FormToWorkbook(const ProductForm& form);

// Reads an uploaded workbook. Every mistake that can be seen without the current product is
// appended to `errors` (missing sheets and columns, required values, malformed regions, prices,
// account IDs, …); the form is usable only when no error was added.
ProductForm ReadForm(const Workbook& workbook, std::vector<FormError>& errors);

// The FormError for a mistake at `origin` (row -1: the sheet's header row) in the column
// `header` ("" → column A).
FormError ErrorAtCell(const Workbook& workbook, Origin origin, std::string_view header,
                      std::string message);

// Canonical text of the security groups of a delivery option's Recommendations (output shape:
// Protocol/FromPort/ToPort/CidrIps) and back to AddDeliveryOptions' input shape (IpProtocol,
// FromPort, ToPort, IpRanges); nullopt with `error` set for malformed text.
std::string SecurityGroupsText(const boost::json::array& groups);
std::optional<boost::json::array> ParseSecurityGroups(std::string_view text, std::string* error);
std::string AccessEndpointText(const boost::json::value* access);
std::optional<boost::json::object> ParseAccessEndpoint(std::string_view text, std::string* error);

}  // namespace amiplace::plf
