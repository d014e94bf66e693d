// migrations.cpp: the schema, one migration per version. Never edit a released step; add one.
#include "store/sqlite/migrations.h"

#include <string>
#include <vector>

namespace shanshui::store::sqlite {
namespace {

const std::vector<std::string> kMigrations = {
    // 1: plan versions and their normalized registry; measurements; reports; closures; rejects.
    R"sql(
CREATE TABLE plan_versions (
  version INTEGER PRIMARY KEY,
  plan_id TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  source_name TEXT NOT NULL,
  yaml TEXT NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE departments (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, grp TEXT NOT NULL DEFAULT ''
);
CREATE TABLE department_names (
  name TEXT PRIMARY KEY, department_id TEXT NOT NULL REFERENCES departments(id)
);
CREATE TABLE items (
  id TEXT PRIMARY KEY, task_id TEXT NOT NULL, number INTEGER NOT NULL, text TEXT NOT NULL,
  due TEXT NOT NULL
);
CREATE TABLE item_departments (
  item_id TEXT NOT NULL REFERENCES items(id), department_id TEXT NOT NULL REFERENCES departments(id),
  role TEXT NOT NULL CHECK (role IN ('lead', 'responsible')),
  PRIMARY KEY (item_id, department_id, role)
);
CREATE TABLE targets (
  id TEXT PRIMARY KEY, indicator TEXT NOT NULL, name TEXT NOT NULL, unit TEXT NOT NULL,
  bound TEXT NOT NULL, value TEXT NOT NULL, year INTEGER NOT NULL, lead TEXT NOT NULL
);
CREATE TABLE measurements (
  id INTEGER PRIMARY KEY,
  indicator TEXT NOT NULL,
  period TEXT NOT NULL,
  value TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('reported', 'computed')),
  method TEXT NOT NULL,
  method_version TEXT NOT NULL,
  source TEXT NOT NULL,
  reporter TEXT NOT NULL,
  note TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  UNIQUE (indicator, period, value, kind, method, method_version, source)
);
CREATE INDEX measurements_by_indicator ON measurements (indicator, period);
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  period TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'done')),
  percent REAL NOT NULL CHECK (percent >= 0 AND percent <= 100),
  narrative TEXT NOT NULL,
  evidence TEXT NOT NULL,
  reporter TEXT NOT NULL,
  reporter_written TEXT NOT NULL,
  reported_at TEXT NOT NULL,
  UNIQUE (item_id, period, reporter, status, percent, narrative, evidence)
);
CREATE INDEX reports_by_item ON reports (item_id, period);
CREATE TABLE closures (
  id INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  evidence TEXT NOT NULL CHECK (evidence <> ''),
  approved_by TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE TABLE rejected_rows (
  id INTEGER PRIMARY KEY, source TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL,
  raw TEXT NOT NULL, at TEXT NOT NULL
);
)sql",
    // 2: monitoring: stations, raw frames, observations, quarantine.
    R"sql(
CREATE TABLE stations (
  mn TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('air', 'water', 'noise', 'source')),
  name TEXT NOT NULL,
  township TEXT NOT NULL DEFAULT '',
  river TEXT NOT NULL DEFAULT '',
  section TEXT NOT NULL DEFAULT '',
  lon REAL,
  lat REAL,
  password TEXT NOT NULL DEFAULT '',
  crc_mode TEXT NOT NULL DEFAULT 'standard' CHECK (crc_mode IN ('standard', 'modbus', 'modbus-swapped')),
  units TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE TABLE raw_frames (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  received_at TEXT NOT NULL,
  peer TEXT NOT NULL,
  mn TEXT NOT NULL,
  cn TEXT NOT NULL,
  bytes BLOB NOT NULL
);
CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  mn TEXT NOT NULL,
  factor TEXT NOT NULL,
  cn TEXT NOT NULL,
  data_time TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  flag TEXT NOT NULL,
  unit TEXT NOT NULL,
  raw_id INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (mn, factor, cn, data_time, kind)
);
CREATE INDEX observations_by_station_time ON observations (mn, data_time);
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  received_at TEXT NOT NULL,
  peer TEXT NOT NULL,
  mn TEXT NOT NULL,
  reason TEXT NOT NULL,
  bytes BLOB NOT NULL
);
)sql",
    // 3: users, sessions, login failures; the hash-chained audit log.
    R"sql(
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'office', 'department', 'township', 'auditor')),
  department TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES users(username),
  csrf TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql",
    // 4: the head of the audit log without monitoring ingest batches, found in O(log n): the
    // change counter that caches of plan/progress views key on (observations do not move them).
    R"sql(
