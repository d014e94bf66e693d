// pg_ledger.h: tamper evidence on PostgreSQL — a row's leaf from its columns read back as text
// (typed by ledger_core.h's covered tables, so the same row hashes as on SQLite), sealing a row
// just written, the plan registry's root, and the reader for the shared verification.
#pragma once

#include <string>
#include <vector>

#include "store/ledger_core.h"
#include "store/pg/connection.h"

namespace shanshui::store::pg {

/// The leaf of row `r` of `rows`, whose columns from `from` on are `t`'s columns.
Digest leaf_of_row(const Rows& rows, size_t r, size_t from, const CoveredTable& t);

/// Reads row `id` of a covered table back, stores its short leaf in row_hash and returns the leaf.
Result<Digest> seal_row(Connection& c, const CoveredTable& t, int64_t id);

/// The Merkle root over the plan registry in insertion order (`ord`).
Result<Digest> registry_root(Connection& c);

/// Recomputes every covered row against `log` (ledger_core.h's verify_rows). `c` must be in a
/// REPEATABLE READ transaction; with `conninfo`, a second connection joins its snapshot
/// (pg_export_snapshot) for large tables.
Result<DataVerification> verify_data(Connection& c, const std::string& conninfo, const std::vector<AuditEntry>& log,
                                     size_t max_problems = 50);

}  // namespace shanshui::store::pg
