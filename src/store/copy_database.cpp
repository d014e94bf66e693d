// copy_database.cpp: SQLite → PostgreSQL, row for row (see copy_database.h).
#include "store/copy_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <optional>

#include "core/text.h"
#include "store/pg/connection.h"
#include "store/pg/schema.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace shanshui::store {
namespace {

// A table as copied: the SQLite expressions read, the PostgreSQL columns written, and a type
// letter per column ('i' integer, 'r' real, 't' text, 'b' blob). Rows go in id order, so the plan
// registry's insertion order (SQLite's rowid) becomes `ord`.
struct Copied {
  const char* table;
  const char* from;  // SQLite select list
  const char* to;    // PostgreSQL column list
  const char* types;
  const char* order;  // SQLite ORDER BY
};

const Copied kTables[] = {
    {"plan_versions", "version, plan_id, sha256, source_name, yaml, imported_at, row_hash",
     "version, plan_id, sha256, source_name, yaml, imported_at, row_hash", "itttttb", "version"},
    {"departments", "rowid, id, name, kind, grp", "ord, id, name, kind, grp", "itttt", "rowid"},
    {"department_names", "rowid, name, department_id", "ord, name, department_id", "itt", "rowid"},
    {"items", "rowid, id, task_id, number, text, due", "ord, id, task_id, number, text, due", "ittitt", "rowid"},
    {"item_departments", "rowid, item_id, department_id, role", "ord, item_id, department_id, role", "ittt", "rowid"},
    {"targets", "rowid, id, indicator, name, unit, bound, value, year, lead",
     "ord, id, indicator, name, unit, bound, value, year, lead", "ittttttit", "rowid"},
    {"measurements",
     "id, indicator, period, value, kind, method, method_version, source, reporter, note, recorded_at, row_hash",
     "id, indicator, period, value, kind, method, method_version, source, reporter, note, recorded_at, row_hash",
     "ittttttttttb", "id"},
    {"reports",
     "id, item_id, period, status, percent, narrative, evidence, reporter, reporter_written, reported_at, row_hash",
     "id, item_id, period, status, percent, narrative, evidence, reporter, reporter_written, reported_at, row_hash",
     "itttrtttttb", "id"},
    {"closures", "id, item_id, evidence, approved_by, closed_at, note, row_hash",
     "id, item_id, evidence, approved_by, closed_at, note, row_hash", "itttttb", "id"},
    {"rejected_rows", "id, source, line, reason, raw, at, row_hash", "id, source, line, reason, raw, at, row_hash",
     "ititttb", "id"},
    {"stations",
     "rowid, mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, created_at, zone, row_hash",
     "id, mn, kind, name, township, river, section, lon, lat, password, crc_mode, units, created_at, zone, row_hash",
     "ittttttrrtttttb", "rowid"},
    {"raw_frames", "id, sha256, received_at, peer, mn, cn, bytes, row_hash",
     "id, sha256, received_at, peer, mn, cn, bytes, row_hash", "itttttbb", "id"},
    {"observations", "id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid, row_hash",
     "id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid, row_hash", "ittttttttittb",
     "id"},
    {"quarantine", "id, received_at, peer, mn, reason, bytes, row_hash",
     "id, received_at, peer, mn, reason, bytes, row_hash", "ittttbb", "id"},
    {"users", "rowid, username, role, department, password_hash, created_at, row_hash",
     "id, username, role, department, password_hash, created_at, row_hash", "itttttb", "rowid"},
    {"sessions", "token, username, csrf, expires_at", "token, username, csrf, expires_at", "tttt", "rowid"},
    {"login_failures", "id, username, at", "id, username, at", "itt", "id"},
    {"audit", "id, at, actor, action, object, detail, prev_hash, hash, rows",
     "id, at, actor, action, object, detail, prev_hash, hash, rows", "itttttttt", "id"},
    {"observation_conflicts",
     "id, mn, factor, cn, data_time, kind, stored_value, new_value, stored_raw_id, new_raw_id, received_at, row_hash",
     "id, mn, factor, cn, data_time, kind, stored_value, new_value, stored_raw_id, new_raw_id, received_at, row_hash",
     "itttttttiitb", "id"},
    {"assessment_runs",
     "id, indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, computed_at, "
     "row_hash",
     "id, indicator, period, method, method_version, rules, input_sha256, value, completeness, detail, computed_at, "
     "row_hash",
     "ittttttttttb", "id"},
    {"notices", "id, subject_kind, subject, department, due, request, issued_by, issued_at, row_hash",
     "id, subject_kind, subject, department, due, request, issued_by, issued_at, row_hash", "itttttttb", "id"},
    {"notice_events", "id, notice_id, action, text, actor, at, row_hash",
     "id, notice_id, action, text, actor, at, row_hash", "iittttb", "id"},
    {"evidence_files", "id, sha256, name, media_type, size, content, uploaded_by, uploaded_at, row_hash",
     "id, sha256, name, media_type, size, content, uploaded_by, uploaded_at, row_hash", "itttibttb", "id"},
    {"geo_layers", "id, name, kind, version, source, source_sha256, source_crs, feature_count, imported_at, row_hash",
     "id, name, kind, version, source, source_sha256, source_crs, feature_count, imported_at, row_hash", "ittitttitb",
     "id"},
    {"geo_features",
     "fid, layer_id, feature_id, name, code, zone, attributes, geom, min_x, min_y, max_x, max_y, row_hash",
     "fid, layer_id, feature_id, name, code, zone, attributes, geom, min_x, min_y, max_x, max_y, row_hash",
     "iitttttbrrrrb", "fid"},
    {"partners", "id, partner, name, source, licence, registered_at, row_hash",
     "id, partner, name, source, licence, registered_at, row_hash", "itttttb", "id"},
    {"partner_series",
     "id, partner, series, thing, thing_name, lon, lat, property, unit, licence, provider, owner, first_seen, row_hash",
     "id, partner, series, thing, thing_name, lon, lat, property, unit, licence, provider, owner, first_seen, row_hash",
     "ittttrrttttttb", "id"},
    {"partner_observations",
     "id, partner, series, phenomenon_start, phenomenon_time, result, result_time, harvested_at, row_hash",
     "id, partner, series, phenomenon_start, phenomenon_time, result, result_time, harvested_at, row_hash", "itttttttb",
     "id"},
    {"outbox", "id, key, channel, target, payload, created_at, row_hash",
     "id, key, channel, target, payload, created_at, row_hash", "itttttb", "id"},
    {"outbox_attempts", "id, outbox_id, at, outcome, detail, row_hash", "id, outbox_id, at, outcome, detail, row_hash",
     "iitttb", "id"},
    {"feedback", "id, kind, subject, text, contact, lon, lat, submitted_at, row_hash",
     "id, kind, subject, text, contact, lon, lat, submitted_at, row_hash", "ittttrrtb", "id"},
    {"feedback_decisions", "id, feedback_id, decision, reply, decided_by, decided_at, row_hash",
     "id, feedback_id, decision, reply, decided_by, decided_at, row_hash", "iittttb", "id"},
};

std::optional<std::string> read_column(sqlite3_stmt* st, int col, char type) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  switch (type) {
    case 'i':
      return std::to_string(sqlite3_column_int64(st, col));
    case 'r': {
      char b[32];
      auto [end, ec] = std::to_chars(b, b + sizeof b, sqlite3_column_double(st, col));
      return std::string(b, ec == std::errc() ? end : b);
    }
    case 'b':
      return text::hex(std::string_view(static_cast<const char*>(sqlite3_column_blob(st, col)),
                                        static_cast<size_t>(sqlite3_column_bytes(st, col))));
    default:
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, col)),
                         static_cast<size_t>(sqlite3_column_bytes(st, col)));
  }
}

