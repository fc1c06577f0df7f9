// Tests of the workbook model's names and of the .xlsx writer and reader: round trips, files
// saved by openpyxl and LibreOffice (tests/fixtures/plf), hand-built parts, and hostile files.
#include <gtest/gtest.h>
#include <zip.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <list>
#include <map>
#include <sstream>
#include <string>

#include "plf/workbook.h"
#include "plf/xlsx_reader.h"
#include "plf/xlsx_writer.h"

namespace amiplace::plf {
namespace {

using Kind = CellValue::Kind;

// ---------------------------------------------------------------------------------------------
// Helpers: zips in memory, with libzip.

// Produces `size` bytes of `fill` without holding them: a zip entry far larger than the test's
// memory.
struct FillSource {
  uint64_t size;
  char fill;
  uint64_t pos = 0;
};

zip_int64_t FillCallback(void* userdata, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
  auto* src = static_cast<FillSource*>(userdata);
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      src->pos = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      uint64_t n = std::min<uint64_t>(len, src->size - src->pos);
      std::memset(data, src->fill, n);
      src->pos += n;
      return static_cast<zip_int64_t>(n);
    }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = src->size;
      st->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR: {
      zip_error_t error;
      zip_error_init_with_code(&error, ZIP_ER_INTERNAL);
      return zip_error_to_data(&error, data, len);
    }
    case ZIP_SOURCE_FREE:
      delete src;
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                            ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                            ZIP_SOURCE_SUPPORTS, -1);
    default:
      return -1;
  }
}

class ZipBuilder {
 public:
  ZipBuilder() {
    zip_error_t error;
    zip_error_init(&error);
    source_ = zip_source_buffer_create(nullptr, 0, 0, &error);
    zip_source_keep(source_);
    zip_ = zip_open_from_source(source_, ZIP_TRUNCATE, &error);
    zip_error_fini(&error);
  }

  ZipBuilder& Add(const std::string& name, std::string data) {
    data_.push_back(std::move(data));
    zip_source_t* s = zip_source_buffer(zip_, data_.back().data(), data_.back().size(), 0);
    EXPECT_GE(zip_file_add(zip_, name.c_str(), s, ZIP_FL_OVERWRITE), 0) << name;
    return *this;
  }

  // An entry of `size` bytes of `fill`, deflated.
  ZipBuilder& AddFill(const std::string& name, uint64_t size, char fill) {
    zip_source_t* s = zip_source_function(zip_, &FillCallback, new FillSource{size, fill});
    zip_int64_t index = zip_file_add(zip_, name.c_str(), s, ZIP_FL_OVERWRITE);
    EXPECT_GE(index, 0) << name;
    zip_set_file_compression(zip_, static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 9);
    return *this;
  }

  std::string Finish() {
    EXPECT_EQ(zip_close(zip_), 0);
    zip_stat_t st;
    zip_stat_init(&st);
    EXPECT_EQ(zip_source_open(source_), 0);
    EXPECT_EQ(zip_source_stat(source_, &st), 0);
    std::string out(st.size, '\0');
    EXPECT_EQ(zip_source_read(source_, out.data(), st.size), static_cast<zip_int64_t>(st.size));
    zip_source_close(source_);
    zip_source_free(source_);
    return out;
  }

 private:
  zip_source_t* source_;
  zip_t* zip_;
  std::list<std::string> data_;
};

// One entry of a zip, or "" when it is not there.
std::string Entry(const std::string& zip_bytes, const std::string& name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &error);
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &error);
  zip_error_fini(&error);
  if (za == nullptr) {
    zip_source_free(src);
    return "";
  }
  std::string out;
  zip_stat_t st;
  if (zip_stat(za, name.c_str(), 0, &st) == 0) {
    zip_file_t* f = zip_fopen(za, name.c_str(), 0);
    out.resize(st.size);
    zip_fread(f, out.data(), st.size);
    zip_fclose(f);
  }
  zip_discard(za);
  return out;
}

constexpr std::string_view kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
constexpr std::string_view kRel =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

std::string SheetXml(std::string_view sheet_data) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"" +
         std::string(kMain) + "\"><sheetData>" + std::string(sheet_data) +
         "</sheetData></worksheet>";
}

// A minimal workbook: the given sheets (name → sheet part XML) and optional shared strings and
// styles. Targets are relative, as Excel and LibreOffice write them.
struct HandBuilt {
  std::vector<std::pair<std::string, std::string>> sheets;
  std::string shared_strings;  // the whole part, or empty
  std::string styles;          // the whole part, or empty
  std::string workbook_pr;     // e.g. "<workbookPr date1904=\"1\"/>"
  bool absolute_targets = false;

  std::string Zip() const {
    ZipBuilder zip;
    std::string rels =
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas."
        "openxmlformats.org/package/2006/relationships\">";
    std::string list;
    for (size_t i = 0; i < sheets.size(); ++i) {
      std::string id = "rId" + std::to_string(i + 1);
      std::string part = "worksheets/sheet" + std::to_string(i + 1) + ".xml";
      rels += "<Relationship Id=\"" + id + "\" Type=\"" + std::string(kRel) +
              "/worksheet\" Target=\"" + (absolute_targets ? "/xl/" : "") + part + "\"/>";
      list += "<sheet name=\"" + sheets[i].first + "\" sheetId=\"" + std::to_string(i + 1) +
              "\" r:id=\"" + id + "\"/>";
      zip.Add("xl/" + part, sheets[i].second);
    }
    if (!shared_strings.empty()) {
      rels += "<Relationship Id=\"rIdS\" Type=\"" + std::string(kRel) +
              "/sharedStrings\" Target=\"sharedStrings.xml\"/>";
      zip.Add("xl/sharedStrings.xml", shared_strings);
    }
    if (!styles.empty()) {
      rels += "<Relationship Id=\"rIdT\" Type=\"" + std::string(kRel) +
              "/styles\" Target=\"styles.xml\"/>";
      zip.Add("xl/styles.xml", styles);
    }
    rels += "</Relationships>";
    zip.Add("[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas."
            "openxmlformats.org/package/2006/content-types\"/>");
    zip.Add("xl/_rels/workbook.xml.rels", rels);
    zip.Add("xl/workbook.xml", "<?xml version=\"1.0\"?><workbook xmlns=\"" + std::string(kMain) +
                                   "\" xmlns:r=\"" + std::string(kRel) + "\">" + workbook_pr +
                                   "<sheets>" + list + "</sheets></workbook>");
    return zip.Finish();
  }
};

