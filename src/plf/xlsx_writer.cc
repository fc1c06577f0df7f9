#include "plf/xlsx_writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>

#include "plf/utf8.h"

namespace amiplace::plf {

namespace {

constexpr size_t kMaxCellChars = 32767;      // Excel's limit for the text of one cell
constexpr size_t kMaxInlineListChars = 255;  // Excel's limit for an inline list validation
constexpr int kMaxSheetNameChars = 31;
constexpr int kValidationLastRow = 999;          // 0-based: data rows 2..1000
constexpr lxw_color_t kRequiredFill = 0xFFF2CC;  // light amber
constexpr double kTextSheetWidth = 110;

// ---------------------------------------------------------------------------------------------
// Text checks.

// The number of code points in `s`, or nullopt when it is not valid UTF-8 (overlongs, surrogates
// and values past U+10FFFF are invalid).
std::optional<size_t> Utf8Length(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); ++count) {
    size_t len = Utf8SequenceAt(s, i);
    if (len == 0) return std::nullopt;
    i += len;
  }
  return count;
}

// A C0 control other than tab, line feed and carriage return, which XML cannot hold as such.
std::optional<unsigned char> FindControl(std::string_view s) {
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return c;
  }
  return std::nullopt;
}

// Checks text bound for a cell: UTF-8, no NUL, at most 32767 characters. `where` names the cell.
Status CheckCellText(std::string_view text, const std::string& where) {
  auto length = Utf8Length(text);
  if (!length) return ValidationError(where + ": the text is not valid UTF-8");
  if (text.find('\0') != std::string_view::npos) {
    return ValidationError(where + ": the text holds a NUL character");
  }
  if (*length > kMaxCellChars) {
    return ValidationError(
        fmt::format("{}: the text is {} characters long; a cell holds at most {}", where, *length,
                    kMaxCellChars));
  }
  return Status::Ok();
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Excel reads "_xHHHH_" in cell text as an escaped character (libxlsxwriter escapes control
// characters that way, ReadXlsx unescapes them); a literal one is kept by escaping its "_".
std::string EscapeLiteralEscapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && IsHex(s[i + 2]) && IsHex(s[i + 3]) &&
        IsHex(s[i + 4]) && IsHex(s[i + 5]) && s[i + 6] == '_') {
      out += "_x005F_";
    } else {
      out += s[i];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers.

// A plain decimal as digits × 10^exponent, digits without leading or trailing zeros ("" for 0).
struct Decimal {
  bool negative = false;
  std::string digits;
  long exponent = 0;
  bool operator==(const Decimal&) const = default;
};

// "-12.50", "3", ".5", "1e-3", "+2E+10"; no blanks, no hex, no inf or nan.
std::optional<Decimal> ParseDecimal(std::string_view s) {
  Decimal d;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) d.negative = s[i++] == '-';
  bool any = false;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    d.digits += s[i++];
    any = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      d.digits += s[i++];
      --d.exponent;
      any = true;
    }
  }
  if (!any) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative_exp = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative_exp = s[i++] == '-';
    size_t start = i;
    long e = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (i - start >= 6) return std::nullopt;  // far outside what a double holds
      e = e * 10 + (s[i++] - '0');
    }
    if (i == start) return std::nullopt;
    d.exponent += negative_exp ? -e : e;
  }
  if (i != s.size()) return std::nullopt;
  size_t first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // zero, whatever its sign
  d.digits.erase(0, first);
  size_t last = d.digits.find_last_not_of('0');
  d.exponent += static_cast<long>(d.digits.size() - 1 - last);
  d.digits.erase(last + 1);
  return d;
}

