#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/json_util.h"
#include "plf/form.h"
#include "plf/form_diff.h"
#include "plf/xlsx_reader.h"
#include "plf/xlsx_writer.h"

namespace amiplace::plf {
namespace {

namespace bj = boost::json;

bj::object Fixture(const std::string& name) {
  std::ifstream f(std::string(AMIPLACE_FIXTURES_DIR) + "/plf/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return bj::parse(ss.str()).as_object();
}

struct Fixtures {
  Entity product, offer;
  Fixtures() {
    product.id = "prod-buw2tw3bhmbag";
    product.type = std::string(kAmiProductType);
    product.details = Fixture("product.json");
    offer.id = "offer-dewtrzhhlbtrq";
    offer.type = std::string(kOfferType);
    offer.details = Fixture("offer.json");
  }
};

// The workbook as a spreadsheet program would hand it back: written to .xlsx and read again.
Workbook RoundTrip(const WorkbookSpec& spec) {
  auto bytes = WriteXlsx(spec);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  auto wb = ReadXlsx(*bytes);
  EXPECT_TRUE(wb.ok()) << wb.status().ToString();
  return *wb;
}

Sheet* Find(Workbook& wb, std::string_view name) {
  for (auto& s : wb.sheets) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

int Column(const Sheet& s, std::string_view header) {
  for (size_t c = 0; c < s.rows[0].size(); ++c) {
    std::string h = s.rows[0][c].text;
    if (h.ends_with(" *")) h.resize(h.size() - 2);
    if (h == header) return static_cast<int>(c);
  }
  ADD_FAILURE() << "no column " << header << " on " << s.name;
  return 0;
}

void Set(Workbook& wb, std::string_view sheet, int row, std::string_view header, CellValue v) {
  Sheet* s = Find(wb, sheet);
  ASSERT_NE(s, nullptr);
  int c = Column(*s, header);
  if (static_cast<int>(s->rows.size()) <= row) s->rows.resize(row + 1);
  if (static_cast<int>(s->rows[row].size()) <= c) s->rows[row].resize(c + 1);
  s->rows[row][c] = std::move(v);
}

struct Planned {
  PlannedChanges plan;
  std::vector<FormError> errors;
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& c : plan.changes) out.push_back(c.change_type);
    return out;
  }
};

Planned Plan(const Workbook& wb, const ProductForm* current, const Entity* offer) {
  Planned p;
  ProductForm desired = ReadForm(wb, p.errors);
  if (!p.errors.empty()) return p;
  p.plan = PlanChanges(current, offer, desired, [&](Origin o, std::string_view h, std::string m) {
    p.errors.push_back(ErrorAtCell(wb, o, h, std::move(m)));
  });
  return p;
}

std::string Cells(const std::vector<FormError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.cell + ": " + e.message + "\n";
  return out;
}

TEST(PlfFormTest, BlankFormHasEverySheetFrozenHeadersAndReportsRequiredCells) {
  Workbook wb = RoundTrip(FormToWorkbook(ProductForm{}));
  std::vector<std::string> names;
  for (const auto& s : wb.sheets) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Instructions", "Product", "Versions", "Regions",
                                             "Instance types", "Dimensions", "Allowlist", "Offer",
                                             "Lists"}));
  EXPECT_EQ(Find(wb, "Product")->rows[0][3].text, "ProductTitle *");
  std::vector<FormError> errors;
  ReadForm(wb, errors);
  std::string cells = Cells(errors);
  EXPECT_NE(cells.find("Product!D2: ProductTitle: is required"), std::string::npos) << cells;
  EXPECT_NE(cells.find("Offer!B2: OfferName: is required"), std::string::npos) << cells;
}