std::string Sst(std::string_view items) {
  return "<?xml version=\"1.0\"?><sst xmlns=\"" + std::string(kMain) + "\">" + std::string(items) +
         "</sst>";
}

std::string Styles(std::string_view num_fmts, std::string_view xfs) {
  return "<?xml version=\"1.0\"?><styleSheet xmlns=\"" + std::string(kMain) + "\"><numFmts>" +
         std::string(num_fmts) + "</numFmts><cellXfs>" + std::string(xfs) +
         "</cellXfs></styleSheet>";
}

Workbook MustRead(const std::string& bytes, const ReadLimits& limits = {}) {
  auto wb = ReadXlsx(bytes, limits);
  EXPECT_TRUE(wb.ok()) << wb.status().ToString();
  return wb.ok() ? std::move(wb).value() : Workbook{};
}

// The error message of a read that must fail with kValidation.
std::string ReadError(const std::string& bytes, const ReadLimits& limits = {}) {
  auto wb = ReadXlsx(bytes, limits);
  EXPECT_FALSE(wb.ok());
  if (wb.ok()) return "";
  EXPECT_EQ(wb.status().code(), ErrorCode::kValidation) << wb.status().ToString();
  return wb.status().message();
}

std::string FixtureBytes(const std::string& name) {
  std::ifstream in(std::string(AMIPLACE_FIXTURES_DIR) + "/plf/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ExpectCell(const Sheet& sheet, int row, int col, Kind kind, const std::string& text) {
  const CellValue& v = sheet.At(row, col);
  EXPECT_EQ(v.kind, kind) << sheet.name << "!" << CellName(row, col) << " = '" << v.text << "'";
  EXPECT_EQ(v.text, text) << sheet.name << "!" << CellName(row, col);
}

// ---------------------------------------------------------------------------------------------
// workbook.h

TEST(WorkbookTest, ColumnAndCellNames) {
  EXPECT_EQ(ColumnName(0), "A");
  EXPECT_EQ(ColumnName(25), "Z");
  EXPECT_EQ(ColumnName(26), "AA");
  EXPECT_EQ(ColumnName(51), "AZ");
  EXPECT_EQ(ColumnName(701), "ZZ");
  EXPECT_EQ(ColumnName(702), "AAA");
  EXPECT_EQ(ColumnName(16383), "XFD");
  EXPECT_EQ(CellName(3, 2), "C4");
  EXPECT_EQ(CellName(0, 0), "A1");
  EXPECT_EQ(CellName(1048575, 16383), "XFD1048576");
}

TEST(WorkbookTest, SheetCellNamesQuoteAsExcelDoes) {
  EXPECT_EQ(SheetCellName("Product", 3, 2), "Product!C4");
  EXPECT_EQ(SheetCellName("Instance types", 2, 1), "'Instance types'!B3");
  EXPECT_EQ(SheetCellName("O'Brien", 0, 0), "'O''Brien'!A1");
  EXPECT_EQ(SheetCellName("Sheet_1.v2", 0, 0), "Sheet_1.v2!A1");
  EXPECT_EQ(SheetCellName("2024", 0, 0), "'2024'!A1");
  EXPECT_EQ(SheetCellName("Prix-HT", 0, 0), "'Prix-HT'!A1");
  EXPECT_EQ(SheetCellName("A1", 0, 0), "'A1'!A1");  // would read as a cell
  EXPECT_EQ(SheetCellName("R1C1", 0, 0), "'R1C1'!A1");
  EXPECT_EQ(SheetCellName("Préférences", 0, 0), "Préférences!A1");
}

TEST(WorkbookTest, AtAndFind) {
  Workbook wb;
  wb.sheets.push_back(
      Sheet{"Product", {{CellValue::String("a")}, {}, {CellValue{}, CellValue::Number("2")}}});
  wb.sheets.push_back(Sheet{"Instance types", {}});
  const Sheet* s = wb.Find("Product");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->At(0, 0).text, "a");
  EXPECT_EQ(s->At(2, 1).text, "2");
  EXPECT_TRUE(s->At(1, 0).empty());
  EXPECT_TRUE(s->At(2, 0).empty());
  EXPECT_TRUE(s->At(99, 99).empty());
  EXPECT_TRUE(s->At(-1, 0).empty());
  EXPECT_TRUE(s->At(0, -1).empty());
  EXPECT_EQ(wb.Find("instance TYPES"), &wb.sheets[1]);  // as Excel finds sheets
  EXPECT_EQ(wb.Find("Pricing"), nullptr);
}

// ---------------------------------------------------------------------------------------------
// Writer → reader.

WorkbookSpec SampleSpec() {
  WorkbookSpec spec;
  SheetSpec instructions{.name = "Instructions"};
  instructions.rows = {{"How to fill in this form"},
                       {"Each row of Product is one product."},
                       {},
                       {"## Pricing"},
                       {"Prices are in USD."}};
  instructions.bold_rows_prefix = {"How to", "## "};
  spec.sheets.push_back(instructions);

  SheetSpec product{.name = "Product"};
  product.columns = {
      {.header = "Title", .required = true, .note = "The product's name as buyers see it."},
      {.header = "Price", .note = "USD per hour", .width = 12, .number = true},
      {.header = "Visibility", .allowed = {"Public", "Limited", "Restricted"}},
      {.header = "Version"},
  };
  // clang-format off
  product.rows = {
      {"Widget Pro", "0.125", "Public", "1.10"},
      {"  spaced  ", "3", "", "2.0"},
      {"Ünïcødé ✓ 日本 🚀", "", "Limited", ""},
      {"", "1E-3", "", "=SUM(A1:A2)"},
      {"tab\there\nnewline", "3.10", "", "x\x01y"},
      {"_x0041_ stays", "9.99999999999999", "", "42"},
      {"big", "12345678901234567890", "", ""},
      {"neg", "-0.5", "", ""},
  };
  // clang-format on
  spec.sheets.push_back(product);
  return spec;
}

