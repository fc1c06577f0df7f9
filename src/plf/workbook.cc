#include "plf/workbook.h"

#include <algorithm>

namespace amiplace::plf {

namespace {

bool IsAsciiLetter(unsigned char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
unsigned char AsciiUpper(unsigned char c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(static_cast<unsigned char>(a[i])) !=
        AsciiUpper(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// "A1".."XFD1048576" (any case): Excel quotes such sheet names so they don't read as a cell.
bool LooksLikeA1Reference(std::string_view name) {
  size_t i = 0;
  while (i < name.size() && IsAsciiLetter(static_cast<unsigned char>(name[i]))) ++i;
  if (i == 0 || i > 3 || i == name.size()) return false;
  for (size_t j = i; j < name.size(); ++j) {
    if (!IsDigit(static_cast<unsigned char>(name[j]))) return false;
  }
  int col = 0;
  for (size_t j = 0; j < i; ++j)
    col = col * 26 + (AsciiUpper(static_cast<unsigned char>(name[j])) - 'A' + 1);
  return col <= 16384;
}

// "R", "C", "RC", "R1C1", "R2", "C3" (any case): R1C1-style references, which Excel also quotes.
bool LooksLikeR1C1Reference(std::string_view name) {
  size_t i = 0;
  auto digits = [&] {
    while (i < name.size() && IsDigit(static_cast<unsigned char>(name[i]))) ++i;
  };
  bool any = false;
  if (i < name.size() && AsciiUpper(static_cast<unsigned char>(name[i])) == 'R') {
    ++i;
    digits();
    any = true;
  }
  if (i < name.size() && AsciiUpper(static_cast<unsigned char>(name[i])) == 'C') {
    ++i;
    digits();
    any = true;
  }
  return any && i == name.size();
}

bool NeedsQuoting(std::string_view sheet) {
  if (sheet.empty()) return true;
  if (IsDigit(static_cast<unsigned char>(sheet[0]))) return true;
  for (char ch : sheet) {
    unsigned char c = static_cast<unsigned char>(ch);
    // Bytes of multi-byte UTF-8 sequences are letters of other alphabets; Excel leaves them bare.
    if (!(IsAsciiLetter(c) || IsDigit(c) || c == '_' || c == '.' || c >= 0x80)) return true;
  }
  return LooksLikeA1Reference(sheet) || LooksLikeR1C1Reference(sheet);
}

}  // namespace

std::string ColumnName(int col) {
  if (col < 0) return "";
  std::string name;
  for (long n = static_cast<long>(col) + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

std::string CellName(int row, int col) {
  if (row < 0 || col < 0) return "";
  return ColumnName(col) + std::to_string(static_cast<long>(row) + 1);
}

std::string SheetCellName(std::string_view sheet, int row, int col) {
  std::string out;
  if (NeedsQuoting(sheet)) {
    out += '\'';
    for (char c : sheet) {
      if (c == '\'') out += '\'';
      out += c;
    }
    out += '\'';
  } else {
    out += sheet;
  }
  out += '!';
  out += CellName(row, col);
  return out;
}

const CellValue& Sheet::At(int row, int col) const {
  static const CellValue kEmpty;
  if (row < 0 || col < 0 || static_cast<size_t>(row) >= rows.size()) return kEmpty;
  const auto& r = rows[static_cast<size_t>(row)];
  if (static_cast<size_t>(col) >= r.size()) return kEmpty;
  return r[static_cast<size_t>(col)];
}

const Sheet* Workbook::Find(std::string_view name) const {
  for (const Sheet& s : sheets) {
    if (s.name == name) return &s;
  }
  // Excel's sheet names are unique regardless of case, and it finds them regardless of case.
  auto it = std::find_if(sheets.begin(), sheets.end(),
                         [&](const Sheet& s) { return EqualsIgnoringAsciiCase(s.name, name); });
  return it == sheets.end() ? nullptr : &*it;
}

}  // namespace amiplace::plf