// The number to write for `text`, when it is a plain decimal that libxlsxwriter's "%.16G"
// rendering reproduces exactly (so that reading the file gives back the same value).
std::optional<double> ExactNumber(std::string_view text) {
  auto decimal = ParseDecimal(text);
  if (!decimal) return std::nullopt;
  std::string_view unsigned_text = text;
  if (!unsigned_text.empty() && unsigned_text[0] == '+') unsigned_text.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] =
      std::from_chars(unsigned_text.data(), unsigned_text.data() + unsigned_text.size(), value);
  if (ec != std::errc() || ptr != unsigned_text.data() + unsigned_text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  char buf[64];
  auto out = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 16);
  if (out.ec != std::errc()) return std::nullopt;
  auto written = ParseDecimal(std::string_view(buf, static_cast<size_t>(out.ptr - buf)));
  if (!written || !(*written == *decimal)) return std::nullopt;
  return value;
}

// ---------------------------------------------------------------------------------------------
// The temporary file libxlsxwriter writes to.

class TempFile {
 public:
  TempFile() = default;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }

  Status Create() {
    const char* env = std::getenv("TMPDIR");
    dir_ = env != nullptr && *env != '\0' ? env : "/tmp";
    std::string pattern = dir_ + "/amiplace-plf-XXXXXX";
    int fd = mkstemp(pattern.data());
    if (fd < 0) {
      return InternalError(fmt::format("cannot create a temporary file in {}", dir_));
    }
    close(fd);
    path_ = pattern;
    return Status::Ok();
  }

  Result<std::string> ReadAll() const {
    std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path_.c_str(), "rb"), &std::fclose);
    if (!f) return InternalError("cannot reopen the temporary .xlsx file");
    std::string bytes;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) bytes.append(buf, n);
    if (std::ferror(f.get())) return InternalError("cannot read the temporary .xlsx file");
    return bytes;
  }

  const std::string& path() const { return path_; }
  std::string& dir() { return dir_; }

 private:
  std::string path_;
  std::string dir_;
};

// ---------------------------------------------------------------------------------------------
// Writing.

std::string CellWhere(const SheetSpec& sheet, int row, int col) {
  return SheetCellName(sheet.name, row, col);
}

// The value list of a drop-down, without empty values.
std::vector<std::string> ListValues(const ColumnSpec& column) {
  std::vector<std::string> values;
  for (const std::string& v : column.allowed) {
    if (!v.empty()) values.push_back(v);
  }
  return values;
}

// Whether libxlsxwriter can write `values` as an inline list: short enough, and no value that
// the list syntax cannot hold (a comma separates values; quotes are not escaped by it).
bool FitsInline(const std::vector<std::string>& values) {
  size_t total = values.empty() ? 0 : values.size() - 1;
  for (const std::string& v : values) {
    if (v.find_first_of(",\"") != std::string::npos || FindControl(v)) return false;
    total += v.size();
  }
  return total <= kMaxInlineListChars;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Status CheckSpec(const WorkbookSpec& spec) {
  if (spec.sheets.empty()) return ValidationError("a workbook needs at least one sheet");
  std::map<std::string, std::string> seen;  // lower-cased name → name
  for (const SheetSpec& sheet : spec.sheets) {
    AMIPLACE_RETURN_IF_ERROR(ValidateSheetName(sheet.name));
    auto [it, inserted] = seen.emplace(LowerAscii(sheet.name), sheet.name);
    if (!inserted) {
      return ValidationError(
          fmt::format("sheet names '{}' and '{}' are the same to Excel", it->second, sheet.name));
    }
    int offset = sheet.columns.empty() ? 0 : 1;
    if (sheet.rows.size() + offset > static_cast<size_t>(LXW_ROW_MAX)) {
      return ValidationError(
          fmt::format("sheet '{}' has more rows than Excel holds ({})", sheet.name, LXW_ROW_MAX));
    }
    if (sheet.columns.size() > static_cast<size_t>(LXW_COL_MAX)) {
      return ValidationError(fmt::format("sheet '{}' has more columns than Excel holds ({})",
                                         sheet.name, LXW_COL_MAX));
    }
    for (size_t c = 0; c < sheet.columns.size(); ++c) {
      const ColumnSpec& column = sheet.columns[c];
      std::string where = CellWhere(sheet, 0, static_cast<int>(c));
      AMIPLACE_RETURN_IF_ERROR(CheckCellText(column.header + " *", where));
      AMIPLACE_RETURN_IF_ERROR(CheckCellText(column.note, where + " (note)"));
      if (auto c0 = FindControl(column.note)) {
        return ValidationError(
            fmt::format("{} (note): the text holds a control character (0x{:02X})", where, *c0));
      }
      for (const std::string& v : column.allowed) {
        AMIPLACE_RETURN_IF_ERROR(CheckCellText(v, where + " (allowed values)"));
      }
      if (!(column.width >= 0 && column.width <= 255)) {
        return ValidationError(where + ": a column width is 0..255 characters");
      }
    }
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      if (sheet.rows[r].size() > static_cast<size_t>(LXW_COL_MAX)) {
        return ValidationError(fmt::format("sheet '{}' row {} has more columns than Excel holds",
                                           sheet.name, r + 1 + offset));
      }
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const std::string& text = sheet.rows[r][c];
        if (text.empty()) continue;
        AMIPLACE_RETURN_IF_ERROR(CheckCellText(
            text, CellWhere(sheet, static_cast<int>(r) + offset, static_cast<int>(c))));
      }
    }
  }
  return Status::Ok();
}

