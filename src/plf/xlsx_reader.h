// ReadXlsx: reads the bytes of an .xlsx file into a Workbook, whichever program saved it (Excel,
// LibreOffice Calc, openpyxl, libxlsxwriter), with libzip and pugixml.
//
// What a cell holds: shared strings (rich text runs joined, phonetic runs left out), inline
// strings and formula string results are kString; numbers keep the exact text stored ("0.125",
// "1E-3"); a number whose cell style has a date or time format (built-in formats 14-22 and
// 45-47, or a custom format code with d, m, y, h or s outside quotes and brackets) is kDate in
// ISO-8601 ("2024-03-15", "2024-03-15T13:45:00"), counted in the 1900 date system (serial 60 is
// Excel's 1900-02-29) or the 1904 one as the workbook says; t="d" cells are kDate; booleans are
// "TRUE"/"FALSE"; error cells are kError ("#N/A"). Excel's "_xHHHH_" escapes are undone and
// invalid UTF-8 becomes U+FFFD, so every text is valid UTF-8. Cells without a reference follow
// the previous one; rows without a number follow the previous row. Trailing empty cells and
// rows are not kept. Hidden sheets (such as the "Lists" sheet WriteXlsx adds) are read too.
//
// Hostile files are refused with a kValidation Status that says what is wrong, before they cost
// much: over `max_file_bytes`; a zip directory declaring more than `max_inflated_bytes` in all,
// or more than `max_ratio` times the file's size (checked before inflating anything); an entry
// that inflates past what the directory declares (read with a hard cap); more than `max_cells`
// cells (counting the empty ones between filled cells) or more than `max_inflated_bytes` of
// cell text in all. Sheets and shared strings are read by a streaming parser in memory
// proportional to what is kept; the small parts (workbook, relationships, styles, each at most
// 16 MB) go through pugixml. Not a zip, a damaged zip, no workbook part, malformed XML, or a
// sheet whose part is missing are errors too. Never throws.
//
// Thread-safe: calls share no state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/status.h"
#include "plf/workbook.h"

namespace amiplace::plf {

struct ReadLimits {
  size_t max_file_bytes = 10 << 20;
  uint64_t max_inflated_bytes = 100 << 20;
  double max_ratio = 100;
  size_t max_cells = 1'000'000;
};

Result<Workbook> ReadXlsx(std::string_view bytes, const ReadLimits& limits = {});

}  // namespace amiplace::plf
