// The form's sheets and columns (one table, used by the writer, the reader and the Instructions
// sheet alike), and the writing of a ProductForm into a WorkbookSpec.
#include <fmt/format.h>

#include "domain/catalog/dimensions.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/regions.h"
#include "plf/form.h"

namespace amiplace::plf {

namespace {

std::vector<std::string> Strings(std::span<const std::string_view> values) {
  return {values.begin(), values.end()};
}

std::vector<FormSheet> BuildSheets() {
  const std::vector<std::string> categories = Strings(product::KnownCategories());
  const std::vector<std::string> region_codes = Strings(regions::Commercial());
  std::vector<std::string> units = Strings(dimensions::Units());
  return {
      {kProductSheet, true,
       "The product's listing: one row (row 2). Leave ProductId empty to create a new product.",
       {
           {"ProductId", false, false, {}, "Empty for a new product; else the product this form changes (prod-…). Another seller's product is refused.", 20},
           {"ProductCode", false, true, {}, "Read-only: the product code every marketplace AMI and instance carries.", 28},
           {"Visibility", false, true, {}, "Read-only: Draft, Limited, Public or Restricted. Visibility changes are requested with UpdateVisibility and reviewed by the marketplace's operators.", 12},
           {"ProductTitle", true, false, {}, "Up to 72 characters.", 30},
           {"ShortDescription", true, false, {}, "Up to 1000 characters.", 40},
           {"LongDescription", true, false, {}, "Up to 5000 characters.", 50},
           {"Sku", false, false, {}, "Optional, up to 100 characters.", 14},
           {"LogoUrl", true, false, {}, "An https:// URL of the product's logo.", 30},
           {"VideoUrl", false, false, {}, "Optional https:// URL of a video.", 30},
           {"Highlight1", true, false, {}, "Up to 500 characters.", 30},
           {"Highlight2", false, false, {}, "Optional, up to 500 characters.", 30},
           {"Highlight3", false, false, {}, "Optional, up to 500 characters.", 30},
           {"Category1", true, false, categories, "One of the marketplace's categories (drop-down).", 26},
           {"Category2", false, false, categories, "Optional second category.", 26},
           {"Category3", false, false, categories, "Optional third category.", 26},
           {"SearchKeywords", true, false, {}, "1 to 15 keywords separated by commas, each up to 50 characters, 250 in all.", 30},
           {"ResourceText1", false, false, {}, "Additional resource: its link text.", 20},
           {"ResourceUrl1", false, false, {}, "Additional resource: its https:// URL.", 30},
           {"ResourceText2", false, false, {}, "Second additional resource's link text.", 20},
           {"ResourceUrl2", false, false, {}, "Second additional resource's URL.", 30},
           {"ResourceText3", false, false, {}, "Third additional resource's link text.", 20},
           {"ResourceUrl3", false, false, {}, "Third additional resource's URL.", 30},
           {"SupportDescription", true, false, {}, "How buyers get support, up to 2000 characters.", 40},
           {"FutureRegionSupport", false, false, {"All", "US", "None"}, "Whether regions AWS launches later join the product: All, US or None. Empty leaves it as it is.", 20},
       }},
      {kVersionsSheet, false,
       "One row per version. Leave VersionId empty to add a version (its AMI must be one of your images in us-east-1). Set Status to Restricted to restrict a version; versions cannot be deleted.",
       {
           {"VersionId", false, false, {}, "Empty for a new version; else the version's ID (keep it as exported).", 38},
           {"VersionTitle", true, false, {}, "Up to 64 characters, unique in the product. Cannot change once added.", 16},
           {"Status", false, false, {"Public", "Restricted"}, "Public (default) or Restricted. A restricted version cannot be made public again.", 12},
           {"AmiId", true, false, {}, "ami-… of one of your images in us-east-1. Cannot change once added.", 24},
           {"AccessRoleArn", false, false, {}, "New versions: arn:aws:iam::<account>:role/<name> that lets the marketplace read the AMI.", 40},
           {"OsName", true, false, {}, "Operating system name, e.g. AMAZONLINUX, UBUNTU. Cannot change once added.", 16},
           {"OsVersion", true, false, {}, "Operating system version, e.g. 2023. Cannot change once added.", 12},
           {"OsUserName", true, false, {}, "The user to sign in as, e.g. ec2-user. Cannot change once added.", 14},
           {"ScanningPort", false, false, {}, "The port the marketplace scans on (1-65535, default 22). Cannot change once added.", 12, true},
           {"ReleaseNotes", true, false, {}, "Up to 30000 characters.", 40},
           {"UsageInstructions", true, false, {}, "Up to 4000 characters.", 40},
           {"RecommendedInstanceType", true, false, {}, "One of the product's instance types.", 18},
           {"SecurityGroups", true, false, {}, "Ingress rules separated by ';': protocol (tcp|udp), port or range, CIDRs separated by ','. E.g. tcp 22 0.0.0.0/0; tcp 8000-8080 10.0.0.0/8,192.168.0.0/16", 40},
           {"AccessEndpoint", false, false, {}, "Optional: protocol (http|https), port and relative path, e.g. https 443 admin/login", 24},
       }},
      {kRegionsSheet, false,
       "One row per AWS Region the product is offered in. A region missing from the sheet, or with Status Restricted, is restricted.",
       {
           {"Region", true, false, region_codes, "An AWS commercial region code (drop-down).", 18},
           {"Status", false, false, {"Available", "Restricted"}, "Available (default) or Restricted.", 12},
       }},
      {kInstanceTypesSheet, false,
       "One row per EC2 instance type buyers may launch. HourlyPrice (USD per hour, up to 8 decimals) makes it an hourly-priced type. A type missing from the sheet, or with Status Restricted, is restricted.",
       {
           {"InstanceType", true, false, {}, "An EC2 instance type, e.g. t3.micro.", 16},
           {"Status", false, false, {"Available", "Restricted"}, "Available (default) or Restricted.", 12},
           {"HourlyPrice", false, false, {}, "USD per instance-hour, e.g. 0.12. Empty for a product that is not priced by the hour.", 14, true},
       }},
      {kDimensionsSheet, false,
       "Custom metering dimensions (the seller's software reports usage with the Metering Service's MeterUsage). A dimension missing from the sheet is restricted.",
       {
           {"Key", true, false, {}, "Up to 100 characters: letters, digits, '_', '.', '-'. Cannot change once added.", 16},
           {"Name", true, false, {}, "Up to 500 characters.", 24},
           {"Description", true, false, {}, "Up to 1000 characters.", 36},
           {"Unit", true, false, units, "The unit of usage (drop-down). Cannot change once added.", 12},
           {"Type", false, false, {"ExternallyMetered", "Entitled"}, "ExternallyMetered (default) or Entitled. Cannot change once added.", 18},
           {"Price", false, false, {}, "USD per unit, up to 8 decimals.", 12, true},
       }},
      {kAllowlistSheet, false,
       "While the product is Limited, only these AWS accounts (and the marketplace's operators) can see it. One 12-digit account ID per row.",
       {
           {"BuyerAccountId", true, false, {}, "A 12-digit AWS account ID.", 18},
       }},
      {kOfferSheet, true,
       "The product's public offer: one row (row 2). Prices come from the Instance types and Dimensions sheets.",
       {
           {"OfferId", false, true, {}, "Read-only: the public offer's ID (offer-…); empty until the offer exists.", 22},
           {"OfferName", true, false, {}, "Up to 150 characters.", 30},
           {"OfferDescription", false, false, {}, "Up to 255 characters.", 40},
           {"PricingModel", true, false, {"Usage", "Free", "Byol"}, "Usage (hourly and metered prices), Free, or Byol (bring your own license). Contract offers are shown as Contract and keep their terms.", 14},
           {"EulaType", true, false, {"StandardEula", "CustomEula"}, "StandardEula (the marketplace's standard contract) or CustomEula (give EulaUrl).", 16},
           {"EulaUrl", false, false, {}, "The https:// URL of a custom EULA.", 30},
           {"RefundPolicy", true, false, {}, "Up to 500 characters.", 40},
       }},
  };
}

std::string Joined(const std::vector<std::string>& v, std::string_view sep) {
  return fmt::format("{}", fmt::join(v, sep));
}

// The data rows of each sheet, in column order.
std::vector<std::string> ProductRow(const ProductInfo& p) {
  auto at = [](const std::vector<std::string>& v, size_t i) { return i < v.size() ? v[i] : ""; };
  std::vector<std::string> row = {p.product_id,      p.product_code,     p.visibility,
                                  p.title,           p.short_description, p.long_description,
                                  p.sku,             p.logo_url,          p.video_url,
                                  at(p.highlights, 0), at(p.highlights, 1), at(p.highlights, 2),
                                  at(p.categories, 0), at(p.categories, 1), at(p.categories, 2),
                                  Joined(p.keywords, ", ")};
  for (size_t i = 0; i < 3; ++i) {
    row.push_back(i < p.resources.size() ? p.resources[i].first : "");
    row.push_back(i < p.resources.size() ? p.resources[i].second : "");
  }
  row.push_back(p.support_description);
  row.push_back(p.future_region_support);
  return row;
}

}  // namespace

const std::vector<FormSheet>& FormSheets() {
  static const std::vector<FormSheet> kSheets = BuildSheets();
  return kSheets;
}

const FormSheet& FormSheetNamed(std::string_view name) {
  for (const auto& s : FormSheets()) {
    if (s.name == name) return s;
  }
  return FormSheets().front();
}

std::vector<std::string> InstructionLines() {
  std::vector<std::string> lines = {
      "amiplace Product Load Form — AMI products",
      "",
      "This workbook describes one AMI product and its public offer. Fill it in (or edit a form "
      "exported for an existing product) in any spreadsheet program, save it as .xlsx, and upload "
      "it with `amiplace plf upload --file FORM.xlsx` or on the portal's Forms page.",
      "The upload compares the form with the product as it is and submits the smallest change "
      "set that makes the product match, through the Catalog API like any other change set "
      "(it shows in ListChangeSets). A form that changes nothing submits nothing.",
      "Every mistake is reported at once, with its cell (e.g. Product!D2), before anything is "
      "submitted; a form with mistakes changes nothing.",
      "Columns whose header ends in * are required. Cells with a drop-down accept only its "
      "values. Read-only columns are shown for reference and ignored on upload. Do not rename "
      "sheets or headers; columns may be reordered.",
      "A new product is created as a Draft with a draft public offer; release it and request "
      "visibility changes with the Catalog API or the portal (the marketplace's operators review "
      "them).",
      "",
  };
  for (const auto& sheet : FormSheets()) {
    lines.push_back(fmt::format("Sheet {}", sheet.name));
    lines.push_back(sheet.purpose);
    for (const auto& c : sheet.columns) {
      // Read-only columns' notes say so themselves (they are also the header cells' comments).
      std::string line = fmt::format("  {}{} — {}", c.header, c.required ? " (required)" : "", c.note);
      if (!c.allowed.empty() && c.allowed.size() <= 6) {
        line += fmt::format(" Allowed: {}.", fmt::join(c.allowed, ", "));
      }
      lines.push_back(std::move(line));
    }
    lines.push_back("");
  }
  return lines;
}

WorkbookSpec FormToWorkbook(const ProductForm& form) {
  WorkbookSpec spec;
  SheetSpec instructions;
  instructions.name = std::string(kInstructionsSheet);
  instructions.rows.reserve(64);
  for (auto& line : InstructionLines()) instructions.rows.push_back({std::move(line)});
  instructions.bold_rows_prefix = {"amiplace Product Load Form", "Sheet "};
  spec.sheets.push_back(std::move(instructions));

  for (const auto& sheet : FormSheets()) {
    SheetSpec s;
    s.name = std::string(sheet.name);
    for (const auto& c : sheet.columns) {
      s.columns.push_back(ColumnSpec{.header = std::string(c.header),
                                     .required = c.required,
                                     .allowed = c.allowed,
                                     .note = c.note,
                                     .width = c.width,
                                     .number = c.number});
    }
    if (sheet.name == kProductSheet) {
      s.rows.push_back(ProductRow(form.info));
    } else if (sheet.name == kVersionsSheet) {
      for (const auto& v : form.versions) {
        s.rows.push_back({v.version_id, v.title, v.status, v.ami_id, v.access_role_arn, v.os_name,
                          v.os_version, v.os_user, v.scanning_port, v.release_notes,
                          v.usage_instructions, v.recommended_instance_type, v.security_groups,
                          v.access_endpoint});
      }
    } else if (sheet.name == kRegionsSheet) {
      for (const auto& r : form.regions) {
        s.rows.push_back({r.code, r.restricted ? "Restricted" : "Available"});
      }
    } else if (sheet.name == kInstanceTypesSheet) {
      for (const auto& t : form.instance_types) {
        s.rows.push_back({t.type, t.restricted ? "Restricted" : "Available", t.hourly_price});
      }
    } else if (sheet.name == kDimensionsSheet) {
      for (const auto& d : form.dimensions) {
        s.rows.push_back({d.key, d.name, d.description, d.unit, d.type, d.price});
      }
    } else if (sheet.name == kAllowlistSheet) {
      for (const auto& a : form.allowlist) s.rows.push_back({a.account_id});
    } else if (sheet.name == kOfferSheet) {
      const OfferForm& o = form.offer;
      s.rows.push_back({o.offer_id, o.name, o.description, o.pricing_model, o.eula_type,
                        o.eula_url, o.refund_policy});
    }
    spec.sheets.push_back(std::move(s));
  }
  return spec;
}

}  // namespace amiplace::plf