Status LxwStatus(lxw_error err, std::string_view what) {
  if (err == LXW_NO_ERROR) return Status::Ok();
  return InternalError(fmt::format("writing the workbook ({}): {}", what, lxw_strerror(err)));
}

class Writer {
 public:
  Writer(lxw_workbook* wb, const WorkbookSpec& spec) : wb_(wb), spec_(spec) {
    bold_ = workbook_add_format(wb_);
    format_set_bold(bold_);
    required_ = workbook_add_format(wb_);
    format_set_bold(required_);
    format_set_pattern(required_, LXW_PATTERN_SOLID);
    format_set_bg_color(required_, kRequiredFill);
    text_ = workbook_add_format(wb_);
    format_set_num_format_index(text_, 49);  // built-in "@": what is typed stays text
    wrap_ = workbook_add_format(wb_);
    format_set_text_wrap(wrap_);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
    bold_wrap_ = workbook_add_format(wb_);
    format_set_bold(bold_wrap_);
    format_set_text_wrap(bold_wrap_);
    format_set_align(bold_wrap_, LXW_ALIGN_VERTICAL_TOP);
  }

  Status Write() {
    for (const SheetSpec& sheet : spec_.sheets) {
      lxw_worksheet* ws = workbook_add_worksheet(wb_, sheet.name.c_str());
      if (ws == nullptr) return InternalError("cannot add sheet '" + sheet.name + "'");
      AMIPLACE_RETURN_IF_ERROR(sheet.columns.empty() ? WriteText(ws, sheet)
                                                     : WriteTable(ws, sheet));
    }
    return WriteLists();
  }

 private:
  Status WriteString(lxw_worksheet* ws, const SheetSpec& sheet, int row, int col,
                     const std::string& text, lxw_format* format) {
    std::string escaped = EscapeLiteralEscapes(text);
    return LxwStatus(worksheet_write_string(ws, static_cast<lxw_row_t>(row),
                                            static_cast<lxw_col_t>(col), escaped.c_str(), format),
                     CellWhere(sheet, row, col));
  }

