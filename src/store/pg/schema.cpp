// schema.cpp: the PostgreSQL schema (see schema.h). Mirrors store/sqlite/migrations.cpp table by
// table and column by column, so rows copy across unchanged and hash the same: TEXT stays TEXT
// (compared byte by byte: every text column is COLLATE "C", as SQLite compares), INTEGER is BIGINT,
// REAL is DOUBLE PRECISION, BLOB is BYTEA. Where SQLite has an implicit rowid (stations, users) the
// table has an explicit id; the plan registry keeps its insertion order in `ord`. Never edit a
// released step; add one, here and in the SQLite migrations, with the same number.
#include "store/pg/schema.h"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace shanshui::store::pg {
namespace {

// 11: the SQLite store's steps 1–11 as one baseline (there was no PostgreSQL store before them).
const char* const kBaseline = R"sql(
CREATE TABLE plan_versions (
  version BIGSERIAL PRIMARY KEY, plan_id TEXT NOT NULL, sha256 TEXT NOT NULL, source_name TEXT NOT NULL,
  yaml TEXT NOT NULL, imported_at TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE departments (
  ord BIGSERIAL, id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, grp TEXT NOT NULL DEFAULT '');
CREATE TABLE department_names (
  ord BIGSERIAL, name TEXT PRIMARY KEY, department_id TEXT NOT NULL REFERENCES departments(id));
CREATE TABLE items (
  ord BIGSERIAL, id TEXT PRIMARY KEY, task_id TEXT NOT NULL, number BIGINT NOT NULL, text TEXT NOT NULL,
  due TEXT NOT NULL);
CREATE TABLE item_departments (
  ord BIGSERIAL, item_id TEXT NOT NULL REFERENCES items(id), department_id TEXT NOT NULL REFERENCES departments(id),
  role TEXT NOT NULL CHECK (role IN ('lead', 'responsible')), PRIMARY KEY (item_id, department_id, role));
CREATE TABLE targets (
  ord BIGSERIAL, id TEXT PRIMARY KEY, indicator TEXT NOT NULL, name TEXT NOT NULL, unit TEXT NOT NULL,
  bound TEXT NOT NULL, value TEXT NOT NULL, year BIGINT NOT NULL, lead TEXT NOT NULL);
CREATE TABLE measurements (
  id BIGSERIAL PRIMARY KEY, indicator TEXT NOT NULL, period TEXT NOT NULL, value TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('reported', 'computed')), method TEXT NOT NULL, method_version TEXT NOT NULL,
  source TEXT NOT NULL, reporter TEXT NOT NULL, note TEXT NOT NULL, recorded_at TEXT NOT NULL, row_hash BYTEA);
-- Long texts are keyed by their digest (a B-tree entry holds at most about 2.7 kB).
CREATE UNIQUE INDEX measurements_unique ON measurements
  (indicator, period, value, kind, method, method_version, md5(source));
CREATE INDEX measurements_by_indicator ON measurements (indicator, period);
CREATE TABLE reports (
  id BIGSERIAL PRIMARY KEY, item_id TEXT NOT NULL, period TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
  percent DOUBLE PRECISION NOT NULL CHECK (percent >= 0 AND percent <= 100), narrative TEXT NOT NULL,
  evidence TEXT NOT NULL, reporter TEXT NOT NULL, reporter_written TEXT NOT NULL, reported_at TEXT NOT NULL,
  row_hash BYTEA);
CREATE UNIQUE INDEX reports_unique ON reports (item_id, period, reporter, status, percent, md5(narrative), md5(evidence));
CREATE INDEX reports_by_item ON reports (item_id, period);
CREATE TABLE closures (
  id BIGSERIAL PRIMARY KEY, item_id TEXT NOT NULL, evidence TEXT NOT NULL CHECK (evidence <> ''),
  approved_by TEXT NOT NULL, closed_at TEXT NOT NULL, note TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE rejected_rows (
  id BIGSERIAL PRIMARY KEY, source TEXT NOT NULL, line BIGINT NOT NULL, reason TEXT NOT NULL, raw TEXT NOT NULL,
  at TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE stations (
  id BIGSERIAL UNIQUE, mn TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('air', 'water', 'noise', 'source')),
  name TEXT NOT NULL, township TEXT NOT NULL DEFAULT '', river TEXT NOT NULL DEFAULT '',
  section TEXT NOT NULL DEFAULT '', lon DOUBLE PRECISION, lat DOUBLE PRECISION, password TEXT NOT NULL DEFAULT '',
  crc_mode TEXT NOT NULL DEFAULT 'standard' CHECK (crc_mode IN ('standard', 'modbus', 'modbus-swapped')),
  units TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, zone TEXT NOT NULL DEFAULT '', row_hash BYTEA);
CREATE TABLE raw_frames (
  id BIGSERIAL PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, received_at TEXT NOT NULL, peer TEXT NOT NULL,
  mn TEXT NOT NULL, cn TEXT NOT NULL, bytes BYTEA NOT NULL, row_hash BYTEA);
-- Observations by month of their time (partitions are made as data arrive), so a year's
-- assessment reads twelve partitions and old months can be moved or archived whole.
CREATE SEQUENCE observations_id_seq;
CREATE TABLE observations (
  id BIGINT NOT NULL DEFAULT nextval('observations_id_seq'), mn TEXT NOT NULL, factor TEXT NOT NULL,
  cn TEXT NOT NULL, data_time TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, flag TEXT NOT NULL,
  unit TEXT NOT NULL, raw_id BIGINT NOT NULL, received_at TEXT NOT NULL, invalid TEXT NOT NULL DEFAULT '',
  row_hash BYTEA, UNIQUE (mn, factor, cn, data_time, kind)) PARTITION BY RANGE (data_time);
CREATE INDEX observations_by_id ON observations (id);
CREATE INDEX observations_by_station_time ON observations (mn, data_time);
CREATE INDEX observations_invalid ON observations (id) WHERE invalid <> '';
CREATE TABLE quarantine (
  id BIGSERIAL PRIMARY KEY, received_at TEXT NOT NULL, peer TEXT NOT NULL, mn TEXT NOT NULL, reason TEXT NOT NULL,
  bytes BYTEA NOT NULL, row_hash BYTEA);
CREATE TABLE users (
  id BIGSERIAL UNIQUE, username TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'office', 'department', 'township', 'auditor')),
  department TEXT NOT NULL DEFAULT '', password_hash TEXT NOT NULL, created_at TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE sessions (
  token TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username), csrf TEXT NOT NULL,
  expires_at TEXT NOT NULL);
