// schema.h: the PostgreSQL store's schema and its versioned migrations (table schema_version).
#pragma once

#include "core/result.h"
#include "store/pg/connection.h"

namespace shanshui::store::pg {

/// Brings the schema up to this build's version, each step in its own transaction, under an
/// advisory lock (two servers starting at once migrate once). Refuses a newer schema.
Status migrate(Connection& c);

/// The schema version this build writes: the same number as the SQLite store's (the steps the
/// SQLite store took before PostgreSQL existed are one baseline step here).
int latest_schema_version();

/// The name of the monthly partition of observations that holds `data_time` ("2024-03-…" →
/// observations_p2024_03), or "" when the time does not begin with a month.
std::string observation_partition(std::string_view data_time);

/// The statement that makes the partition holding `data_time` if it is missing ("" when the time
/// does not begin with a month). Its range is the month's: [YYYY-MM, the next month).
std::string create_partition_sql(std::string_view data_time);

/// The key column that plays SQLite's rowid for a covered table (version, fid or id).
const char* key_column(std::string_view table);

}  // namespace shanshui::store::pg