TEST(PlfFormTest, ExportThenUploadWithoutEditPlansNothing) {
  Fixtures f;
  ProductForm current = FormFromEntities(f.product, &f.offer);
  EXPECT_EQ(current.offer.pricing_model, "Usage");
  ASSERT_EQ(current.instance_types.size(), 2u);
  EXPECT_EQ(current.instance_types[0].hourly_price, "0.12");
  ASSERT_EQ(current.dimensions.size(), 1u);
  EXPECT_EQ(current.dimensions[0].price, "0.05");
  EXPECT_EQ(current.versions.at(0).security_groups, "tcp 22 0.0.0.0/0");
  Workbook wb = RoundTrip(FormToWorkbook(current));
  Planned p = Plan(wb, &current, &f.offer);
  EXPECT_TRUE(p.errors.empty()) << Cells(p.errors);
  EXPECT_TRUE(p.plan.changes.empty()) << p.plan.changes.size() << " "
                                      << (p.plan.changes.empty() ? "" : p.plan.changes[0].change_type);
}

TEST(PlfFormTest, EditsBecomeExactlyTheirChanges) {
  Fixtures f;
  ProductForm current = FormFromEntities(f.product, &f.offer);
  Workbook wb = RoundTrip(FormToWorkbook(current));
  Set(wb, "Product", 1, "ProductTitle", CellValue::String("Dump Pro"));
  Set(wb, "Instance types", 1, "HourlyPrice", CellValue::Number("0.25"));
  // A new version: its row after the exported one.
  Set(wb, "Versions", 2, "VersionTitle", CellValue::String("2.0.0"));
  Set(wb, "Versions", 2, "AmiId", CellValue::String("ami-0123456789abcdef0"));
  Set(wb, "Versions", 2, "AccessRoleArn", CellValue::String("arn:aws:iam::123456789012:role/Ingest"));
  Set(wb, "Versions", 2, "OsName", CellValue::String("UBUNTU"));
  Set(wb, "Versions", 2, "OsVersion", CellValue::Number("24.04"));
  Set(wb, "Versions", 2, "OsUserName", CellValue::String("ubuntu"));
  Set(wb, "Versions", 2, "ReleaseNotes", CellValue::String("Faster."));
  Set(wb, "Versions", 2, "UsageInstructions", CellValue::String("ssh as ubuntu"));
  Set(wb, "Versions", 2, "RecommendedInstanceType", CellValue::String("t3.small"));
  Set(wb, "Versions", 2, "SecurityGroups", CellValue::String("tcp 22 0.0.0.0/0; tcp 443 10.0.0.0/8, 192.168.0.0/16"));
  Planned p = Plan(wb, &current, &f.offer);
  ASSERT_TRUE(p.errors.empty()) << Cells(p.errors);
  EXPECT_EQ(p.types(), (std::vector<std::string>{"UpdateInformation", "AddDeliveryOptions",
                                                 "UpdatePricingTerms"}));
  EXPECT_EQ(bj::serialize(p.plan.changes[0].details), R"({"ProductTitle":"Dump Pro"})");
  EXPECT_EQ(p.plan.changes[0].entity_identifier, f.product.id);
  const auto& add = p.plan.changes[1].details.as_object();
  EXPECT_EQ(add.at("Version").at("VersionTitle"), "2.0.0");
  const auto& ami = add.at("DeliveryOptions").as_array()[0].at("Details").at("AmiDeliveryOptionDetails");
  EXPECT_EQ(ami.at("AmiSource").at("OperatingSystemVersion"), "24.04");
  EXPECT_EQ(bj::serialize(ami.at("SecurityGroups")),
            R"([{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":["0.0.0.0/0"]},)"
            R"({"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":["10.0.0.0/8","192.168.0.0/16"]}])");
  const auto& pricing = p.plan.changes[2];
  EXPECT_EQ(pricing.entity_identifier, f.offer.id);
  EXPECT_EQ(bj::serialize(pricing.details.at("Terms").as_array()[0].at("RateCards")),
            R"([{"RateCard":[{"DimensionKey":"Users","Price":"0.05"},)"
            R"({"DimensionKey":"t3.micro","Price":"0.25"},{"DimensionKey":"t3.small","Price":"0.13"}]}])");
}

