// Reading an uploaded Product Load Form: finds each sheet and its columns by header, turns cells
// into the form's canonical texts, and reports every mistake that needs no knowledge of the
// current product at its cell.
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/money.h"
#include "domain/catalog/dimensions.h"
#include "domain/catalog/instance_types.h"
#include "domain/catalog/product_document.h"
#include "domain/catalog/regions.h"
#include "domain/catalog/validation.h"
#include "plf/form.h"

namespace amiplace::plf {

namespace {

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

// "1.5E3" → "1500", "1E-3" → "0.001"; other text as is. Spreadsheets store large or small
// numbers (account IDs typed as numbers, tiny prices) in exponent form.
std::string PlainNumber(std::string_view text) {
  size_t e = text.find_first_of("eE");
  if (e == std::string_view::npos) return std::string(text);
  std::string mantissa(text.substr(0, e));
  int exponent = 0;
  try {
    exponent = std::stoi(std::string(text.substr(e + 1)));
  } catch (...) {
    return std::string(text);
  }
  bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative || (!mantissa.empty() && mantissa[0] == '+')) mantissa.erase(0, 1);
  size_t dot = mantissa.find('.');
  std::string digits = mantissa;
  int point = static_cast<int>(mantissa.size());
  if (dot != std::string::npos) {
    digits.erase(dot, 1);
    point = static_cast<int>(dot);
  }
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
      exponent > 40 || exponent < -40) {
    return std::string(text);
  }
  point += exponent;
  if (point <= 0) {
    digits = "0." + std::string(-point, '0') + digits;
  } else if (point >= static_cast<int>(digits.size())) {
    digits += std::string(point - digits.size(), '0');
  } else {
    digits.insert(point, ".");
  }
  if (digits.find('.') != std::string::npos) {
    while (digits.back() == '0') digits.pop_back();
    if (digits.back() == '.') digits.pop_back();
  }
  size_t lead = digits.find_first_not_of('0');
  if (lead == std::string::npos) return "0";
  if (digits[lead] == '.') lead = lead > 0 ? lead - 1 : 0;
  digits.erase(0, lead);
  return (negative ? "-" : "") + digits;
}

// One form sheet of the uploaded workbook: its columns found by header.
class SheetReader {
 public:
  // `report`: whether a missing sheet or column is an error (false: reading again to point at a
  // cell of a sheet read before).
  SheetReader(const Workbook& wb, const FormSheet& def, std::vector<FormError>& errors,
              bool report = true)
      : def_(def), errors_(errors) {
    sheet_ = wb.Find(def.name);
    if (sheet_ == nullptr) {
      if (!report) return;
      errors_.push_back({SheetCellName(def.name, 0, 0), "",
                         fmt::format("the sheet '{}' is missing; upload a form made by amiplace "
                                     "plf blank or plf export, without renaming its sheets",
                                     def.name)});
      return;
    }
    if (!sheet_->rows.empty()) {
      const auto& header = sheet_->rows[0];
      for (int c = 0; c < static_cast<int>(header.size()); ++c) {
        std::string h(Trim(header[c].text));
        if (h.ends_with("*")) h = std::string(Trim(std::string_view(h).substr(0, h.size() - 1)));
        if (!h.empty() && !columns_.contains(h)) columns_[h] = c;
      }
    }
    int next = 0;
    for (const auto& col : def.columns) {
      if (!report) break;
      if (col.read_only || columns_.contains(std::string(col.header))) continue;
      while (next < 200 && !sheet_->At(0, next).empty()) ++next;
      errors_.push_back({SheetCellName(def.name, 0, next), std::string(col.header),
                         fmt::format("the column '{}' is missing from the header row",
                                     col.header)});
      ++next;
    }
  }

  bool ok() const { return sheet_ != nullptr; }

  // The data rows that hold anything (0-based row indexes, after the header).
  std::vector<int> DataRows() const {
    std::vector<int> out;
    if (sheet_ == nullptr) return out;
    for (int r = 1; r < static_cast<int>(sheet_->rows.size()); ++r) {
      bool any = false;
      for (const auto& [name, c] : columns_) any = any || !sheet_->At(r, c).empty();
      if (any) out.push_back(r);
      if (def_.single_row) break;
    }
    return out;
  }