CREATE TABLE login_failures (id BIGSERIAL PRIMARY KEY, username TEXT NOT NULL, at TEXT NOT NULL);
CREATE INDEX login_failures_by_user ON login_failures (username, at);
CREATE TABLE audit (
  id BIGINT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,
  detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, rows TEXT NOT NULL DEFAULT '');
CREATE INDEX audit_views_head ON audit (id) WHERE action <> 'ingest.batch';
CREATE INDEX audit_by_object ON audit (object, id);
CREATE TABLE observation_conflicts (
  id BIGSERIAL PRIMARY KEY, mn TEXT NOT NULL, factor TEXT NOT NULL, cn TEXT NOT NULL, data_time TEXT NOT NULL,
  kind TEXT NOT NULL, stored_value TEXT NOT NULL, new_value TEXT NOT NULL, stored_raw_id BIGINT NOT NULL,
  new_raw_id BIGINT NOT NULL, received_at TEXT NOT NULL, row_hash BYTEA,
  UNIQUE (mn, factor, cn, data_time, kind, new_value));
CREATE TABLE health_probe (id BIGINT PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);
CREATE TABLE assessment_runs (
  id BIGSERIAL PRIMARY KEY, indicator TEXT NOT NULL, period TEXT NOT NULL, method TEXT NOT NULL,
  method_version TEXT NOT NULL, rules TEXT NOT NULL, input_sha256 TEXT NOT NULL, value TEXT NOT NULL,
  completeness TEXT NOT NULL, detail TEXT NOT NULL, computed_at TEXT NOT NULL, row_hash BYTEA);