TEST(PlfFormTest, RestrictionsAndAllowlistFollowTheSheets) {
  Fixtures f;
  ProductForm current = FormFromEntities(f.product, &f.offer);
  ProductForm edited = current;
  edited.instance_types.erase(edited.instance_types.begin() + 1);  // t3.small removed
  edited.regions.push_back({{}, "eu-west-1", false});
  edited.allowlist.push_back({{}, "444455556666"});
  edited.versions[0].status = "Restricted";
  Workbook wb = RoundTrip(FormToWorkbook(edited));
  Planned p = Plan(wb, &current, &f.offer);
  ASSERT_TRUE(p.errors.empty()) << Cells(p.errors);
  EXPECT_EQ(p.types(), (std::vector<std::string>{"AddRegions", "UpdateTargeting",
                                                 "RestrictDeliveryOptions", "RestrictInstanceTypes",
                                                 "RestrictDimensions", "UpdatePricingTerms"}));
  EXPECT_EQ(bj::serialize(p.plan.changes[4].details), R"([{"Key":"t3.small","Types":["Metered"]}])");
}

TEST(PlfFormTest, NewProductPlansTheWholeListingAndItsOffer) {
  Fixtures f;
  ProductForm form = FormFromEntities(f.product, &f.offer);
  form.info.product_id.clear();
  form.offer.offer_id.clear();
  for (auto& v : form.versions) {
    v.version_id.clear();
    v.access_role_arn = "arn:aws:iam::123456789012:role/Ingest";
  }
  Workbook wb = RoundTrip(FormToWorkbook(form));
  Planned p = Plan(wb, nullptr, nullptr);
  ASSERT_TRUE(p.errors.empty()) << Cells(p.errors);
  EXPECT_EQ(p.types(), (std::vector<std::string>{
                           "CreateProduct", "UpdateInformation", "AddRegions", "AddInstanceTypes",
                           "AddDeliveryOptions", "AddDimensions", "UpdateTargeting", "CreateOffer",
                           "UpdateInformation", "UpdatePricingTerms", "UpdateLegalTerms",
                           "UpdateSupportTerms"}));
  EXPECT_EQ(p.plan.changes[1].entity_identifier, "$PlfCreateProduct.Entity.Identifier");
  EXPECT_EQ(p.plan.changes[7].details.at("ProductId"), "$PlfCreateProduct.Entity.Identifier");
  EXPECT_EQ(p.plan.changes[9].entity_identifier, "$PlfCreateOffer.Entity.Identifier");
}

TEST(PlfFormTest, EveryMistakeIsReportedAtItsCell) {
  Fixtures f;
  ProductForm current = FormFromEntities(f.product, &f.offer);
  Workbook wb = RoundTrip(FormToWorkbook(current));
  Set(wb, "Product", 1, "ProductTitle", CellValue::String(""));
  Set(wb, "Regions", 1, "Region", CellValue::String("us-middle-7"));
  Set(wb, "Instance types", 1, "HourlyPrice", CellValue::String("12 cents"));
  Set(wb, "Allowlist", 1, "BuyerAccountId", CellValue::Number("1234"));
  Find(wb, "Dimensions")->name = "Dimension";  // a renamed sheet
  std::vector<FormError> errors;
  ReadForm(wb, errors);
  std::string cells = Cells(errors);
  EXPECT_NE(cells.find("Product!D2: ProductTitle: is required"), std::string::npos) << cells;
  EXPECT_NE(cells.find("Regions!A2: Region: 'us-middle-7' is not an AWS commercial region"), std::string::npos) << cells;
  EXPECT_NE(cells.find("'Instance types'!C2: HourlyPrice: '12 cents' is not a price in USD"), std::string::npos) << cells;
  EXPECT_NE(cells.find("Allowlist!A2: BuyerAccountId: '1234' is not a 12-digit AWS account ID"), std::string::npos) << cells;
  EXPECT_NE(cells.find("Dimensions!A1: the sheet 'Dimensions' is missing"), std::string::npos) << cells;
  EXPECT_EQ(errors.size(), 5u) << cells;
}