  // The cell's text as a person sees it, trimmed; "" when the column is missing.
  std::string Text(int row, std::string_view header) {
    auto it = columns_.find(std::string(header));
    if (sheet_ == nullptr || it == columns_.end()) return "";
    const CellValue& v = sheet_->At(row, it->second);
    switch (v.kind) {
      case CellValue::Kind::kNumber:
        return PlainNumber(Trim(v.text));
      case CellValue::Kind::kError:
        Error(row, header, fmt::format("the cell holds the error {}", v.text));
        return "";
      default:
        return std::string(Trim(v.text));
    }
  }

  void Error(int row, std::string_view header, std::string message) {
    // Messages quote what the cell holds: a cell may hold 32,767 characters, a message does not.
    if (message.size() > 300) {
      size_t cut = 297;
      while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
      message = message.substr(0, cut) + "...";
    }
    auto it = columns_.find(std::string(header));
    int col = it == columns_.end() ? 0 : it->second;
    errors_.push_back({SheetCellName(def_.name, row, col), std::string(header),
                       fmt::format("{}: {}", header, message)});
  }

  // A required/limited text cell.
  std::string Field(int row, std::string_view header, size_t max, bool required) {
    std::string v = Text(row, header);
    if (v.empty() && required) {
      Error(row, header, "is required");
    } else if (size_t n = validate::CodePoints(v); n > max) {
      Error(row, header, fmt::format("is {} characters long; at most {} are allowed", n, max));
    }
    return v;
  }

  std::string OneOf(int row, std::string_view header, const std::vector<std::string>& allowed,
                    std::string fallback = "") {
    std::string v = Text(row, header);
    if (v.empty()) return fallback;
    for (const auto& a : allowed) {
      if (a == v) return v;
    }
    Error(row, header, fmt::format("'{}' is not one of: {}", v, fmt::join(allowed, ", ")));
    return fallback;
  }

  // An https:// URL (or, with `allow_http`, an http:// one too) of at most `max` characters.
  std::string Url(int row, std::string_view header, bool required, bool allow_http = false,
                  size_t max = 2048) {
    std::string v = Field(row, header, max, required);
    if (!v.empty() && !v.starts_with("https://") && !(allow_http && v.starts_with("http://"))) {
      Error(row, header, fmt::format("'{}' is not an {} URL", v,
                                     allow_http ? "http:// or https://" : "https://"));
    }
    return v;
  }

  // A price: canonical decimal text, "" when empty.
  std::string Price(int row, std::string_view header) {
    std::string v = Text(row, header);
    if (v.empty()) return "";
    if (v.starts_with('$')) v.erase(0, 1);
    auto m = Money::Parse(v, header, {.max_places = 8, .noun = "a price in USD"});
    if (!m.ok()) {
      Error(row, header, fmt::format("'{}' is not a price in USD with at most 8 decimal places",
                                     Text(row, header)));
      return "";
    }
    return m->ToString();
  }

  std::string_view name() const { return def_.name; }

 private:
  const FormSheet& def_;
  std::vector<FormError>& errors_;
  const Sheet* sheet_ = nullptr;
  std::map<std::string, int> columns_;
};

// std::regex recurses per character: text longer than any of the patterns below can match is
// refused before it reaches one (a cell may hold 32,767 characters).
bool Matches(const std::string& s, const std::regex& pattern) {
  return s.size() <= 600 && std::regex_match(s, pattern);
}

// The patterns of AWS's shapes that the form checks.
const std::regex kProductIdPattern("prod-[a-z0-9]{13}");
const std::regex kAmiIdPattern("ami-([a-zA-Z0-9]{8}|[a-zA-Z0-9]{17})");
const std::regex kRoleArnPattern(R"(arn:aws:iam::\d{12}:role/[\w+=,.@/-]{1,512})");
const std::regex kUserNamePattern("[a-zA-Z][a-zA-Z0-9_-]{0,31}");
const std::regex kPortPattern("[0-9]{1,5}");
const std::regex kDimensionKeyPattern("[A-Za-z0-9_.-]+");
const std::regex kAccountIdPattern("[0-9]{12}");