TEST(XlsxRoundTripTest, CellsComeBackAsWritten) {
  auto bytes = WriteXlsx(SampleSpec());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Workbook wb = MustRead(*bytes);
  ASSERT_EQ(wb.sheets.size(), 2u);
  EXPECT_EQ(wb.sheets[0].name, "Instructions");
  EXPECT_EQ(wb.sheets[1].name, "Product");

  const Sheet& text = wb.sheets[0];
  ASSERT_EQ(text.rows.size(), 5u);
  ExpectCell(text, 0, 0, Kind::kString, "How to fill in this form");
  EXPECT_TRUE(text.rows[2].empty());
  ExpectCell(text, 4, 0, Kind::kString, "Prices are in USD.");

  const Sheet& p = wb.sheets[1];
  ASSERT_EQ(p.rows.size(), 9u);
  ExpectCell(p, 0, 0, Kind::kString, "Title *");
  ExpectCell(p, 0, 1, Kind::kString, "Price");
  ExpectCell(p, 0, 3, Kind::kString, "Version");
  ExpectCell(p, 1, 0, Kind::kString, "Widget Pro");
  ExpectCell(p, 1, 1, Kind::kNumber, "0.125");
  ExpectCell(p, 1, 2, Kind::kString, "Public");
  ExpectCell(p, 1, 3, Kind::kString, "1.10");  // a text column keeps "1.10"
  ExpectCell(p, 2, 0, Kind::kString, "  spaced  ");
  ExpectCell(p, 2, 1, Kind::kNumber, "3");
  EXPECT_TRUE(p.At(2, 2).empty());  // an empty cell in the middle of the row
  ExpectCell(p, 2, 3, Kind::kString, "2.0");
  ExpectCell(p, 3, 0, Kind::kString, "Ünïcødé ✓ 日本 🚀");
  EXPECT_EQ(p.rows[3].size(), 3u);  // trailing empty cell trimmed
  EXPECT_TRUE(p.At(4, 0).empty());
  ExpectCell(p, 4, 1, Kind::kNumber, "0.001");
  ExpectCell(p, 4, 3, Kind::kString, "=SUM(A1:A2)");
  ExpectCell(p, 5, 0, Kind::kString, "tab\there\nnewline");
  ExpectCell(p, 5, 1, Kind::kNumber, "3.1");
  ExpectCell(p, 5, 3, Kind::kString, "x\x01y");
  ExpectCell(p, 6, 0, Kind::kString, "_x0041_ stays");
  // Numbers a double cannot carry exactly through the file stay text, digit for digit.
  ExpectCell(p, 6, 1, Kind::kString, "9.99999999999999");
  ExpectCell(p, 6, 3, Kind::kString, "42");
  ExpectCell(p, 7, 1, Kind::kString, "12345678901234567890");
  ExpectCell(p, 8, 1, Kind::kNumber, "-0.5");
}

TEST(XlsxWriterTest, TableSheetHasFrozenHeaderValidationsCommentsAndWidths) {
  auto bytes = WriteXlsx(SampleSpec());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  std::string sheet = Entry(*bytes, "xl/worksheets/sheet2.xml");
  ASSERT_FALSE(sheet.empty());
  EXPECT_NE(sheet.find("state=\"frozen\""), std::string::npos) << sheet;
  EXPECT_NE(sheet.find("ySplit=\"1\""), std::string::npos);
  EXPECT_NE(sheet.find("topLeftCell=\"A2\""), std::string::npos);
  EXPECT_NE(sheet.find("<dataValidation type=\"list\""), std::string::npos);
  EXPECT_NE(sheet.find("sqref=\"C2:C1000\""), std::string::npos);
  EXPECT_NE(sheet.find("<formula1>\"Public,Limited,Restricted\"</formula1>"), std::string::npos);
  EXPECT_NE(sheet.find("width=\"12.7109375\""), std::string::npos);  // 12 characters
  EXPECT_EQ(Entry(*bytes, "xl/worksheets/sheet1.xml").find("dataValidation"), std::string::npos);

  std::string comments = Entry(*bytes, "xl/comments1.xml");
  EXPECT_NE(comments.find("The product's name as buyers see it."), std::string::npos);
  EXPECT_NE(comments.find("USD per hour"), std::string::npos);
  std::string styles = Entry(*bytes, "xl/styles.xml");
  EXPECT_NE(styles.find("FFFFF2CC"), std::string::npos) << "required header fill";
  EXPECT_NE(styles.find("<b/>"), std::string::npos);
  EXPECT_NE(styles.find("numFmtId=\"49\""), std::string::npos) << "text columns as text";
  // No "Lists" sheet when every list fits inline.
  EXPECT_EQ(Entry(*bytes, "xl/workbook.xml").find("Lists"), std::string::npos);
}