CREATE INDEX assessment_runs_by_indicator ON assessment_runs (indicator, period, id);
CREATE TABLE notices (
  id BIGSERIAL PRIMARY KEY, subject_kind TEXT NOT NULL, subject TEXT NOT NULL, department TEXT NOT NULL,
  due TEXT NOT NULL, request TEXT NOT NULL, issued_by TEXT NOT NULL, issued_at TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE notice_events (
  id BIGSERIAL PRIMARY KEY, notice_id BIGINT NOT NULL REFERENCES notices (id), action TEXT NOT NULL,
  text TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, row_hash BYTEA);
CREATE INDEX notice_events_by_notice ON notice_events (notice_id, id);
CREATE TABLE evidence_files (
  id BIGSERIAL PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, name TEXT NOT NULL, media_type TEXT NOT NULL,
  size BIGINT NOT NULL CHECK (size > 0), content BYTEA NOT NULL, uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE geo_layers (
  id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, version BIGINT NOT NULL, source TEXT NOT NULL,
  source_sha256 TEXT NOT NULL, source_crs TEXT NOT NULL, feature_count BIGINT NOT NULL, imported_at TEXT NOT NULL,
  row_hash BYTEA, UNIQUE (name, version));
CREATE TABLE geo_features (
  fid BIGSERIAL PRIMARY KEY, layer_id BIGINT NOT NULL REFERENCES geo_layers (id), feature_id TEXT NOT NULL,
  name TEXT NOT NULL, code TEXT NOT NULL, zone TEXT NOT NULL, attributes TEXT NOT NULL, geom BYTEA NOT NULL,
  min_x DOUBLE PRECISION NOT NULL, min_y DOUBLE PRECISION NOT NULL, max_x DOUBLE PRECISION NOT NULL,
  max_y DOUBLE PRECISION NOT NULL, row_hash BYTEA);
CREATE INDEX geo_features_by_layer ON geo_features (layer_id, fid);
)sql";

// 12: one index for the observations (see the SQLite step 12): the slot leads with station and time.
const char* const kOneObservationIndex = R"sql(
ALTER TABLE observations DROP CONSTRAINT observations_mn_factor_cn_data_time_kind_key;
ALTER TABLE observations ADD CONSTRAINT observations_slot UNIQUE (mn, data_time, factor, kind, cn);
DROP INDEX observations_by_station_time;
)sql";

// 13: exchange with the neighbours (see the SQLite step 13): partner accounts, and the partners'
// harvested series and values in tables of their own.
const char* const kExchange = R"sql(
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
  CHECK (role IN ('admin', 'office', 'department', 'township', 'auditor', 'partner'));
CREATE TABLE partners (
  id BIGSERIAL PRIMARY KEY, partner TEXT NOT NULL UNIQUE, name TEXT NOT NULL, source TEXT NOT NULL,
  licence TEXT NOT NULL, registered_at TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE partner_series (
  id BIGSERIAL PRIMARY KEY, partner TEXT NOT NULL, series TEXT NOT NULL, thing TEXT NOT NULL,
  thing_name TEXT NOT NULL, lon DOUBLE PRECISION, lat DOUBLE PRECISION, property TEXT NOT NULL, unit TEXT NOT NULL,
  licence TEXT NOT NULL, provider TEXT NOT NULL, owner TEXT NOT NULL, first_seen TEXT NOT NULL, row_hash BYTEA,
  UNIQUE (partner, series));
CREATE TABLE partner_observations (
  id BIGSERIAL PRIMARY KEY, partner TEXT NOT NULL, series TEXT NOT NULL, phenomenon_start TEXT NOT NULL,
  phenomenon_time TEXT NOT NULL, result TEXT NOT NULL, result_time TEXT NOT NULL, harvested_at TEXT NOT NULL,
  row_hash BYTEA, UNIQUE (partner, series, phenomenon_start));
)sql";

// 14: warnings as notices once per department, and the outbox (see the SQLite step 14).
const char* const kOutbox = R"sql(
CREATE UNIQUE INDEX notices_one_warning ON notices (subject, department) WHERE subject_kind = 'warning';
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL UNIQUE, channel TEXT NOT NULL, target TEXT NOT NULL,
  payload TEXT NOT NULL, created_at TEXT NOT NULL, row_hash BYTEA);