// INSERT … SELECT FROM unnest(arrays), each array cast to its column's type.
std::string insert_sql(const Copied& t) {
  std::string casts, select;
  const std::string_view types(t.types);
  for (size_t i = 0; i < types.size(); ++i) {
    const char* array = types[i] == 'i' ? "bigint[]" : types[i] == 'r' ? "float8[]" : "text[]";
    casts += (i ? ", $" : "$") + std::to_string(i + 1) + "::" + array;
    std::string c = "c" + std::to_string(i);
    select += (i ? ", " : "") + (types[i] == 'b' ? "decode(" + c + ", 'hex')" : c);
  }
  std::string names;
  for (size_t i = 0; i < types.size(); ++i) names += (i ? ", c" : "c") + std::to_string(i);
  return std::string("INSERT INTO ") + t.table + " (" + t.to + ") SELECT " + select + " FROM unnest(" + casts +
         ") AS u(" + names + ")";
}

Status copy_table(sqlite::Connection& from, pg::Connection& to, const Copied& t, TableCopy& out) {
  auto q = from.prepare(std::string("SELECT ") + t.from + " FROM " + t.table + " ORDER BY " + t.order);
  SS_TRY(q);
  const std::string sql = insert_sql(t);
  const int n = static_cast<int>(std::string_view(t.types).size());
  if (n != static_cast<int>(std::count(t.to, t.to + std::strlen(t.to), ',')) + 1)
    return fail(std::string(t.table) + ": the copy's type list does not match its columns");
  std::vector<std::string> arrays(static_cast<size_t>(n), "{");
  size_t batch = 0, bytes = 0;
  auto flush = [&]() -> Status {
    if (batch == 0) return {};
    std::vector<pg::Param> params;
    params.reserve(arrays.size());
    for (auto& a : arrays) params.push_back(pg::Param::of(a + "}"));
    auto done = to.query(sql, params);
    if (!done) return fail(std::string(t.table) + ": " + done.error().message);
    out.copied_rows += done->changed;
    for (auto& a : arrays) a = "{";
    batch = bytes = 0;
    return {};
  };
  for (;;) {
    auto row = q->step();
    SS_TRY(row);
    if (!*row) break;
    for (int c = 0; c < n; ++c) {
      auto v = read_column(q->raw(), c, t.types[c]);
      bytes += v ? v->size() : 4;
      pg::append_array_element(arrays[static_cast<size_t>(c)], v);
    }
    ++out.source_rows;
    if (++batch >= 5000 || bytes > (32 << 20)) SS_TRY(flush());
  }
  return flush();
}

}  // namespace