TEST(PlfFormTest, EditsTheMarketplaceForbidsAreMistakesToo) {
  Fixtures f;
  ProductForm current = FormFromEntities(f.product, &f.offer);
  Workbook wb = RoundTrip(FormToWorkbook(current));
  Set(wb, "Versions", 1, "AmiId", CellValue::String("ami-0123456789abcdef0"));
  Set(wb, "Dimensions", 1, "Unit", CellValue::String("GB"));
  Planned p = Plan(wb, &current, &f.offer);
  std::string cells = Cells(p.errors);
  EXPECT_NE(cells.find("Versions!D2: AmiId: an existing version's AmiId cannot change"), std::string::npos) << cells;
  EXPECT_NE(cells.find("Dimensions!D2: Unit: an existing dimension's unit cannot change"), std::string::npos) << cells;
}

TEST(PlfFormTest, HostileAndUnusualCellsAreReadSafely) {
  Fixtures f;
  ProductForm current = FormFromEntities(f.product, &f.offer);
  Workbook wb = RoundTrip(FormToWorkbook(current));
  Set(wb, "Dimensions", 1, "Key", CellValue::String(std::string(200'000, 'a')));  // no regex blow-up
  Set(wb, "Product", 1, "ProductTitle", CellValue::String("\u5b89\u5168\u306a\u30a2\u30d7\u30e9\u30a4\u30a2\u30f3\u30b9 "
                                                          "\u6700\u65b0\u7248 0123456789 abcdefghij"));
  Set(wb, "Product", 1, "ResourceUrl1", CellValue::String("http://example.com/docs"));
  std::vector<FormError> errors;
  ReadForm(wb, errors);
  std::string cells = Cells(errors);
  ASSERT_EQ(errors.size(), 1u) << cells;  // 37 characters are fine; http:// is fine for resources
  EXPECT_NE(cells.find("Dimensions!A2: Key: is 200000 characters long; at most 100 are allowed"), std::string::npos) << cells;
}

TEST(PlfFormTest, ExportsOfUnusualProductsUploadUnchanged) {
  Fixtures f;
  // Text with trailing white space, a keyword holding a comma, a dimension of two types, a BYOL
  // offer over hourly dimensions.
  auto& version = f.product.details["Versions"].as_array()[0].as_object();
  version["ReleaseNotes"] = "Fixes\n";
  f.product.details["Description"].as_object()["SearchKeywords"] = bj::array{"linux, hardened", "cis"};
  auto& users = f.product.details["Dimensions"].as_array()[2].as_object();
  users["Types"] = bj::array{"Entitled", "ExternallyMetered"};
  ProductForm current = FormFromEntities(f.product, &f.offer);
  Planned p = Plan(RoundTrip(FormToWorkbook(current)), &current, &f.offer);
  EXPECT_TRUE(p.errors.empty()) << Cells(p.errors);
  EXPECT_TRUE(p.plan.changes.empty()) << p.types().size();

  // Renaming the two-type dimension names both its types.
  Workbook wb = RoundTrip(FormToWorkbook(current));
  Set(wb, "Dimensions", 1, "Name", CellValue::String("Seats"));
  p = Plan(wb, &current, &f.offer);
  ASSERT_EQ(p.types(), std::vector<std::string>{"UpdateDimensions"}) << Cells(p.errors);
  EXPECT_EQ(bj::serialize(p.plan.changes[0].details),
            R"([{"Key":"Users","Types":["Entitled","ExternallyMetered"],"Name":"Seats"}])");

  Entity byol = f.offer;
  byol.details["Terms"] = bj::array{bj::object{{"Type", "ByolPricingTerm"}},
                                    f.offer.details["Terms"].as_array()[1],
                                    f.offer.details["Terms"].as_array()[2]};
  f.product.details["Dimensions"].as_array().erase(f.product.details["Dimensions"].as_array().begin() + 2);
  ProductForm byol_form = FormFromEntities(f.product, &byol);
  EXPECT_EQ(byol_form.offer.pricing_model, "Byol");
  p = Plan(RoundTrip(FormToWorkbook(byol_form)), &byol_form, &byol);
  EXPECT_TRUE(p.errors.empty()) << Cells(p.errors);
  EXPECT_TRUE(p.plan.changes.empty());
}

TEST(PlfFormTest, PricingEditsKeepTheOfferValid) {
  Fixtures f;
  // A free trial granting both instance types, kept when prices change.
  f.offer.details["Terms"].as_array().push_back(bj::parse(
      R"({"Type":"FreeTrialPricingTerm","Duration":"P30D",
          "Grants":[{"DimensionKey":"t3.micro"},{"DimensionKey":"t3.small"}]})"));
  ProductForm current = FormFromEntities(f.product, &f.offer);
  ProductForm edited = current;
  edited.instance_types.erase(edited.instance_types.begin() + 1);  // t3.small goes
  Planned p = Plan(RoundTrip(FormToWorkbook(edited)), &current, &f.offer);
  ASSERT_TRUE(p.errors.empty()) << Cells(p.errors);
  const Change& pricing = p.plan.changes.back();
  ASSERT_EQ(pricing.change_type, "UpdatePricingTerms");
  EXPECT_EQ(bj::serialize(pricing.details.at("Terms").as_array()[1]),
            R"({"Type":"FreeTrialPricingTerm","Duration":"P30D","Grants":[{"DimensionKey":"t3.micro"}]})");

  // A new instance type of an hourly product needs its price.
  Workbook wb = RoundTrip(FormToWorkbook(current));
  Set(wb, "Instance types", 3, "InstanceType", CellValue::String("t3.large"));
  std::vector<FormError> errors;
  ReadForm(wb, errors);
  EXPECT_EQ(Cells(errors),
            "'Instance types'!C4: HourlyPrice: is required: the product is priced by the hour, so "
            "every available instance type needs an hourly price (0 for none)\n");

  // Free: every metered dimension is on the rate card, at 0.
  edited = current;
  edited.offer.pricing_model = "Free";
  for (auto& t : edited.instance_types) t.hourly_price = "0";
  edited.dimensions[0].price.clear();
  p = Plan(RoundTrip(FormToWorkbook(edited)), &current, &f.offer);
  ASSERT_TRUE(p.errors.empty()) << Cells(p.errors);
  EXPECT_EQ(bj::serialize(p.plan.changes.back().details.at("Terms").as_array()[0].at("RateCards")),
            R"([{"RateCard":[{"DimensionKey":"Users","Price":"0"},{"DimensionKey":"t3.micro","Price":"0"},)"
            R"({"DimensionKey":"t3.small","Price":"0"}]}])");
}

TEST(PlfFormTest, SecurityGroupsAndEndpointsHaveOneCanonicalText) {
  std::string error;
  auto groups = ParseSecurityGroups(" TCP 8000-8080 10.0.0.0/8 ,192.168.0.0/16;udp 53 0.0.0.0/0 ", &error);
  ASSERT_TRUE(groups) << error;
  EXPECT_EQ(SecurityGroupsText(*groups), "tcp 8000-8080 10.0.0.0/8,192.168.0.0/16; udp 53 0.0.0.0/0");
  EXPECT_FALSE(ParseSecurityGroups("icmp 1 0.0.0.0/0", &error));
  EXPECT_NE(error.find("tcp or udp"), std::string::npos);
  EXPECT_FALSE(ParseSecurityGroups("tcp 80-20 0.0.0.0/0", &error));
  auto access = ParseAccessEndpoint("HTTPS 443 admin/login", &error);
  ASSERT_TRUE(access) << error;
  bj::value v(*access);
  EXPECT_EQ(AccessEndpointText(&v), "https 443 admin/login");
  EXPECT_FALSE(ParseAccessEndpoint("https 443 /admin", &error));
}

}  // namespace
}  // namespace amiplace::plf