CREATE TABLE outbox_attempts (
  id BIGSERIAL PRIMARY KEY, outbox_id BIGINT NOT NULL REFERENCES outbox (id), at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed')), detail TEXT NOT NULL, row_hash BYTEA);
CREATE INDEX outbox_attempts_by_message ON outbox_attempts (outbox_id, id);
)sql";

// 15: the public's feedback and the office's decisions on it (see the SQLite step 15).
const char* const kFeedback = R"sql(
CREATE TABLE feedback (
  id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('comment', 'report')), subject TEXT NOT NULL,
  text TEXT NOT NULL, contact TEXT NOT NULL, lon DOUBLE PRECISION, lat DOUBLE PRECISION, submitted_at TEXT NOT NULL,
  row_hash BYTEA);
CREATE TABLE feedback_decisions (
  id BIGSERIAL PRIMARY KEY, feedback_id BIGINT NOT NULL REFERENCES feedback (id),
  decision TEXT NOT NULL CHECK (decision IN ('publish', 'reject')), reply TEXT NOT NULL, decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL, row_hash BYTEA);
CREATE INDEX feedback_by_time ON feedback (submitted_at);
)sql";

// (version, SQL): the version each step brings the schema to.
const std::vector<std::pair<int, std::string>>& steps() {
  static const std::vector<std::pair<int, std::string>> kSteps = {
      {11, kBaseline}, {12, kOneObservationIndex}, {13, kExchange}, {14, kOutbox}, {15, kFeedback}};
  return kSteps;
}

// Every TEXT column compares byte by byte, as in SQLite, whatever the database's locale.
std::string with_binary_collation(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 1024);
  size_t at = 0;
  for (size_t p; (p = sql.find(" TEXT", at)) != std::string::npos; at = p + 5) {
    out.append(sql, at, p + 5 - at);
    out += " COLLATE \"C\"";
  }
  out.append(sql, at);
  return out;
}

}  // namespace

int latest_schema_version() { return steps().back().first; }

Status migrate(Connection& c) {
  Transaction lock(c);
  SS_TRY(lock.begin());
  // One migrator at a time; the lock ends with this transaction.
  SS_TRY(c.exec("SELECT pg_advisory_xact_lock(7283711)"));
  SS_TRY(c.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  auto v = c.query("SELECT coalesce(max(version), 0) FROM schema_version");
  SS_TRY(v);
  int version = static_cast<int>(v->integer(0, 0));
  if (version > latest_schema_version())
    return fail("database schema version " + std::to_string(version) + " is newer than this shanshui understands (" +
                std::to_string(latest_schema_version()) + ")");
  for (const auto& [to, sql] : steps()) {
    if (to <= version) continue;
    Transaction step(c);  // a savepoint inside the lock's transaction
    SS_TRY(step.begin());
    if (auto s = c.exec(with_binary_collation(sql)); !s)
      return fail("migration " + std::to_string(to) + ": " + s.error().message);
    SS_TRY(c.exec("DELETE FROM schema_version; INSERT INTO schema_version VALUES (" + std::to_string(to) + ")"));
    SS_TRY(step.commit());
  }
  return lock.commit();
}

std::string observation_partition(std::string_view t) {
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  if (t.size() < 7 || t[4] != '-') return "";
  for (int i : {0, 1, 2, 3, 5, 6})
    if (!digit(t[static_cast<size_t>(i)])) return "";
  if (t.substr(5, 2) < "01" || t.substr(5, 2) > "12") return "";
  return "observations_p" + std::string(t.substr(0, 4)) + "_" + std::string(t.substr(5, 2));
}

std::string create_partition_sql(std::string_view data_time) {
  std::string name = observation_partition(data_time);
  if (name.empty()) return "";
  std::string month(data_time.substr(0, 7));
  int y = std::stoi(month.substr(0, 4)), m = std::stoi(month.substr(5, 2));
  char next[32];
  std::snprintf(next, sizeof next, "%04d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
  return "CREATE TABLE IF NOT EXISTS " + name + " PARTITION OF observations FOR VALUES FROM ('" + month + "') TO ('" +
         next + "')";
}

const char* key_column(std::string_view table) {
  if (table == "plan_versions") return "version";
  if (table == "geo_features") return "fid";
  return "id";
}

}  // namespace shanshui::store::pg