void ReadProduct(const Workbook& wb, ProductForm& f, std::vector<FormError>& errors) {
  SheetReader s(wb, FormSheetNamed(kProductSheet), errors);
  if (!s.ok()) return;
  const int r = 1;
  ProductInfo& p = f.info;
  p.product_id = s.Text(r, "ProductId");
  if (!p.product_id.empty() && !Matches(p.product_id, kProductIdPattern)) {
    s.Error(r, "ProductId", fmt::format("'{}' is not a product ID (prod- and 13 letters or digits); "
                                        "leave it empty for a new product", p.product_id));
  }
  p.product_code = s.Text(r, "ProductCode");
  p.visibility = s.Text(r, "Visibility");
  p.title = s.Field(r, "ProductTitle", 72, true);
  p.short_description = s.Field(r, "ShortDescription", 1000, true);
  p.long_description = s.Field(r, "LongDescription", 5000, true);
  p.sku = s.Field(r, "Sku", 100, false);
  p.logo_url = s.Url(r, "LogoUrl", true);
  p.video_url = s.Url(r, "VideoUrl", false);
  for (const char* h : {"Highlight1", "Highlight2", "Highlight3"}) {
    std::string v = s.Field(r, h, 500, std::string_view(h) == "Highlight1");
    if (!v.empty()) p.highlights.push_back(std::move(v));
  }
  std::vector<std::string> known(product::KnownCategories().begin(), product::KnownCategories().end());
  for (const char* h : {"Category1", "Category2", "Category3"}) {
    std::string v = s.Text(r, h);
    if (v.empty()) {
      if (std::string_view(h) == "Category1") s.Error(r, h, "is required");
      continue;
    }
    if (!product::IsKnownCategory(v)) {
      s.Error(r, h, fmt::format("'{}' is not one of the marketplace's categories (pick one from "
                                "the drop-down)", v));
    } else if (std::find(p.categories.begin(), p.categories.end(), v) != p.categories.end()) {
      s.Error(r, h, fmt::format("'{}' is listed twice", v));
    } else {
      p.categories.push_back(std::move(v));
    }
  }
  std::string keywords = s.Text(r, "SearchKeywords");
  size_t total = 0;
  for (size_t i = 0; i <= keywords.size();) {
    size_t j = keywords.find(',', i);
    if (j == std::string::npos) j = keywords.size();
    std::string k(Trim(std::string_view(keywords).substr(i, j - i)));
    if (!k.empty()) {
      const size_t n = validate::CodePoints(k);
      if (n > 50) s.Error(r, "SearchKeywords", fmt::format("'{}' is longer than 50 characters", k));
      total += n;
      p.keywords.push_back(std::move(k));
    }
    i = j + 1;
  }
  if (p.keywords.empty()) {
    s.Error(r, "SearchKeywords", "is required: 1 to 15 keywords separated by commas");
  } else if (p.keywords.size() > 15) {
    s.Error(r, "SearchKeywords", fmt::format("has {} keywords; at most 15 are allowed", p.keywords.size()));
  } else if (total > 250) {
    s.Error(r, "SearchKeywords", fmt::format("the keywords have {} characters in all; at most 250 are allowed", total));
  }
  for (int i = 1; i <= 3; ++i) {
    std::string th = fmt::format("ResourceText{}", i), uh = fmt::format("ResourceUrl{}", i);
    std::string text = s.Field(r, th, 500, false);
    std::string url = s.Url(r, uh, false, /*allow_http=*/true);
    if (text.empty() != url.empty()) {
      s.Error(r, text.empty() ? th : uh, "give both the text and the URL of the resource, or neither");
    } else if (!text.empty()) {
      p.resources.emplace_back(std::move(text), std::move(url));
    }
  }
  p.support_description = s.Field(r, "SupportDescription", 2000, true);
  p.future_region_support = s.OneOf(r, "FutureRegionSupport", {"All", "US", "None"});
}

