// ledger.h: tamper evidence on SQLite — the leaf hash of a stored row (by the value's SQLite type,
// which for rows the software wrote is the column's type in ledger_core.h), sealing rows written
// before coverage existed, and the SQLite reader for the shared verification (ledger_core.h;
// docs/security.md, "Tamper evidence").
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/ledger_core.h"
#include "store/row_hash.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

struct sqlite3_stmt;

namespace shanshui::store::sqlite {

/// The leaf of the current row of `st`, whose columns from `from` on are the table's columns.
Digest leaf_of_row(sqlite3_stmt* st, const char* table, int from, int columns);

/// Reads row `id` of a covered table back, stores its short leaf in row_hash and returns the leaf.
Result<Digest> seal_row(Connection& c, const CoveredTable& t, int64_t id);

/// The Merkle root over the plan registry (departments, their names, items, item departments,
/// targets), which a plan import rewrites: recorded in the plan.import entry as `plan_registry`.
Result<Digest> registry_root(Connection& c);

/// Seals rows that carry no row hash (written before schema 8): their leaves are stored and one
/// range per table comes back for an `audit.seal` entry. Empty when every row is sealed.
Result<std::vector<RowRange>> seal_legacy_rows(Connection& c);

/// Recomputes every covered row and checks it against the ranges in `log` (ledger_core.h's
/// verify_rows on SQLite). `c` must be in a read transaction; large tables are split and the
/// second half read on a second connection to `path` (none when empty).
Result<DataVerification> verify_data(Connection& c, const std::string& path, const std::vector<AuditEntry>& log,
                                     size_t max_problems = 50);

}  // namespace shanshui::store::sqlite
