// copy_database.h: moves a county's SQLite database into an empty PostgreSQL database row for row
// (`shanshui db migrate`) — the same ids, row hashes and audit entries, so the copy's audit chain
// and data verify exactly as the original's did — and checks the copy before calling it good.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace shanshui::store {

struct TableCopy {
  std::string table;
  int64_t source_rows = 0, copied_rows = 0;
};

struct CopyReport {
  std::vector<TableCopy> tables;
  int64_t audit_entries = 0;
  int64_t rows_verified = 0;  // covered rows recomputed on the copy
  double seconds = 0;
};

/// Copies every table of the SQLite file `sqlite_path` (migrated to the current schema first)
/// into the PostgreSQL database `conninfo`, which must hold no data yet, in one transaction; then
/// compares row counts table by table and runs the audit verification on the copy. Fails, naming
/// the table or the row, when anything differs.
Result<CopyReport> copy_sqlite_to_pg(const std::string& sqlite_path, const std::string& conninfo);

}  // namespace shanshui::store