CREATE INDEX audit_views_head ON audit (id) WHERE action <> 'ingest.batch';
)sql",
    // 5: the GB 3096 functional zone of a noise point (its limits: Table 1).
    R"sql(
ALTER TABLE stations ADD COLUMN zone TEXT NOT NULL DEFAULT '';
)sql",
    // 6: conflicting values kept aside instead of dropped; a row /api/health writes to prove the
    // database is writable.
    R"sql(
CREATE TABLE observation_conflicts (
  id INTEGER PRIMARY KEY,
  mn TEXT NOT NULL,
  factor TEXT NOT NULL,
  cn TEXT NOT NULL,
  data_time TEXT NOT NULL,
  kind TEXT NOT NULL,
  stored_value TEXT NOT NULL,
  new_value TEXT NOT NULL,
  stored_raw_id INTEGER NOT NULL,
  new_raw_id INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  UNIQUE (mn, factor, cn, data_time, kind, new_value)
);
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at TEXT NOT NULL
);
)sql",
    // 7: values that cannot be physically true are stored (and acknowledged) with the reason, and
    // left out of every assessment.
    R"sql(
ALTER TABLE observations ADD COLUMN invalid TEXT NOT NULL DEFAULT '';
CREATE INDEX observations_invalid ON observations (id) WHERE invalid <> '';
)sql",
    // 8: tamper evidence over the data: each covered row keeps the first 16 bytes of its leaf hash,
    // each audit entry the ranges of rows it wrote with their Merkle roots (store/row_hash.h);
    // assessment runs (the lineage of computed values) are kept and covered like the rest.
    R"sql(
ALTER TABLE audit ADD COLUMN rows TEXT NOT NULL DEFAULT '';
ALTER TABLE plan_versions ADD COLUMN row_hash BLOB;
ALTER TABLE measurements ADD COLUMN row_hash BLOB;
ALTER TABLE reports ADD COLUMN row_hash BLOB;
ALTER TABLE closures ADD COLUMN row_hash BLOB;
ALTER TABLE rejected_rows ADD COLUMN row_hash BLOB;
ALTER TABLE stations ADD COLUMN row_hash BLOB;
ALTER TABLE users ADD COLUMN row_hash BLOB;
ALTER TABLE raw_frames ADD COLUMN row_hash BLOB;
ALTER TABLE observations ADD COLUMN row_hash BLOB;
ALTER TABLE quarantine ADD COLUMN row_hash BLOB;
ALTER TABLE observation_conflicts ADD COLUMN row_hash BLOB;
CREATE TABLE assessment_runs (
  id INTEGER PRIMARY KEY,
  indicator TEXT NOT NULL,
  period TEXT NOT NULL,
  method TEXT NOT NULL,
  method_version TEXT NOT NULL,
  rules TEXT NOT NULL,
  input_sha256 TEXT NOT NULL,
  value TEXT NOT NULL,
  completeness TEXT NOT NULL,
  detail TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  row_hash BLOB
);
CREATE INDEX assessment_runs_by_indicator ON assessment_runs (indicator, period, id);
)sql",
    // 9: 督办 as a workflow: notices the office issues, and their answers, resolutions and
    // escalations, append-only and covered by the row hashes like every other write.
    R"sql(