void ReadVersions(const Workbook& wb, ProductForm& f, std::vector<FormError>& errors) {
  SheetReader s(wb, FormSheetNamed(kVersionsSheet), errors);
  if (!s.ok()) return;
  std::set<std::string> titles, ids;
  for (int r : s.DataRows()) {
    VersionForm v;
    v.origin = {kVersionsSheet, r};
    v.version_id = s.Text(r, "VersionId");
    if (!v.version_id.empty() && !ids.insert(v.version_id).second) {
      s.Error(r, "VersionId", fmt::format("{} is listed twice", v.version_id));
    }
    v.title = s.Field(r, "VersionTitle", 64, true);
    if (!v.title.empty() && !titles.insert(v.title).second) {
      s.Error(r, "VersionTitle", fmt::format("'{}' is listed twice; version titles are unique", v.title));
    }
    v.status = s.OneOf(r, "Status", {"Public", "Restricted"}, "Public");
    v.ami_id = s.Field(r, "AmiId", 21, true);
    if (!v.ami_id.empty() && v.ami_id.size() <= 21 && !Matches(v.ami_id, kAmiIdPattern)) {
      s.Error(r, "AmiId", fmt::format("'{}' is not an AMI ID (ami- and 8 or 17 letters or digits)", v.ami_id));
    }
    v.access_role_arn = s.Text(r, "AccessRoleArn");
    if (v.version_id.empty() && v.access_role_arn.empty()) {
      s.Error(r, "AccessRoleArn", "is required for a new version (arn:aws:iam::<account>:role/<name>)");
    } else if (!v.access_role_arn.empty() &&
               !Matches(v.access_role_arn, kRoleArnPattern)) {
      s.Error(r, "AccessRoleArn", fmt::format("'{}' is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)", v.access_role_arn));
    }
    v.os_name = s.Field(r, "OsName", 100, true);
    v.os_version = s.Field(r, "OsVersion", 100, true);
    v.os_user = s.Field(r, "OsUserName", 32, true);
    if (!v.os_user.empty() && !Matches(v.os_user, kUserNamePattern)) {
      s.Error(r, "OsUserName", fmt::format("'{}' must start with a letter and hold only letters, digits, '_' and '-'", v.os_user));
    }
    v.scanning_port = s.Text(r, "ScanningPort");
    if (v.scanning_port.empty()) v.scanning_port = "22";
    if (!Matches(v.scanning_port, kPortPattern) || std::stoi(v.scanning_port) < 1 ||
        std::stoi(v.scanning_port) > 65535) {
      s.Error(r, "ScanningPort", fmt::format("'{}' is not a port (1-65535)", v.scanning_port));
    }
    v.release_notes = s.Field(r, "ReleaseNotes", 30000, true);
    v.usage_instructions = s.Field(r, "UsageInstructions", 4000, true);
    v.recommended_instance_type = s.Field(r, "RecommendedInstanceType", 24, true);
    if (!v.recommended_instance_type.empty() && !instance_types::IsWellFormed(v.recommended_instance_type)) {
      s.Error(r, "RecommendedInstanceType", fmt::format("'{}' is not an instance type name (e.g. t3.micro)", v.recommended_instance_type));
    }
    std::string error;
    std::string groups = s.Text(r, "SecurityGroups");
    if (groups.empty()) {
      s.Error(r, "SecurityGroups", "is required, e.g. tcp 22 0.0.0.0/0");
    } else if (auto parsed = ParseSecurityGroups(groups, &error)) {
      v.security_groups = SecurityGroupsText(*parsed);
    } else {
      s.Error(r, "SecurityGroups", error);
    }
    std::string access = s.Text(r, "AccessEndpoint");
    if (!access.empty()) {
      if (auto parsed = ParseAccessEndpoint(access, &error)) {
        boost::json::value value(std::move(*parsed));
        v.access_endpoint = AccessEndpointText(&value);
      } else {
        s.Error(r, "AccessEndpoint", error);
      }
    }
    f.versions.push_back(std::move(v));
  }
}

template <typename Row, typename Key>
void CheckUnique(SheetReader& s, const std::vector<Row>& rows, Key key, std::string_view header) {
  std::set<std::string> seen;
  for (const auto& row : rows) {
    const std::string& k = key(row);
    if (!k.empty() && !seen.insert(k).second) {
      s.Error(row.origin.row, header, fmt::format("'{}' is listed twice", k));
    }
  }
}

void ReadRegions(const Workbook& wb, ProductForm& f, std::vector<FormError>& errors) {
  SheetReader s(wb, FormSheetNamed(kRegionsSheet), errors);
  if (!s.ok()) return;
  for (int r : s.DataRows()) {
    RegionForm region{{kRegionsSheet, r}, s.Field(r, "Region", 30, true), false};
    if (!region.code.empty() && !regions::IsCommercial(region.code)) {
      s.Error(r, "Region", fmt::format("'{}' is not an AWS commercial region (e.g. us-east-1)", region.code));
    }
    region.restricted = s.OneOf(r, "Status", {"Available", "Restricted"}, "Available") == "Restricted";
    f.regions.push_back(std::move(region));
  }
  CheckUnique(s, f.regions, [](const RegionForm& x) -> const std::string& { return x.code; }, "Region");
}

