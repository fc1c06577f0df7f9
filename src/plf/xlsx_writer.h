// WriteXlsx: turns a WorkbookSpec into the bytes of an .xlsx file, with libxlsxwriter.
//
// Table sheets (SheetSpec::columns non-empty) get a bold header row, frozen; required columns'
// headers end in " *" on a coloured fill; ColumnSpec::note becomes a comment on the header cell;
// columns take their width; columns with `allowed` values get a drop-down list on data rows
// 2..1000 (or further when there are more rows). Lists longer than Excel's 255-character inline
// limit, or with values holding a comma or a double quote, are written on a hidden sheet
// "Lists" and referenced by range. Data cells are strings; in `number` columns, text that is a
// plain decimal number is written as a number when the file can hold it without losing digits
// (what ReadXlsx returns is then the same value, perhaps written differently: "3.10" → "3.1").
// Cells of other columns are formatted as text so that what a person types stays text. Text
// sheets (no columns) hold one line per row in a wide, wrapped column A; lines starting with one
// of `bold_rows_prefix` are bold.
//
// Sheet names must follow Excel's rules (1..31 characters, none of []:*?/\, not starting or
// ending with an apostrophe, unique regardless of case); cell text must be valid UTF-8 of at
// most 32767 characters. Breaking a rule is a kValidation error naming the sheet or cell.
//
// libxlsxwriter 1.1.4 cannot write to memory, so the file passes through a private temporary
// file (mode 0600, in $TMPDIR or /tmp) that is removed before returning. Thread-safe: calls
// share no state.
#pragma once

#include <string>

#include "core/status.h"
#include "plf/workbook.h"

namespace amiplace::plf {

// The .xlsx file's bytes.
Result<std::string> WriteXlsx(const WorkbookSpec& spec);

// Checks a sheet name against Excel's rules; the error message names the rule broken.
Status ValidateSheetName(std::string_view name);

}  // namespace amiplace::plf