Result<CopyReport> copy_sqlite_to_pg(const std::string& sqlite_path, const std::string& conninfo) {
  auto started = std::chrono::steady_clock::now();
  {
    // The source at this build's schema (and any rows from before row hashing sealed).
    auto source = open_sqlite_store(sqlite_path);
    if (!source) return fail(sqlite_path + ": " + source.error().message);
  }
  // The target's schema, made by the store itself.
  if (auto target = open_pg_store(conninfo); !target) return tl::unexpected(target.error());
  auto from = sqlite::Connection::open(sqlite_path);
  SS_TRY(from);
  auto to = pg::Connection::open(conninfo);
  SS_TRY(to);
  for (const auto& t : kTables) {
    auto any = to->query(std::string("SELECT 1 FROM ") + t.table + " LIMIT 1");
    SS_TRY(any);
    if (any->size())
      return fail(std::string("postgresql: table ") + t.table +
                  " already holds rows; db migrate copies into an empty database only");
  }
  CopyReport report;
  SS_TRY(from->exec("BEGIN"));  // one snapshot of the source
  pg::Transaction tx(*to);
  SS_TRY(tx.begin());
  {
    // Monthly partitions for every month the observations cover.
    auto months = from->prepare("SELECT DISTINCT substr(data_time, 1, 7) FROM observations ORDER BY 1");
    SS_TRY(months);
    for (;;) {
      auto row = months->step();
      SS_TRY(row);
      if (!*row) break;
      std::string month = months->text(0);
      std::string sql = pg::create_partition_sql(month);
      if (sql.empty()) return fail("observations: time '" + month + "…' does not begin with a month (YYYY-MM)");
      SS_TRY(to->exec(sql));
    }
  }
  for (const auto& t : kTables) {
    TableCopy copy{t.table};
    SS_TRY(copy_table(*from, *to, t, copy));
    report.tables.push_back(copy);
  }
  // Sequences continue after the copied ids.
  for (const auto& t : kTables) {
    std::string key = std::string(t.to).substr(0, std::string(t.to).find(','));
    if (key == "token" || std::string_view(t.table) == "audit") continue;
    std::string seq = std::string_view(t.table) == "observations"
                          ? "'observations_id_seq'"
                          : "pg_get_serial_sequence('" + std::string(t.table) + "', '" + key + "')";
    SS_TRY(to->exec("SELECT setval(" + seq + ", coalesce(max(" + key + "), 0) + 1, false) FROM " + t.table));
  }
  SS_TRY(tx.commit());
  (void)from->exec("COMMIT");
  for (const auto& c : report.tables)
    if (c.copied_rows != c.source_rows)
      return fail(c.table + ": " + std::to_string(c.source_rows) + " rows in the source, " +
                  std::to_string(c.copied_rows) + " copied");
  // The copy proves itself: counts read back, then the audit chain and every covered row.
  for (auto& c : report.tables) {
    auto n = to->query("SELECT count(*) FROM " + c.table);
    SS_TRY(n);
    if (n->integer(0, 0) != c.source_rows)
      return fail(c.table + ": " + std::to_string(n->integer(0, 0)) + " rows in the copy, " +
                  std::to_string(c.source_rows) + " in the source");
  }
  auto copy = open_pg_store(conninfo);
  SS_TRY(copy);
  auto check = (*copy)->verify_audit();
  SS_TRY(check);
  if (!check->intact())
    return fail("the copy does not verify: " + (check->broken_at ? check->reason : check->data.front().what));
  report.audit_entries = check->entries;
  report.rows_verified = check->rows_checked;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace shanshui::store