void ReadInstanceTypes(const Workbook& wb, ProductForm& f, std::vector<FormError>& errors) {
  SheetReader s(wb, FormSheetNamed(kInstanceTypesSheet), errors);
  if (!s.ok()) return;
  for (int r : s.DataRows()) {
    InstanceTypeForm t{{kInstanceTypesSheet, r}, s.Field(r, "InstanceType", 24, true), false, ""};
    if (!t.type.empty() && !instance_types::IsKnown(t.type)) {
      s.Error(r, "InstanceType", fmt::format("'{}' is not an EC2 instance type amiplace knows", t.type));
    }
    t.restricted = s.OneOf(r, "Status", {"Available", "Restricted"}, "Available") == "Restricted";
    t.hourly_price = s.Price(r, "HourlyPrice");
    if (t.restricted) t.hourly_price.clear();
    f.instance_types.push_back(std::move(t));
  }
  CheckUnique(s, f.instance_types, [](const InstanceTypeForm& x) -> const std::string& { return x.type; }, "InstanceType");
}

void ReadDimensions(const Workbook& wb, ProductForm& f, std::vector<FormError>& errors) {
  SheetReader s(wb, FormSheetNamed(kDimensionsSheet), errors);
  if (!s.ok()) return;
  std::vector<std::string> units(dimensions::Units().begin(), dimensions::Units().end());
  for (int r : s.DataRows()) {
    DimensionForm d;
    d.origin = {kDimensionsSheet, r};
    d.key = s.Field(r, "Key", 100, true);
    if (!d.key.empty() && d.key.size() <= 100 && !Matches(d.key, kDimensionKeyPattern)) {
      s.Error(r, "Key", fmt::format("'{}' may hold only letters, digits, '_', '.' and '-'", d.key));
    }
    d.name = s.Field(r, "Name", 500, true);
    d.description = s.Field(r, "Description", 1000, true);
    d.unit = s.Text(r, "Unit");
    if (d.unit.empty()) {
      s.Error(r, "Unit", "is required");
    } else if (!dimensions::IsUnit(d.unit)) {
      s.Error(r, "Unit", fmt::format("'{}' is not one of: {}", d.unit, dimensions::UnitList()));
    }
    d.type = s.OneOf(r, "Type", {"ExternallyMetered", "Entitled"}, "ExternallyMetered");
    d.price = s.Price(r, "Price");
    f.dimensions.push_back(std::move(d));
  }
  CheckUnique(s, f.dimensions, [](const DimensionForm& x) -> const std::string& { return x.key; }, "Key");
  std::set<std::string> types;
  for (const auto& t : f.instance_types) types.insert(t.type);
  for (const auto& d : f.dimensions) {
    if (types.contains(d.key)) {
      s.Error(d.origin.row, "Key", fmt::format("'{}' is an instance type; hourly prices belong on the Instance types sheet", d.key));
    }
  }
}

void ReadAllowlist(const Workbook& wb, ProductForm& f, std::vector<FormError>& errors) {
  SheetReader s(wb, FormSheetNamed(kAllowlistSheet), errors);
  if (!s.ok()) return;
  for (int r : s.DataRows()) {
    AllowlistEntry a{{kAllowlistSheet, r}, s.Text(r, "BuyerAccountId")};
    if (!Matches(a.account_id, kAccountIdPattern)) {
      s.Error(r, "BuyerAccountId", fmt::format("'{}' is not a 12-digit AWS account ID", a.account_id));
    }
    f.allowlist.push_back(std::move(a));
  }
  CheckUnique(s, f.allowlist, [](const AllowlistEntry& x) -> const std::string& { return x.account_id; }, "BuyerAccountId");
}

