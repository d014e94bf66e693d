// csv.h: an RFC 4180 CSV reader that remembers the line each record starts on.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui {

/// One record: its 1-based starting line, its fields, and its raw text (kept for quarantine).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
  std::string raw;
};

/// A parsed file: the header and the records after it.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRecord> records;
  /// Index of a header column, or -1.
  int column(const std::string& name) const;
};

/// Parses CSV text (UTF-8; a BOM is skipped; CRLF or LF). Errors name origin:line (an
/// unterminated quote, invalid UTF-8, an empty file).
Result<CsvTable> parse_csv(const std::string& text, const std::string& origin);

/// A data file the project ships (data/zoning/*.csv, data/gep/*.csv): lines starting with '#' are
/// comments (the line numbers of the rest stay those of the file), and every column of
/// `required` must be in the header ("<origin>:1: missing column 'x'").
Result<CsvTable> parse_data_csv(const std::string& text, const std::string& origin,
                                const std::vector<std::string>& required);

/// A cell that a spreadsheet would run as a formula (starting with = + - @, tab or CR) gets a
/// leading apostrophe (OWASP "CSV Injection"); numbers such as -3.5 stay as they are.
std::string neutralize_formula(const std::string& cell);
/// Neutralises formulas, then quotes a field for CSV output when it needs it.
std::string csv_escape(const std::string& field);

}  // namespace shanshui