CREATE TABLE notices (
  id INTEGER PRIMARY KEY,
  subject_kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  department TEXT NOT NULL,
  due TEXT NOT NULL,
  request TEXT NOT NULL,
  issued_by TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  row_hash BLOB
);
CREATE TABLE notice_events (
  id INTEGER PRIMARY KEY,
  notice_id INTEGER NOT NULL REFERENCES notices (id),
  action TEXT NOT NULL,
  text TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  row_hash BLOB
);
CREATE INDEX notice_events_by_notice ON notice_events (notice_id, id);
)sql",
    // 10: evidence files for reports and closures, one row per content (SHA-256), row-hashed.
    R"sql(
CREATE TABLE evidence_files (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size > 0),
  content BLOB NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL,
  row_hash BLOB
);
)sql",
    // 11: the one map's layers and features. Geometries are GeoPackage blobs (EPSG:4490) and the
    // feature table is registered in the GeoPackage metadata tables, so GDAL and QGIS open it.
    R"sql(
CREATE TABLE geo_layers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  version INTEGER NOT NULL,
  source TEXT NOT NULL,
  source_sha256 TEXT NOT NULL,
  source_crs TEXT NOT NULL,
  feature_count INTEGER NOT NULL,
  imported_at TEXT NOT NULL,
  row_hash BLOB,
  UNIQUE (name, version)
);
CREATE TABLE geo_features (
  fid INTEGER PRIMARY KEY,
  layer_id INTEGER NOT NULL REFERENCES geo_layers (id),
  feature_id TEXT NOT NULL,
  name TEXT NOT NULL,
  code TEXT NOT NULL,
  zone TEXT NOT NULL,
  attributes TEXT NOT NULL,
  geom BLOB NOT NULL,
  min_x REAL NOT NULL, min_y REAL NOT NULL, max_x REAL NOT NULL, max_y REAL NOT NULL,
  row_hash BLOB
);
CREATE INDEX geo_features_by_layer ON geo_features (layer_id, fid);
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid'),
  ('China Geodetic Coordinate System 2000', 4490, 'EPSG', 4490, 'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]', 'CGCS2000');
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE,
  max_x DOUBLE, max_y DOUBLE, srs_id INTEGER REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
  VALUES ('geo_features', 'features', 'geo_features', 'shanshui: the one map (all layers; layer_id → geo_layers)', 4490);
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name));
INSERT INTO gpkg_geometry_columns VALUES ('geo_features', 'geom', 'GEOMETRY', 4490, 0, 0);
PRAGMA application_id = 1196444487;
)sql",
    // 12: one index for the observations instead of two. The slot's uniqueness now leads with the
    // station and the time (mn, data_time, factor, kind, cn), so it also serves every read by
    // station and time, in the order the reads want; the (mn, data_time) index goes. A batch from
    // 500 stations then touches one run of index pages per station instead of one per station and
    // factor, and a value costs one index entry less. The table is rebuilt with its ids and row
    // hashes as they are (the leaves do not change).
    R"sql(
CREATE TABLE observations_new (
  id INTEGER PRIMARY KEY,
  mn TEXT NOT NULL,
  factor TEXT NOT NULL,
  cn TEXT NOT NULL,
  data_time TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  flag TEXT NOT NULL,
  unit TEXT NOT NULL,
  raw_id INTEGER NOT NULL,
  received_at TEXT NOT NULL,
  invalid TEXT NOT NULL DEFAULT '',
  row_hash BLOB
);
INSERT INTO observations_new SELECT id, mn, factor, cn, data_time, kind, value, flag, unit, raw_id, received_at, invalid,
  row_hash FROM observations ORDER BY id;
DROP TABLE observations;
ALTER TABLE observations_new RENAME TO observations;
CREATE UNIQUE INDEX observations_slot ON observations (mn, data_time, factor, kind, cn);
CREATE INDEX observations_invalid ON observations (id) WHERE invalid <> '';
)sql",
    // 13: exchange with the neighbours. Users may be partners (a neighbouring county's account,
    // reading what the SensorThings API shares with it): the role's CHECK is rebuilt with the
    // users' rowids and row hashes as they are (sessions kept aside meanwhile, as they refer to
    // users). Harvested partners, their series and their values live in tables of their own,
    // never among the county's observations (docs/exchange.md).
    R"sql(