void ReadOffer(const Workbook& wb, ProductForm& f, std::vector<FormError>& errors) {
  SheetReader s(wb, FormSheetNamed(kOfferSheet), errors);
  if (!s.ok()) return;
  const int r = 1;
  OfferForm& o = f.offer;
  o.offer_id = s.Text(r, "OfferId");
  o.name = s.Field(r, "OfferName", 150, true);
  o.description = s.Field(r, "OfferDescription", 255, false);
  o.pricing_model = s.Text(r, "PricingModel");
  if (o.pricing_model.empty()) {
    s.Error(r, "PricingModel", "is required: Usage, Free or Byol");
  } else if (o.pricing_model != "Usage" && o.pricing_model != "Free" && o.pricing_model != "Byol" &&
             o.pricing_model != "Contract") {
    s.Error(r, "PricingModel", fmt::format("'{}' is not one of: Usage, Free, Byol", o.pricing_model));
  }
  o.eula_type = s.OneOf(r, "EulaType", {"StandardEula", "CustomEula"});
  if (o.eula_type.empty() && s.Text(r, "EulaType").empty()) s.Error(r, "EulaType", "is required: StandardEula or CustomEula");
  o.eula_url = s.Url(r, "EulaUrl", o.eula_type == "CustomEula", false, 32000);
  if (o.eula_type == "StandardEula" && !o.eula_url.empty()) {
    s.Error(r, "EulaUrl", "is only for a CustomEula; leave it empty with StandardEula");
  }
  o.refund_policy = s.Field(r, "RefundPolicy", 500, true);

  // Prices against the pricing model.
  auto price_error = [&](Origin origin, std::string_view header, std::string message) {
    SheetReader(wb, FormSheetNamed(origin.sheet), errors, false).Error(origin.row, header, std::move(message));
  };
  int priced = 0;
  bool hourly = false;  // an hourly-priced product: every available type needs its price
  for (const auto& t : f.instance_types) hourly = hourly || !t.hourly_price.empty();
  for (const auto& t : f.instance_types) {
    if (t.hourly_price.empty()) {
      if (hourly && !t.restricted) {
        price_error(t.origin, "HourlyPrice",
                    "is required: the product is priced by the hour, so every available instance "
                    "type needs an hourly price (0 for none)");
      }
      continue;
    }
    ++priced;
    if (o.pricing_model == "Byol" && t.hourly_price != "0") {
      price_error(t.origin, "HourlyPrice", "a Byol offer charges nothing through the marketplace; leave the price 0 or empty");
    } else if (o.pricing_model == "Free" && t.hourly_price != "0") {
      price_error(t.origin, "HourlyPrice", fmt::format("a Free offer charges nothing, but the price is {}", t.hourly_price));
    }
  }
  for (const auto& d : f.dimensions) {
    if (d.type == "Entitled") {
      if (!d.price.empty()) price_error(d.origin, "Price", "Entitled (contract) dimensions are priced by the offer's contract terms, not here; leave it empty");
      continue;
    }
    if (d.price.empty()) {
      if (o.pricing_model == "Usage") price_error(d.origin, "Price", "is required: every metered dimension of a Usage offer has a price");
      continue;
    }
    ++priced;
    if (o.pricing_model == "Byol" && d.price != "0") {
      price_error(d.origin, "Price", "a Byol offer charges nothing through the marketplace; leave the price 0 or empty");
    } else if (o.pricing_model == "Free" && d.price != "0") {
      price_error(d.origin, "Price", fmt::format("a Free offer charges nothing, but the price is {}", d.price));
    }
  }
  if (o.pricing_model == "Usage" && priced == 0) {
    s.Error(r, "PricingModel", "a Usage offer needs at least one price (HourlyPrice on 'Instance types' or Price on Dimensions)");
  }
  // Each version's recommended type must be one the product offers.
  std::set<std::string> available;
  for (const auto& t : f.instance_types) {
    if (!t.restricted) available.insert(t.type);
  }
  for (const auto& v : f.versions) {
    if (v.status == "Public" && !v.recommended_instance_type.empty() &&
        !available.contains(v.recommended_instance_type)) {
      price_error(v.origin, "RecommendedInstanceType",
                  fmt::format("'{}' is not an available instance type on the 'Instance types' sheet", v.recommended_instance_type));
    }
  }
}

}  // namespace

FormError ErrorAtCell(const Workbook& workbook, Origin origin, std::string_view header,
                      std::string message) {
  std::vector<FormError> errors;
  SheetReader s(workbook, FormSheetNamed(origin.sheet), errors, false);
  s.Error(std::max(origin.row, 0), header, std::move(message));
  FormError e = std::move(errors.back());
  if (header.empty()) e.message = e.message.substr(2);  // no ": " prefix without a column
  return e;
}

ProductForm ReadForm(const Workbook& workbook, std::vector<FormError>& errors) {
  ProductForm f;
  ReadProduct(workbook, f, errors);
  ReadVersions(workbook, f, errors);
  ReadRegions(workbook, f, errors);
  ReadInstanceTypes(workbook, f, errors);
  ReadDimensions(workbook, f, errors);
  ReadAllowlist(workbook, f, errors);
  const size_t before_offer = errors.size();
  ReadOffer(workbook, f, errors);
  // The cross-sheet checks see an unreadable cell as empty: one mistake per cell is enough.
  std::set<std::string> reported;
  for (size_t i = 0; i < before_offer; ++i) reported.insert(errors[i].cell);
  size_t kept = before_offer;
  for (size_t i = before_offer; i < errors.size(); ++i) {
    if (!reported.insert(errors[i].cell).second) continue;
    if (kept != i) errors[kept] = std::move(errors[i]);
    ++kept;
  }
  errors.resize(kept);
  return f;
}

}  // namespace amiplace::plf
