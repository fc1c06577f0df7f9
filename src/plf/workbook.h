// The in-memory workbook that Product Load Forms are made of: named sheets of cells, as a
// spreadsheet program shows them. `xlsx_writer.h` turns a WorkbookSpec (sheets with column
// definitions, drop-down lists and notes) into an .xlsx file with libxlsxwriter; `xlsx_reader.h`
// reads any .xlsx (as Excel, LibreOffice or openpyxl save it) back into a Workbook. Neither knows
// what a product is: the form (`form.h`) maps products to sheets and back. Value types; no
// shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amiplace::plf {

// One cell's value as read. Numbers keep the exact text the file stores ("0.125", "3", "1E-3")
// so that prices convert to exact decimals without passing through a double.
struct CellValue {
  enum class Kind { kEmpty, kString, kNumber, kBoolean, kDate, kError };
  Kind kind = Kind::kEmpty;
  // kString: the text; kNumber: the stored number text; kBoolean: "TRUE"/"FALSE";
  // kDate: ISO-8601 "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (a number in a date format);
  // kError: the error text ("#N/A").
  std::string text;

  static CellValue String(std::string s) { return {Kind::kString, std::move(s)}; }
  static CellValue Number(std::string s) { return {Kind::kNumber, std::move(s)}; }
  bool empty() const { return kind == Kind::kEmpty || (kind == Kind::kString && text.empty()); }
};

// "A1"-style names: column 0 → "A", 25 → "Z", 26 → "AA"; rows and columns are 0-based here.
std::string ColumnName(int col);
std::string CellName(int row, int col);
// "Product!C4", or "'Instance types'!B3" when the sheet's name needs quoting, as Excel writes it.
std::string SheetCellName(std::string_view sheet, int row, int col);

// A sheet as read: rows of cells, trailing empty cells and rows trimmed.
struct Sheet {
  std::string name;
  std::vector<std::vector<CellValue>> rows;  // rows[r][c]; a short row means empty cells after

  // The cell, or an empty one when outside what the file holds.
  const CellValue& At(int row, int col) const;
};

struct Workbook {
  std::vector<Sheet> sheets;  // in the workbook's tab order
  const Sheet* Find(std::string_view name) const;
};

// What the writer needs to know of one column of a table sheet.
struct ColumnSpec {
  std::string header;                // row 1 text
  bool required = false;             // header marked (bold, "*" suffix) as required
  std::vector<std::string> allowed;  // non-empty: a drop-down list validation on the data rows
  std::string note;                  // a comment on the header cell (what the column means)
  double width = 18;                 // in characters
  bool number = false;               // data cells written as numbers when they parse as one
};

// A sheet to write: either a table (header row frozen, columns, data rows of text) or, when
// `columns` is empty, free text (the Instructions sheet): each row one line, column A.
struct SheetSpec {
  std::string name;
  std::vector<ColumnSpec> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> bold_rows_prefix;  // text sheets: lines starting with one are headings
};

struct WorkbookSpec {
  std::vector<SheetSpec> sheets;
};

}  // namespace amiplace::plf
