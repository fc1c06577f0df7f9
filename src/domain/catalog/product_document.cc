#include "domain/catalog/product_document.h"

#include <array>

namespace amiplace::product {

namespace bj = boost::json;

bj::object NewDocument(std::string_view product_code, std::string_view manufacturer) {
  bj::object doc;
  doc["Description"] = bj::object{
      {"ProductTitle", nullptr},     {"ProductCode", product_code},
      {"ShortDescription", nullptr}, {"LongDescription", nullptr},
      {"Manufacturer", manufacturer}, {"Sku", nullptr},
      {"Highlights", bj::array()},   {"AssociatedProducts", bj::array()},
      {"SearchKeywords", bj::array()}, {"Visibility", "Draft"},
      {"ProductState", "Active"},     {"ReplacementProductId", nullptr},
      {"Categories", bj::array()}};
  doc["PromotionalResources"] = bj::object{
      {"LogoUrl", nullptr}, {"Videos", bj::array()}, {"AdditionalResources", bj::array()}};
  doc["SupportInformation"] = bj::object{{"Description", nullptr}};
  doc["RegionAvailability"] = bj::object{
      {"Regions", bj::array()}, {"FutureRegionSupport", nullptr}, {"Restrict", bj::array()}};
  doc["Targeting"] = bj::object{{"PositiveTargeting", bj::object{{"BuyerAccounts", bj::array()}}}};
  doc["Compatibility"] = bj::object{{"AvailableInstanceTypes", bj::array()},
                                    {"RestrictedInstanceTypes", bj::array()}};
  doc["Dimensions"] = bj::array();
  doc["Versions"] = bj::array();
  return doc;
}

bj::object& Section(bj::object& doc, std::string_view name) {
  bj::value& v = doc[name];
  if (!v.is_object()) v = bj::object();
  return v.get_object();
}

bj::object& Description(bj::object& doc) { return Section(doc, "Description"); }

namespace {
bool Empty(const bj::object& o, std::string_view key) {
  const bj::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return true;
  if (v->is_string()) return v->get_string().empty();
  if (v->is_array()) return v->get_array().empty();
  return false;
}
const bj::object& Get(const bj::object& doc, std::string_view name) {
  static const bj::object kEmpty;
  const bj::value* v = doc.if_contains(name);
  return v && v->is_object() ? v->get_object() : kEmpty;
}
}  // namespace

std::vector<std::string> MissingInformation(const bj::object& doc) {
  std::vector<std::string> missing;
  const bj::object& d = Get(doc, "Description");
  const bj::object& p = Get(doc, "PromotionalResources");
  const bj::object& s = Get(doc, "SupportInformation");
  if (Empty(d, "ProductTitle")) missing.push_back("ProductTitle");
  if (Empty(d, "ShortDescription")) missing.push_back("ShortDescription");
  if (Empty(d, "LongDescription")) missing.push_back("LongDescription");
  if (Empty(p, "LogoUrl")) missing.push_back("LogoUrl");
  if (Empty(d, "Highlights")) missing.push_back("Highlights");
  if (!p.contains("AdditionalResources")) missing.push_back("AdditionalResources");
  if (Empty(s, "Description")) missing.push_back("SupportDescription");
  if (Empty(d, "Categories")) missing.push_back("Categories");
  if (Empty(d, "SearchKeywords")) missing.push_back("SearchKeywords");
  return missing;
}

namespace {
// AWS Marketplace's infrastructure and software categories for server products.
constexpr std::array<std::string_view, 40> kCategories = {
      "Operating Systems", "Security", "Network Infrastructure", "Migration",
      "Application Development", "Application Servers", "Application Stacks",
      "Big Data", "Business Intelligence", "Databases & Analytics Platforms",
      "Data Analytics", "Data Integration", "Data Preparation", "Databases",
      "DevOps", "Monitoring", "Log Analysis", "Continuous Integration and Continuous Delivery",
      "Source Control", "Testing", "Issue & Bug Tracking", "Infrastructure as Code",
      "Storage", "Backup & Recovery", "High Performance Computing", "Machine Learning",
      "Internet of Things", "Blockchain", "Media", "Content Management",
      "Collaboration & Productivity", "Customer Relationship Management",
      "eCommerce", "Education & Research", "Financial Services", "Healthcare & Life Sciences",
      "Identity & Access Management", "Firewalls", "Network Security", "Observability"};
}  // namespace

bool IsKnownCategory(std::string_view name) {
  return std::find(kCategories.begin(), kCategories.end(), name) != kCategories.end();
}

std::span<const std::string_view> KnownCategories() { return kCategories; }

}  // namespace amiplace::product