TEST(XlsxWriterTest, TextSheetIsOneWideWrappedColumnWithBoldHeadings) {
  auto bytes = WriteXlsx(SampleSpec());
  ASSERT_TRUE(bytes.ok());
  std::string sheet = Entry(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(sheet.find("<col min=\"1\" max=\"1\" width=\"110.7109375\""), std::string::npos)
      << sheet;
  EXPECT_EQ(sheet.find("pane"), std::string::npos);
  // Headings ("How to…", "## Pricing") share one style, other lines another.
  auto style_of = [&](const std::string& cell) {
    size_t at = sheet.find("<c r=\"" + cell + "\"");
    size_t s = sheet.find(" s=\"", at);
    return sheet.substr(s + 4, sheet.find('"', s + 4) - s - 4);
  };
  EXPECT_EQ(style_of("A1"), style_of("A4"));
  EXPECT_EQ(style_of("A2"), style_of("A5"));
  EXPECT_NE(style_of("A1"), style_of("A2"));
}

TEST(XlsxWriterTest, LongListsGoToAHiddenListsSheet) {
  WorkbookSpec spec;
  SheetSpec sheet{.name = "Instance types"};
  ColumnSpec type{.header = "Instance type"};
  for (int i = 0; i < 60; ++i) type.allowed.push_back("m5." + std::to_string(i) + "xlarge");
  ColumnSpec region{.header = "Region", .allowed = {"us-east-1", "eu-west-1, Ireland"}};
  ColumnSpec region2{.header = "Region again", .allowed = region.allowed};  // shares a column
  sheet.columns = {type, region, region2};
  sheet.rows = {{"m5.3xlarge", "us-east-1"}};
  spec.sheets.push_back(sheet);
  auto bytes = WriteXlsx(spec);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();

  std::string xml = Entry(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(xml.find("<formula1>Lists!$A$1:$A$60</formula1>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<formula1>Lists!$B$1:$B$2</formula1>"), std::string::npos);
  EXPECT_EQ(xml.find("$C$"), std::string::npos);
  std::string workbook = Entry(*bytes, "xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"Lists\" sheetId=\"2\" state=\"hidden\""), std::string::npos)
      << workbook;

  Workbook wb = MustRead(*bytes);
  ASSERT_EQ(wb.sheets.size(), 2u);
  const Sheet* lists = wb.Find("Lists");
  ASSERT_NE(lists, nullptr);
  ASSERT_EQ(lists->rows.size(), 60u);
  ExpectCell(*lists, 0, 0, Kind::kString, "m5.0xlarge");
  ExpectCell(*lists, 59, 0, Kind::kString, "m5.59xlarge");
  ExpectCell(*lists, 1, 1, Kind::kString, "eu-west-1, Ireland");
  ExpectCell(wb.sheets[0], 1, 0, Kind::kString, "m5.3xlarge");
}

TEST(XlsxWriterTest, ListsSheetNameAvoidsTheSpecsSheets) {
  WorkbookSpec spec;
  SheetSpec lists{.name = "lists"};
  lists.rows = {{"a sheet of the spec"}};
  SheetSpec table{.name = "Data"};
  table.columns = {{.header = "Choice", .allowed = {"a\"quoted\"", "b"}}};
  spec.sheets = {lists, table};
  auto bytes = WriteXlsx(spec);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_NE(Entry(*bytes, "xl/worksheets/sheet2.xml").find("Lists2!$A$1:$A$2"), std::string::npos);
  Workbook wb = MustRead(*bytes);
  ASSERT_EQ(wb.sheets.size(), 3u);
  EXPECT_EQ(wb.sheets[2].name, "Lists2");
  ExpectCell(wb.sheets[2], 0, 0, Kind::kString, "a\"quoted\"");
}

TEST(XlsxWriterTest, InlineListsUpTo255Characters) {
  WorkbookSpec spec;
  SheetSpec sheet{.name = "Data"};
  sheet.columns = {
      {.header = "Fits", .allowed = {std::string(127, 'a'), std::string(127, 'b')}},
      {.header = "Too long", .allowed = {std::string(127, 'c'), std::string(128, 'd')}}};
  spec.sheets.push_back(sheet);
  auto bytes = WriteXlsx(spec);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  std::string xml = Entry(*bytes, "xl/worksheets/sheet1.xml");
  EXPECT_NE(xml.find("<formula1>\"" + std::string(127, 'a') + ","), std::string::npos) << xml;
  EXPECT_NE(xml.find("<formula1>Lists!$A$1:$A$2</formula1>"), std::string::npos) << xml;
}

TEST(XlsxWriterTest, ValidationRangeCoversEveryDataRow) {
  WorkbookSpec spec;
  SheetSpec sheet{.name = "Data"};
  sheet.columns = {{.header = "Choice", .allowed = {"x", "y"}}};
  sheet.rows.assign(1500, {"x"});
  spec.sheets.push_back(sheet);
  auto bytes = WriteXlsx(spec);
  ASSERT_TRUE(bytes.ok());
  EXPECT_NE(Entry(*bytes, "xl/worksheets/sheet1.xml").find("sqref=\"A2:A1501\""),
            std::string::npos);
}

TEST(XlsxWriterTest, RefusesWhatExcelCannotHold) {
  auto error_of = [](WorkbookSpec spec) {
    auto bytes = WriteXlsx(spec);
    EXPECT_FALSE(bytes.ok());
    EXPECT_EQ(bytes.status().code(), ErrorCode::kValidation);
    return bytes.status().message();
  };
  auto named = [](std::string name) {
    WorkbookSpec spec;
    spec.sheets.push_back(SheetSpec{.name = std::move(name)});
    return spec;
  };
  EXPECT_EQ(error_of(WorkbookSpec{}), "a workbook needs at least one sheet");
  EXPECT_NE(error_of(named("a/b")).find("contains '/'"), std::string::npos);
  EXPECT_NE(error_of(named("Price[USD]")).find("contains '['"), std::string::npos);
  EXPECT_NE(error_of(named("What?")).find("[]:*?/\\"), std::string::npos);
  EXPECT_NE(error_of(named(std::string(32, 'x'))).find("longer than 31"), std::string::npos);
  EXPECT_TRUE(ValidateSheetName(std::string(31, 'x')).ok());
  EXPECT_FALSE(ValidateSheetName("Ünïcødé ✓ 日本 sheet names count characters").ok());
  EXPECT_TRUE(ValidateSheetName("日本語のシート名は三十一文字まで数えます").ok());
  EXPECT_NE(error_of(named("")).find("empty"), std::string::npos);
  EXPECT_NE(error_of(named("'quoted'")).find("apostrophe"), std::string::npos);
  EXPECT_NE(error_of(named("History")).find("reserved"), std::string::npos);

  WorkbookSpec twins;
  twins.sheets = {SheetSpec{.name = "Product"}, SheetSpec{.name = "PRODUCT"}};
  EXPECT_NE(error_of(twins).find("the same to Excel"), std::string::npos);

  WorkbookSpec bad_utf8 = named("Product");
  bad_utf8.sheets[0].columns = {{.header = "Title"}, {.header = "Price"}};
  bad_utf8.sheets[0].rows = {{"ok", "ok"}, {"ok", "bad \xC3("}};
  EXPECT_EQ(error_of(bad_utf8), "Product!B3: the text is not valid UTF-8");

  WorkbookSpec too_long = named("Product");
  too_long.sheets[0].columns = {{.header = "Title"}};
  too_long.sheets[0].rows = {{std::string(32768, 'x')}};
  EXPECT_EQ(error_of(too_long),
            "Product!A2: the text is 32768 characters long; a cell holds at most 32767");
  too_long.sheets[0].rows = {{std::string(32767, 'x')}};
  EXPECT_TRUE(WriteXlsx(too_long).ok());
}

TEST(XlsxWriterTest, LeavesNoTemporaryFiles) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("amiplace-xlsx-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  setenv("TMPDIR", dir.c_str(), 1);
  auto bytes = WriteXlsx(SampleSpec());
  if (old) {
    setenv("TMPDIR", saved.c_str(), 1);
  } else {
    unsetenv("TMPDIR");
  }
  EXPECT_TRUE(bytes.ok());
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// Files saved by other programs.

void ExpectFixtureProduct(const Workbook& wb, bool from_libreoffice) {
  ASSERT_EQ(wb.sheets.size(), 2u);
  const Sheet& p = wb.sheets[0];
  EXPECT_EQ(p.name, "Product");
  ASSERT_EQ(p.rows.size(), 6u);
  ExpectCell(p, 0, 0, Kind::kString, "Title");
  ExpectCell(p, 0, 6, Kind::kString, "Formula");
  ExpectCell(p, 1, 0, Kind::kString, "Widget  Pro");
  ExpectCell(p, 1, 1, Kind::kNumber, "0.125");
  ExpectCell(p, 1, 2, Kind::kNumber, "3");
  ExpectCell(p, 1, 3, Kind::kBoolean, "TRUE");
  ExpectCell(p, 1, 4, Kind::kDate, "2024-03-15");
  ExpectCell(p, 1, 5, Kind::kString, "  padded  ");
  if (from_libreoffice) {
    ExpectCell(p, 1, 6, Kind::kString, "Widget  Pro!");  // a formula's cached string result
  } else {
    EXPECT_TRUE(p.At(1, 6).empty());  // openpyxl stores no result for formulas
  }
  ExpectCell(p, 2, 0, Kind::kString, "Ünïcødé ✓ 日本");  // rich text runs, for LibreOffice
  ExpectCell(p, 2, 1, Kind::kNumber, "1234.5");
  ExpectCell(p, 2, 2, Kind::kNumber, "42");
  ExpectCell(p, 2, 3, Kind::kBoolean, "FALSE");
  ExpectCell(p, 2, 4, Kind::kDate, "2024-03-15T13:45:00");
  EXPECT_EQ(p.rows[2].size(), 5u);
  ExpectCell(p, 3, 0, Kind::kString, "gap");
  EXPECT_EQ(p.At(3, 1).kind, Kind::kEmpty);
  ExpectCell(p, 3, 2, Kind::kNumber, "7");
  EXPECT_EQ(p.At(3, 3).kind, Kind::kEmpty);
  EXPECT_EQ(p.At(3, 4).kind, Kind::kEmpty);
  ExpectCell(p, 3, 5, Kind::kString, "after gap");
  EXPECT_TRUE(p.rows[4].empty());
  ExpectCell(p, 5, 0, Kind::kString, "last");
  ExpectCell(p, 5, 1, Kind::kNumber, "-2");
  ExpectCell(p, 5, 2, Kind::kNumber, "0.001");

  const Sheet& it = wb.sheets[1];
  EXPECT_EQ(it.name, "Instance types");
  ASSERT_EQ(it.rows.size(), 3u);
  ExpectCell(it, 0, 0, Kind::kString, "Instance type");
  ExpectCell(it, 1, 0, Kind::kString, "m5.large");
  ExpectCell(it, 1, 1, Kind::kNumber, "0.096");
  ExpectCell(it, 2, 1, Kind::kNumber, "0");
}

TEST(XlsxReaderTest, ReadsWhatOpenpyxlSaves) {
  ExpectFixtureProduct(MustRead(FixtureBytes("openpyxl.xlsx")), false);
}

TEST(XlsxReaderTest, ReadsWhatOpenpyxlSavesIn1904DateSystem) {
  ExpectFixtureProduct(MustRead(FixtureBytes("openpyxl_1904.xlsx")), false);
}

TEST(XlsxReaderTest, ReadsWhatLibreOfficeSaves) {
  ExpectFixtureProduct(MustRead(FixtureBytes("libreoffice.xlsx")), true);
}

// ---------------------------------------------------------------------------------------------
// Hand-built parts.

TEST(XlsxReaderTest, SharedStringsRichTextPhoneticsAndEscapes) {
  HandBuilt hb;
  hb.shared_strings = Sst(
      "<si><t>plain</t></si>"
      "<si><r><rPr><b/></rPr><t>bold </t></r><r><t xml:space=\"preserve\"> and plain</t></r></si>"
      "<si><t xml:space=\"preserve\">   </t></si>"
      "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh><phoneticPr fontId=\"1\"/></si>"
      "<si><t>line_x000D__x000A_next _x005F_x0041_ &amp; &lt;&#x1F680;&gt;</t></si>"
      "<si/>"
      "<si><t><![CDATA[<cdata>]]></t></si>");
  hb.sheets = {{"S", SheetXml("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
                              "<c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c>"
                              "<c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" t=\"s\"><v>4</v></c>"
                              "<c r=\"F1\" t=\"s\"><v>5</v></c><c r=\"G1\" t=\"s\"><v>6</v></c>"
                              "</row>")}};
  Workbook wb = MustRead(hb.Zip());
  const Sheet& s = wb.sheets.at(0);
  ExpectCell(s, 0, 0, Kind::kString, "plain");
  ExpectCell(s, 0, 1, Kind::kString, "bold  and plain");
  ExpectCell(s, 0, 2, Kind::kString, "   ");
  ExpectCell(s, 0, 3, Kind::kString, "東京");
  ExpectCell(s, 0, 4, Kind::kString, "line\r\nnext _x0041_ & <🚀>");
  EXPECT_TRUE(s.At(0, 5).empty());
  ExpectCell(s, 0, 6, Kind::kString, "<cdata>");
}

TEST(XlsxReaderTest, CellTypes) {
  HandBuilt hb;
  hb.sheets = {
      {"Types",
       SheetXml("<row r=\"1\">"
                "<c r=\"A1\" t=\"inlineStr\"><is><t>inline</t></is></c>"
                "<c r=\"B1\" t=\"inlineStr\"><is><r><t>rich </t></r><r><t>inline</t></r></is></c>"
                "<c r=\"C1\" t=\"str\"><f>A1&amp;\"!\"</f><v>inline!</v></c>"
                "<c r=\"D1\" t=\"b\"><v>1</v></c><c r=\"E1\" t=\"b\"><v>0</v></c>"
                "<c r=\"F1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
                "<c r=\"G1\" t=\"n\"><v>1.5E-3</v></c><c r=\"H1\"><v>12345678901234567890</v></c>"
                "<c r=\"I1\" t=\"d\"><v>2024-03-15T00:00:00Z</v></c>"
                "<c r=\"J1\" t=\"d\"><v>2024-03-15T13:45:30.250</v></c>"
                "<c r=\"K1\" t=\"d\"><v>2024-02-30</v></c>"
                "<c r=\"L1\"><f>SUM(1,2)</f></c>"
                "<c r=\"M1\" s=\"3\"/><c r=\"N1\" t=\"s\"/>"
                "</row>")}};
  Workbook wb = MustRead(hb.Zip());
  const Sheet& s = wb.sheets.at(0);
  ExpectCell(s, 0, 0, Kind::kString, "inline");
  ExpectCell(s, 0, 1, Kind::kString, "rich inline");
  ExpectCell(s, 0, 2, Kind::kString, "inline!");
  ExpectCell(s, 0, 3, Kind::kBoolean, "TRUE");
  ExpectCell(s, 0, 4, Kind::kBoolean, "FALSE");
  ExpectCell(s, 0, 5, Kind::kError, "#DIV/0!");
  ExpectCell(s, 0, 6, Kind::kNumber, "1.5E-3");
  ExpectCell(s, 0, 7, Kind::kNumber, "12345678901234567890");
  ExpectCell(s, 0, 8, Kind::kDate, "2024-03-15");
  ExpectCell(s, 0, 9, Kind::kDate, "2024-03-15T13:45:30");
  ExpectCell(s, 0, 10, Kind::kString, "2024-02-30");  // no such day: left as text
  EXPECT_EQ(s.rows[0].size(), 11u);  // a formula without a result and empty cells trimmed
}

TEST(XlsxReaderTest, DatesByStyle) {
  HandBuilt hb;
  hb.styles = Styles(
      "<numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/>"
      "<numFmt numFmtId=\"165\" formatCode=\"[Red]0.00;[Blue]\\-0.00\"/>"
      "<numFmt numFmtId=\"166\" formatCode=\"&quot;days: &quot;0\"/>"
      "<numFmt numFmtId=\"167\" formatCode=\"[$-409]d\\-mmm;@\"/>"
      "<numFmt numFmtId=\"168\" formatCode=\"#,##0_);[Red](#,##0)\"/>",
      "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/><xf numFmtId=\"164\"/>"
      "<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"167\"/><xf numFmtId=\"168\"/>"
      "<xf numFmtId=\"46\"/><xf numFmtId=\"2\"/>");
  hb.sheets = {
      {"Dates",
       SheetXml("<row><c s=\"1\"><v>45366</v></c><c s=\"2\"><v>45366.5729166667</v></c>"
                "<c s=\"3\"><v>45366</v></c><c s=\"4\"><v>45366</v></c><c s=\"5\"><v>45366</v></c>"
                "<c s=\"6\"><v>45366</v></c><c s=\"7\"><v>45366</v></c><c s=\"8\"><v>1.5</v></c>"
                "<c s=\"9\"><v>45366</v></c><c s=\"99\"><v>45366</v></c></row>"
                "<row><c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c>"
                "<c s=\"1\"><v>61</v></c><c s=\"1\"><v>2958465</v></c><c s=\"1\"><v>-1</v></c>"
                "<c s=\"1\"><v>3000000</v></c><c s=\"2\"><v>0.99999999</v></c></row>")}};
  Workbook wb = MustRead(hb.Zip());
  const Sheet& s = wb.sheets.at(0);
  ExpectCell(s, 0, 0, Kind::kDate, "2024-03-15");
  ExpectCell(s, 0, 1, Kind::kDate, "2024-03-15T13:45:00");
  ExpectCell(s, 0, 2, Kind::kDate, "2024-03-15");
  ExpectCell(s, 0, 3, Kind::kNumber, "45366");  // colours and signs are no dates
  ExpectCell(s, 0, 4, Kind::kNumber, "45366");  // quoted text is no date
  ExpectCell(s, 0, 5, Kind::kDate, "2024-03-15");
  ExpectCell(s, 0, 6, Kind::kNumber, "45366");
  ExpectCell(s, 0, 7, Kind::kDate, "1900-01-01T12:00:00");  // [h]:mm:ss-like built-in 46
  ExpectCell(s, 0, 8, Kind::kNumber, "45366");
  ExpectCell(s, 0, 9, Kind::kNumber, "45366");  // a style the file does not define
  ExpectCell(s, 1, 0, Kind::kDate, "1900-01-01");
  ExpectCell(s, 1, 1, Kind::kDate, "1900-02-28");
  ExpectCell(s, 1, 2, Kind::kDate, "1900-02-29");  // Excel's phantom day
  ExpectCell(s, 1, 3, Kind::kDate, "1900-03-01");
  ExpectCell(s, 1, 4, Kind::kDate, "9999-12-31");
  ExpectCell(s, 1, 5, Kind::kNumber, "-1");
  ExpectCell(s, 1, 6, Kind::kNumber, "3000000");
  ExpectCell(s, 1, 7, Kind::kDate, "1900-01-01");  // rounds to the next midnight

  hb.workbook_pr = "<workbookPr date1904=\"true\"/>";
  Workbook wb1904 = MustRead(hb.Zip());
  ExpectCell(wb1904.sheets.at(0), 0, 0, Kind::kDate, "2028-03-16");
  ExpectCell(wb1904.sheets.at(0), 1, 0, Kind::kDate, "1904-01-02");
}

TEST(XlsxReaderTest, CellsAndRowsWithoutReferences) {
  HandBuilt hb;
  hb.absolute_targets = true;
  hb.sheets = {
      {"Refs",
       SheetXml("<row><c t=\"inlineStr\"><is><t>A1</t></is></c><c><v>2</v></c>"
                "<c r=\"E1\"><v>5</v></c><c><v>6</v></c></row>"
                "<row/>"
                "<row r=\"5\"><c r=\"B5\"><v>1</v></c></row>"
                "<row><c><v>7</v></c></row>"
                "<row r=\"9\" spans=\"1:3\"><c r=\"A9\" s=\"1\"/><c r=\"B9\" s=\"1\"/></row>")}};
  Workbook wb = MustRead(hb.Zip());
  const Sheet& s = wb.sheets.at(0);
  ASSERT_EQ(s.rows.size(), 6u);  // the styled but empty row 9 is trimmed
  ExpectCell(s, 0, 0, Kind::kString, "A1");
  ExpectCell(s, 0, 1, Kind::kNumber, "2");
  ExpectCell(s, 0, 4, Kind::kNumber, "5");
  ExpectCell(s, 0, 5, Kind::kNumber, "6");
  EXPECT_TRUE(s.rows[1].empty());
  ExpectCell(s, 4, 1, Kind::kNumber, "1");
  ExpectCell(s, 5, 0, Kind::kNumber, "7");
}

TEST(XlsxReaderTest, PrefixedElementsAndSheetOrder) {
  // Some generators (the Open XML SDK) prefix the main namespace.
  std::string prefixed = "<?xml version=\"1.0\"?><x:worksheet xmlns:x=\"" + std::string(kMain) +
                         "\"><x:sheetData><x:row r=\"1\"><x:c r=\"B1\" t=\"inlineStr\"><x:is>"
                         "<x:t>prefixed</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>";
  HandBuilt hb;
  hb.sheets = {{"Zeta", prefixed}, {"Alpha", SheetXml("")}};
  Workbook wb = MustRead(hb.Zip());
  ASSERT_EQ(wb.sheets.size(), 2u);
  EXPECT_EQ(wb.sheets[0].name, "Zeta");
  EXPECT_EQ(wb.sheets[1].name, "Alpha");
  ExpectCell(wb.sheets[0], 0, 1, Kind::kString, "prefixed");
  EXPECT_TRUE(wb.sheets[1].rows.empty());
}

// ---------------------------------------------------------------------------------------------
// Broken and hostile files.

TEST(XlsxReaderTest, RefusesWhatIsNotAWorkbook) {
  EXPECT_EQ(ReadError("hello, world"), "the file is not an .xlsx workbook (not a zip archive)");
  EXPECT_EQ(ReadError(""), "the file is empty");
  EXPECT_NE(ReadError(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'))
                .find("old-style .xls"),
            std::string::npos);

  auto good = WriteXlsx(SampleSpec());
  ASSERT_TRUE(good.ok());
  std::string truncated = good->substr(0, good->size() / 2);
  EXPECT_NE(ReadError(truncated).find("truncated"), std::string::npos);

  std::string no_workbook = ZipBuilder().Add("hello.txt", "hi").Finish();
  EXPECT_EQ(ReadError(no_workbook),
            "the file is not an .xlsx workbook (it has no xl/workbook.xml)");

  std::string docx = ZipBuilder()
                         .Add("_rels/.rels",
                              "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
                              "2006/relationships\"><Relationship Id=\"rId1\" Type=\"" +
                                  std::string(kRel) +
                                  "/officeDocument\" Target=\"word/document.xml\"/>"
                                  "</Relationships>")
                         .Add("word/document.xml", "<w:document xmlns:w=\"urn:w\"/>")
                         .Finish();
  EXPECT_EQ(ReadError(docx),
            "the file is not an .xlsx workbook (word/document.xml is not a workbook)");
}

TEST(XlsxReaderTest, RefusesOversizedFiles) {
  std::string big(11 * (1 << 20) + 300 * 1024, 'x');
  EXPECT_EQ(ReadError(big), "the file is 11.3 MB; uploads are limited to 10 MB");
  EXPECT_EQ(ReadError(std::string(2000, 'x'), {.max_file_bytes = 1000}),
            "the file is 2000 bytes; uploads are limited to 1000 bytes");
}

TEST(XlsxReaderTest, RefusesAZipBombBeforeInflating) {
  // 200 MB of one byte deflates to about 200 KB.
  std::string bomb = ZipBuilder().AddFill("xl/worksheets/sheet1.xml", 200ull << 20, ' ').Finish();
  EXPECT_LT(bomb.size(), 1u << 20);
  EXPECT_EQ(ReadError(bomb), "the workbook would inflate to more than 100 MB (a zip bomb?)");

  // Under 100 MB, but 1000 times its size.
  std::string dense = ZipBuilder().AddFill("xl/worksheets/sheet1.xml", 5 << 20, ' ').Finish();
  std::string message = ReadError(dense);
  EXPECT_NE(message.find("times its size, more than the 100 allowed (a zip bomb?)"),
            std::string::npos)
      << message;
}

// Rewrites the uncompressed size the zip declares for `name`, in its local header and in the
// central directory, as a forged archive would.
void ForgeDeclaredSize(std::string& zip, const std::string& name, uint32_t size) {
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) zip[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  auto get16 = [&](size_t at) {
    return static_cast<size_t>(static_cast<unsigned char>(zip[at])) |
           static_cast<size_t>(static_cast<unsigned char>(zip[at + 1])) << 8;
  };
  int patched = 0;
  for (size_t at = 0; at + 46 < zip.size(); ++at) {
    if (zip.compare(at, 4, "PK\x01\x02") == 0 && zip.compare(at + 46, name.size(), name) == 0 &&
        get16(at + 28) == name.size()) {
      put32(at + 24, size);
      ++patched;
    } else if (zip.compare(at, 4, "PK\x03\x04") == 0 &&
               zip.compare(at + 30, name.size(), name) == 0 && get16(at + 26) == name.size()) {
      put32(at + 22, size);
      ++patched;
    }
  }
  ASSERT_EQ(patched, 2);
}

TEST(XlsxReaderTest, RefusesAnEntryLargerThanDeclared) {
  // A real workbook whose sheet part is 5 MB of blanks, declared as 1000 bytes.
  ZipBuilder zip;
  zip.Add("xl/_rels/workbook.xml.rels",
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" Type=\"" +
              std::string(kRel) +
              "/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>");
  zip.Add("xl/workbook.xml", "<workbook xmlns=\"" + std::string(kMain) + "\" xmlns:r=\"" +
                                 std::string(kRel) +
                                 "\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
                                 "</sheets></workbook>");
  zip.AddFill("xl/worksheets/sheet1.xml", 5 << 20, ' ');
  std::string forged = zip.Finish();
  ForgeDeclaredSize(forged, "xl/worksheets/sheet1.xml", 1000);
  std::string message = ReadError(forged);
  EXPECT_EQ(message,
            "xl/worksheets/sheet1.xml inflates to more than the 1000 bytes the zip directory "
            "declares (a zip bomb?)");
}

TEST(XlsxReaderTest, RefusesMalformedXml) {
  HandBuilt hb;
  hb.sheets = {{"S", SheetXml("<row r=\"1\"><c r=\"A1\"><v>1</v></row>")}};
  std::string message = ReadError(hb.Zip());
  EXPECT_EQ(message.rfind("xl/worksheets/sheet1.xml is not well-formed XML: </row> where </c> "
                          "was expected",
                          0),
            0u)
      << message;

  for (std::string bad : {
           std::string("<worksheet><sheetData>"),          // unterminated
           std::string("<worksheet a=1/>"),                // unquoted attribute
           std::string("<worksheet>&bogus;</worksheet>"),  // undefined entity
           std::string("<worksheet>&#0;</worksheet>"),     // invalid character
           std::string("<worksheet/><worksheet/>"),        // two roots
           std::string("text"),                            // no root
           std::string("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet>&a;</worksheet>"),
           std::string("<worksheet a=\"1\" a=\"2\"/>"),  // repeated attribute
           std::string(300, '<'),
           [] {
             std::string deep;
             for (int i = 0; i < 100000; ++i) deep += "<a>";
             return deep;
           }(),
       }) {
    HandBuilt one;
    one.sheets = {{"S", bad}};
    std::string m = ReadError(one.Zip(), {.max_ratio = 1e9});  // some compress very well
    EXPECT_EQ(m.rfind("xl/worksheets/sheet1.xml is not well-formed XML: ", 0), 0u) << m;
  }

  HandBuilt broken_strings;
  broken_strings.shared_strings = "<sst><si><t>unclosed</si></sst>";
  broken_strings.sheets = {{"S", SheetXml("")}};
  EXPECT_EQ(ReadError(broken_strings.Zip()).rfind("xl/sharedStrings.xml is not well-formed XML", 0),
            0u);

  std::string broken_workbook =
      ZipBuilder().Add("xl/workbook.xml", "<workbook><sheets></workbook>").Finish();
  EXPECT_EQ(ReadError(broken_workbook).rfind("xl/workbook.xml is not well-formed XML: ", 0), 0u);
}

TEST(XlsxReaderTest, RefusesInconsistentParts) {
  HandBuilt hb;
  hb.sheets = {{"S", SheetXml("")}};
  std::string zip = hb.Zip();
  // Drop the sheet part: rebuild without it.
  ZipBuilder without;
  for (const char* name : {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}) {
    without.Add(name, Entry(zip, name));
  }
  EXPECT_EQ(ReadError(without.Finish()),
            "xl/workbook.xml lists sheet 'S' at xl/worksheets/sheet1.xml, which the file does not "
            "contain");

  HandBuilt bad_index;
  bad_index.shared_strings = Sst("<si><t>only</t></si>");
  bad_index.sheets = {{"S", SheetXml("<row><c r=\"B2\" t=\"s\"><v>7</v></c></row>")}};
  EXPECT_EQ(
      ReadError(bad_index.Zip()),
      "xl/worksheets/sheet1.xml: cell B2 refers to shared string '7', but the workbook has 1");

  HandBuilt bad_ref;
  bad_ref.sheets = {{"S", SheetXml("<row><c r=\"XFE1\"><v>1</v></c></row>")}};
  EXPECT_EQ(ReadError(bad_ref.Zip()),
            "xl/worksheets/sheet1.xml: cell reference 'XFE1' is not valid");
}

TEST(XlsxReaderTest, CountsCellsAgainstTheLimit) {
  HandBuilt hb;
  hb.sheets = {{"S", SheetXml("<row><c r=\"A1\"><v>1</v></c><c r=\"J1\"><v>1</v></c></row>")}};
  std::string zip = hb.Zip();
  EXPECT_EQ(MustRead(zip, {.max_cells = 10}).sheets[0].rows[0].size(), 10u);
  EXPECT_NE(ReadError(zip, {.max_cells = 9}).find("more than 9 cells"), std::string::npos);

  // One far-away cell per row would need 16384 × rows slots: refused, not allocated.
  std::string sparse;
  for (int r = 1; r <= 200; ++r) {
    sparse += "<row r=\"" + std::to_string(r) + "\"><c r=\"XFD" + std::to_string(r) +
              "\"><v>1</v></c></row>";
  }
  HandBuilt far;
  far.sheets = {{"S", SheetXml(sparse)}};
  EXPECT_NE(ReadError(far.Zip(), {.max_cells = 1'000'000}).find("more than 1000000 cells"),
            std::string::npos);
}

TEST(XlsxReaderTest, CountsTextAgainstTheLimit) {
  // One 100 KB shared string used by 100 cells: 10 MB of text from a small file.
  HandBuilt hb;
  hb.shared_strings = Sst("<si><t>" + std::string(100 << 10, 'x') + "</t></si>");
  std::string cells;
  for (int i = 1; i <= 100; ++i) cells += "<row><c t=\"s\"><v>0</v></c></row>";
  hb.sheets = {{"S", SheetXml(cells)}};
  std::string zip = hb.Zip();
  EXPECT_EQ(MustRead(zip).sheets[0].rows.size(), 100u);
  EXPECT_NE(ReadError(zip, {.max_inflated_bytes = 5 << 20}).find("more than 5 MB of text"),
            std::string::npos);
}

}  // namespace
}  // namespace amiplace::plf
