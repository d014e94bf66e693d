// migrations.h: versioned schema migrations for the SQLite store (PRAGMA user_version).
#pragma once

#include "core/result.h"
#include "store/sqlite/connection.h"

namespace shanshui::store::sqlite {

/// Brings the schema up to the newest version, each step in its own transaction. Refuses a
/// database written by a newer shanshui.
Status migrate(Connection& c);

/// The schema version this build writes.
int latest_schema_version();

}  // namespace shanshui::store::sqlite