  Status WriteText(lxw_worksheet* ws, const SheetSpec& sheet) {
    AMIPLACE_RETURN_IF_ERROR(
        LxwStatus(worksheet_set_column(ws, 0, 0, kTextSheetWidth, wrap_), sheet.name));
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      const auto& row = sheet.rows[r];
      bool heading = false;
      if (!row.empty()) {
        for (const std::string& prefix : sheet.bold_rows_prefix) {
          if (!prefix.empty() && row[0].starts_with(prefix)) heading = true;
        }
      }
      for (size_t c = 0; c < row.size(); ++c) {
        if (row[c].empty()) continue;
        AMIPLACE_RETURN_IF_ERROR(WriteString(ws, sheet, static_cast<int>(r), static_cast<int>(c),
                                             row[c], heading ? bold_wrap_ : wrap_));
      }
    }
    return Status::Ok();
  }

  Status WriteTable(lxw_worksheet* ws, const SheetSpec& sheet) {
    const int last_validation_row = std::min<int>(
        std::max<int>(kValidationLastRow, static_cast<int>(sheet.rows.size())), LXW_ROW_MAX - 1);
    for (size_t c = 0; c < sheet.columns.size(); ++c) {
      const ColumnSpec& column = sheet.columns[c];
      const auto col = static_cast<lxw_col_t>(c);
      std::string where = CellWhere(sheet, 0, static_cast<int>(c));
      AMIPLACE_RETURN_IF_ERROR(LxwStatus(
          worksheet_set_column(ws, col, col, column.width, column.number ? nullptr : text_),
          where));
      std::string header = column.required ? column.header + " *" : column.header;
      AMIPLACE_RETURN_IF_ERROR(WriteString(ws, sheet, 0, static_cast<int>(c), header,
                                           column.required ? required_ : bold_));
      if (!column.note.empty()) {
        lxw_comment_options options = {};
        options.width = 320;
        // About 50 characters a line at the default font; 15 points a line, plus a margin.
        size_t lines = 1 + Utf8Length(column.note).value_or(0) / 50;
        for (char ch : column.note) lines += ch == '\n';
        options.height = static_cast<uint16_t>(std::min<size_t>(20 + 15 * lines, 600));
        AMIPLACE_RETURN_IF_ERROR(LxwStatus(
            worksheet_write_comment_opt(ws, 0, col, column.note.c_str(), &options), where));
      }
      std::vector<std::string> values = ListValues(column);
      if (!values.empty()) {
        AMIPLACE_RETURN_IF_ERROR(
            AddListValidation(ws, sheet, static_cast<int>(c), last_validation_row, values));
      }
    }
    worksheet_freeze_panes(ws, 1, 0);

    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      const int row = static_cast<int>(r) + 1;
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const std::string& text = sheet.rows[r][c];
        if (text.empty()) continue;
        const bool number_column = c < sheet.columns.size() && sheet.columns[c].number;
        if (number_column) {
          if (auto value = ExactNumber(text)) {
            AMIPLACE_RETURN_IF_ERROR(
                LxwStatus(worksheet_write_number(ws, static_cast<lxw_row_t>(row),
                                                 static_cast<lxw_col_t>(c), *value, nullptr),
                          CellWhere(sheet, row, static_cast<int>(c))));
            continue;
          }
        }
        AMIPLACE_RETURN_IF_ERROR(WriteString(ws, sheet, row, static_cast<int>(c), text,
                                             number_column ? nullptr : text_));
      }
    }
    return Status::Ok();
  }

  Status AddListValidation(lxw_worksheet* ws, const SheetSpec& sheet, int col, int last_row,
                           const std::vector<std::string>& values) {
    lxw_data_validation dv = {};
    dv.validate = FitsInline(values) ? LXW_VALIDATION_TYPE_LIST : LXW_VALIDATION_TYPE_LIST_FORMULA;
    dv.error_title = const_cast<char*>("Not in the list");
    dv.error_message = const_cast<char*>("Choose a value from the drop-down list.");
    std::vector<char*> list;
    std::string formula;
    if (dv.validate == LXW_VALIDATION_TYPE_LIST) {
      for (const std::string& v : values) list.push_back(const_cast<char*>(v.c_str()));
      list.push_back(nullptr);
      dv.value_list = list.data();
    } else {
      auto [it, inserted] = list_columns_.emplace(values, static_cast<int>(list_columns_.size()));
      if (inserted) lists_.push_back(&it->first);
      // SheetCellName gives "Lists!A1" (quoted as needed); the range is "Lists!$A$1:$A$n".
      std::string first = SheetCellName(ListsSheetName(), 0, it->second);
      size_t bang = first.rfind('!');
      formula = fmt::format("={}${}$1:${}${}", first.substr(0, bang + 1), ColumnName(it->second),
                            ColumnName(it->second), values.size());
      dv.value_formula = formula.data();
    }
    return LxwStatus(worksheet_data_validation_range(ws, 1, static_cast<lxw_col_t>(col),
                                                     static_cast<lxw_row_t>(last_row),
                                                     static_cast<lxw_col_t>(col), &dv),
                     CellWhere(sheet, 1, col) + " (drop-down list)");
  }

  // "Lists", or "Lists2", "Lists3"… when a sheet of the spec already has the name.
  const std::string& ListsSheetName() {
    if (lists_name_.empty()) {
      for (int n = 1;; ++n) {
        std::string candidate = n == 1 ? "Lists" : fmt::format("Lists{}", n);
        bool taken = false;
        for (const SheetSpec& s : spec_.sheets)
          taken |= LowerAscii(s.name) == LowerAscii(candidate);
        if (!taken) {
          lists_name_ = candidate;
          break;
        }
      }
    }
    return lists_name_;
  }

  Status WriteLists() {
    if (lists_.empty()) return Status::Ok();
    const std::string& name = ListsSheetName();
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (ws == nullptr) return InternalError("cannot add sheet '" + name + "'");
    SheetSpec where{.name = name};
    for (size_t c = 0; c < lists_.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      AMIPLACE_RETURN_IF_ERROR(LxwStatus(worksheet_set_column(ws, col, col, 30, text_), name));
      for (size_t r = 0; r < lists_[c]->size(); ++r) {
        AMIPLACE_RETURN_IF_ERROR(WriteString(ws, where, static_cast<int>(r), static_cast<int>(c),
                                             (*lists_[c])[r], text_));
      }
    }
    worksheet_hide(ws);
    return Status::Ok();
  }

  lxw_workbook* wb_;
  const WorkbookSpec& spec_;
  lxw_format* bold_;
  lxw_format* required_;
  lxw_format* text_;
  lxw_format* wrap_;
  lxw_format* bold_wrap_;
  std::map<std::vector<std::string>, int> list_columns_;  // values → column on the Lists sheet
  std::vector<const std::vector<std::string>*> lists_;    // by column
  std::string lists_name_;
};

}  // namespace