CREATE TEMP TABLE sessions_kept AS SELECT * FROM sessions;
DELETE FROM sessions;
CREATE TABLE users_new (
  username TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('admin', 'office', 'department', 'township', 'auditor', 'partner')),
  department TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  row_hash BLOB
);
INSERT INTO users_new (rowid, username, role, department, password_hash, created_at, row_hash)
  SELECT rowid, username, role, department, password_hash, created_at, row_hash FROM users ORDER BY rowid;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
INSERT INTO sessions SELECT * FROM sessions_kept;
DROP TABLE sessions_kept;
CREATE TABLE partners (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  licence TEXT NOT NULL,
  registered_at TEXT NOT NULL,
  row_hash BLOB
);
CREATE TABLE partner_series (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  series TEXT NOT NULL,
  thing TEXT NOT NULL,
  thing_name TEXT NOT NULL,
  lon REAL,
  lat REAL,
  property TEXT NOT NULL,
  unit TEXT NOT NULL,
  licence TEXT NOT NULL,
  provider TEXT NOT NULL,
  owner TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  row_hash BLOB,
  UNIQUE (partner, series)
);
CREATE TABLE partner_observations (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  series TEXT NOT NULL,
  phenomenon_start TEXT NOT NULL,
  phenomenon_time TEXT NOT NULL,
  result TEXT NOT NULL,
  result_time TEXT NOT NULL,
  harvested_at TEXT NOT NULL,
  row_hash BLOB,
  UNIQUE (partner, series, phenomenon_start)
);
)sql",
    // 14: warnings and what goes out. An upstream warning is a 督办 notice of kind 'warning' to
    // each responsible department, once per warning and department (the partial unique index);
    // messages to outbound channels (webhooks) wait in the outbox, each delivered at most once by
    // its key, with every attempt recorded.
    R"sql(
CREATE UNIQUE INDEX notices_one_warning ON notices (subject, department) WHERE subject_kind = 'warning';
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  row_hash BLOB
);
CREATE TABLE outbox_attempts (
  id INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL REFERENCES outbox (id),
  at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'failed')),
  detail TEXT NOT NULL,
  row_hash BLOB
);
CREATE INDEX outbox_attempts_by_message ON outbox_attempts (outbox_id, id);
)sql",
    // 15: the public's feedback: comments on targets and pollution reports from the portal, and the
    // office's decisions on them (publish with a reply, or reject), insert-only like every record.
    R"sql(
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('comment', 'report')),
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  contact TEXT NOT NULL,
  lon REAL,
  lat REAL,
  submitted_at TEXT NOT NULL,
  row_hash BLOB
);
CREATE TABLE feedback_decisions (
  id INTEGER PRIMARY KEY,
  feedback_id INTEGER NOT NULL REFERENCES feedback (id),
  decision TEXT NOT NULL CHECK (decision IN ('publish', 'reject')),
  reply TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  row_hash BLOB
);
CREATE INDEX feedback_by_time ON feedback (submitted_at);
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

Status migrate(Connection& c) {
  int version = 0;
  {  // finalized before the steps: an open statement would lock the tables a step rebuilds
    auto st = c.prepare("PRAGMA user_version");
    SS_TRY(st);
    auto row = st->step();
    SS_TRY(row);
    version = static_cast<int>(st->integer(0));
  }
  if (version > latest_schema_version()) {
    return fail("database schema version " + std::to_string(version) + " is newer than this shanshui understands (" +
                std::to_string(latest_schema_version()) + ")");
  }
  for (int v = version; v < latest_schema_version(); ++v) {
    Transaction tx(c);
    if (auto s = tx.begin(); !s) return s;
    if (auto s = c.exec(kMigrations[v]); !s)
      return fail("migration " + std::to_string(v + 1) + ": " + s.error().message);
    if (auto s = c.exec("PRAGMA user_version=" + std::to_string(v + 1)); !s) return s;
    if (auto s = tx.commit(); !s) return s;
  }
  return {};
}

}  // namespace shanshui::store::sqlite