Status ValidateSheetName(std::string_view name) {
  auto length = Utf8Length(name);
  if (!length) return ValidationError("a sheet name is not valid UTF-8");
  if (*length == 0) return ValidationError("a sheet name cannot be empty");
  if (*length > static_cast<size_t>(kMaxSheetNameChars)) {
    return ValidationError(
        fmt::format("sheet name '{}' is longer than {} characters", name, kMaxSheetNameChars));
  }
  if (size_t bad = name.find_first_of("[]:*?/\\"); bad != std::string_view::npos) {
    return ValidationError(fmt::format(
        "sheet name '{}' contains '{}'; Excel forbids any of []:*?/\\", name, name[bad]));
  }
  if (FindControl(name) || name.find_first_of("\t\r\n") != std::string_view::npos) {
    return ValidationError(fmt::format("sheet name '{}' contains a control character", name));
  }
  if (name.front() == '\'' || name.back() == '\'') {
    return ValidationError(fmt::format(
        "sheet name '{}' starts or ends with an apostrophe, which Excel forbids", name));
  }
  if (LowerAscii(name) == "history") {
    return ValidationError("sheet name 'History' is reserved by Excel");
  }
  return Status::Ok();
}

Result<std::string> WriteXlsx(const WorkbookSpec& spec) {
  AMIPLACE_RETURN_IF_ERROR(CheckSpec(spec));

  TempFile file;
  AMIPLACE_RETURN_IF_ERROR(file.Create());
  lxw_workbook_options options = {};
  options.tmpdir = file.dir().data();
  lxw_workbook* wb = workbook_new_opt(file.path().c_str(), &options);
  if (wb == nullptr) return InternalError("cannot start an .xlsx workbook (out of memory?)");

  Status written = Writer(wb, spec).Write();
  // workbook_close() frees the workbook in every case; on an error the file is discarded below.
  lxw_error closed = workbook_close(wb);
  AMIPLACE_RETURN_IF_ERROR(written);
  AMIPLACE_RETURN_IF_ERROR(LxwStatus(closed, "saving"));
  return file.ReadAll();
}

}  // namespace amiplace::plf
