// commands.h: the CLI's commands as plain functions (main.cpp wires them to CLI11).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shanshui::app {

/// Options shared by every command.
struct Common {
  std::string db;     // SQLite file or postgresql:// URI; default_db_path() when empty
  bool json = false;  // one JSON document on stdout
};

/// The embedded database the README's run command uses: $SHANSHUI_DB, else <repo>/var/shanshui.db.
std::string default_db_path();
/// The bundled Wushan plan.
std::string bundled_plan_path();

int plan_import(const Common& c, const std::string& file);
int plan_lint(const Common& c, const std::string& file);
int plan_show(const Common& c, const std::string& file);

int report_submit(const Common& c, const std::string& file, bool accept_valid, bool claim_reported_at);
int report_rejected(const Common& c);
int measure_import(const Common& c, const std::string& file, bool accept_valid);
int item_close(const Common& c, const std::string& item, const std::string& evidence, const std::string& approver,
               const std::string& note, const std::string& date);

int progress(const Common& c, const std::string& as_of, bool csv);
/// One target explained: contract, series with provenance, and each lens's inputs and formula.
int explain_target(const Common& c, const std::string& as_of, const std::string& target_id);
int supervision(const Common& c, const std::string& as_of);
int scorecard(const Common& c, const std::string& as_of);
int export_table(const Common& c, const std::string& format, const std::string& out, const std::string& as_of);

// ---- the one map (cli_geo.cpp) ----
struct LayerImportArgs {
  std::string file, kind, name, crs, encoding;
  bool repair = false;
};
struct ScreenArgs {
  std::string project, industry, zoning;
  double radius_m = 0, buffer_m = 0;
};
/// data/zoning of the source tree: the screening rules and the access list.
std::string default_zoning_dir();
int layer_import(const Common& c, const LayerImportArgs& a);
int layer_list(const Common& c);
int layer_export(const Common& c, const std::string& out);
/// Writes the demo layers as GeoJSON into `dir` (default var/demo-layers) and imports each.
int layer_demo(const Common& c, const std::string& dir);
int screen(const Common& c, const ScreenArgs& a);
/// `shanshui coverage [--record] [--year Y]`: coverage indicators from the layers (protected-area share).
int coverage(const Common& c, int year, bool record);

struct GepArgs {
  std::string profile, rasters, out;
  std::vector<int> years;
  bool record = false;
  int threads = 0;
  int tile = 512;  // cells per side of a tile
};
/// `shanshui gep run`: the ecosystem account of each year, printed (or --json) and, with --record,
/// recorded as the GEP targets' computed values.
int gep_run(const Common& c, const GepArgs& a);
/// `shanshui demo rasters`: the demo rasters for the stored layers.
int gep_demo(const Common& c, const std::string& dir, const std::vector<int>& years, double cell);
/// `shanshui raster info FILE…` and `shanshui raster zonal --raster FILE [--layer-kind township]`.
int raster_info(const Common& c, const std::vector<std::string>& files);
int raster_zonal(const Common& c, const std::string& file, const std::string& kind);

}  // namespace shanshui::app

namespace shanshui::app {

/// `shanshui aqi`: one AQI from key=value concentrations.
int aqi(const Common& c, const std::string& standard, const std::string& date, bool hourly,
        const std::vector<std::string>& values);
/// `shanshui air assess`: the annual assessment of an hourly CSV; --record stores the county's
/// values as measurements of the plan's air indicators.
int air_assess(const Common& c, const std::string& input, int threads, bool skip_bad_rows, bool record);
/// `shanshui air assess --from-db`: the same assessment from stored observations (HJ 212 hourly
/// data, real-time data rolled up to hours, imported files).
int air_assess_observations(const Common& c, bool record);
/// `shanshui alarms`: over-standard values, silent stations, long maintenance.
int alarms(const Common& c, const std::string& as_of, int silent_hours, int maintenance_hours);
/// `shanshui obs import FILE`: observations from CSV or JSON for stations without HJ 212.
int obs_import(const Common& c, const std::string& file, bool accept_valid);
/// `shanshui water class`: the GB 3838 class of one sample.
int water_class(const Common& c, const std::string& waterbody, const std::string& target,
                const std::vector<std::string>& values);
/// The item keys `water class` accepts, for --help.
std::string water_item_keys();
/// `shanshui water assess`: annual assessment of sections from a sample file.
int water_assess(const Common& c, const std::string& input, const std::string& sections, bool skip_bad_rows,
                 bool record);
/// `shanshui noise grade`: the HJ 640 grade of an average.
int noise_grade(const Common& c, const std::string& kind, const std::string& period, const std::string& value);
/// `shanshui noise assess`: regional and traffic averages, zone compliance, from point measurements.
int noise_assess(const Common& c, const std::string& input, bool skip_bad_rows, bool record);
/// `shanshui hj212 decode`: frames from stdin (one per line) → JSON lines; exit 2 if any was refused.
int hj212_decode(const std::string& crc_mode);
/// `shanshui hj212 crc TEXT`: the 4-digit CRC of TEXT.
int hj212_crc(const std::string& text, const std::string& crc_mode);
/// Arguments of `shanshui station add` (and the columns of `station import`).
struct StationArgs {
  std::string mn, kind, name, township, river, section, lon, lat, password, crc = "standard", units;
  std::string zone;  // GB 3096 functional zone of a noise point: 0 1 2 3 4a 4b
};
int station_add(const Common& c, const StationArgs& a);
int station_import(const Common& c, const std::string& file);
int station_list(const Common& c);
int station_remove(const Common& c, const std::string& mn);
/// `shanshui serve`: the HTTP API and dashboard and/or the HJ 212 listener until SIGINT/SIGTERM.
struct ServeArgs {
  std::string host = "127.0.0.1", web;
  int hj212_port = -1, http_port = -1, idle_timeout = 600, max_frame = 9999;
  int http_threads = 16;
  int accept_past_days = 800, accept_ahead_minutes = 60;
  int hj212_max_connections = 1000, hj212_max_per_address = 64, http_max_connections = 2000, http_max_per_address = 128;
  bool no_cache = false, behind_tls = false;
  int64_t evidence_budget_mb = 2048;  // all uploaded evidence files together
  std::vector<std::string> trusted_proxies;
  std::vector<std::string> counties;    // "id=database": other counties served at /c/{id}/
  std::string sharing;                  // the SensorThings sharing table ("" = data/exchange/sharing.csv)
  int warn_every = 60;                  // seconds between upstream pre-warning passes (0: none)
  std::string river_network, channels;  // "" = data/exchange/river-network.csv, channels.csv
};
int serve(const Common& c, const ServeArgs& a);
/// `shanshui harvest`: a neighbour's monitoring data over SensorThings (or its export file), kept
/// apart from the county's own (docs/exchange.md).
struct HarvestArgs {
  std::string partner, name, from, file, licence, token_file;
};
int harvest(const Common& c, const HarvestArgs& a);
/// `shanshui warn`: one upstream pre-warning pass over the river network, then the outbox delivered.
struct WarnArgs {
  std::string since, until, network, channels;
  bool no_deliver = false;
};
int warn(const Common& c, const WarnArgs& a);
/// `shanshui user add`: a user of the dashboard (password from --password or stdin).
int user_add(const Common& c, const std::string& name, const std::string& role, const std::string& department,
             const std::string& password);
/// `shanshui audit verify|list`.
int audit_verify(const Common& c, const std::string& digest_file, const std::string& public_key);
/// `shanshui db backup --to FILE`: an online copy of the database, verified before it is called good.
int db_backup(const Common& c, const std::string& to);
/// `shanshui db migrate --from sqlite:FILE --to postgresql://…`: the county moved row for row, verified.
int db_migrate(const std::string& from, const std::string& to);

struct LineageArgs {
  std::string indicator, period, station, day, export_dir;
  int64_t run = 0, frame = 0;
};
/// One live-evaluation pass (service/evaluator.h), as `serve` runs after each ingest.
int evaluate_cmd(const Common& c, const std::string& today);
/// Prints one step of a value's lineage as JSON (see service/lineage.h).
int lineage_cmd(const Common& c, const LineageArgs& a);
/// The audit digests' signing key: `key`, or the database path + ".audit-key".
std::string audit_key_path(const Common& c, const std::string& key);
/// `shanshui audit digest|public-key`: a signed digest of the log's head (service/audit_digest.h).
int audit_digest(const Common& c, const std::string& out, const std::string& key);
int audit_public_key(const Common& c, const std::string& key);
int audit_list(const Common& c, const std::string& object);
/// `shanshui hj212 quarantine`: refused frames with their reasons.
int hj212_quarantine(const Common& c);
/// `shanshui obs export --mn MN`: a JSON array of observations.
int obs_export(const Common& c, const std::string& mn);
/// `shanshui simulate`: HJ 212 data loggers over TCP (options in hj212/simulator.h).
struct SimulateArgs {
  std::string host = "127.0.0.1", from = "2025-01-01", ack_log;
  int port = 0, air = 0, water = 0, noise = 0, hours = 24, window = 8, timeout_ms = 3000;
  double rate = 0, bad_crc = 0, split = 0, disconnect = 0, modbus = 0;
  bool register_stations = false;
  bool registered = false;
  std::string mn_prefix = "SIM";  // speak for the stations already in the registry
  uint64_t seed = 2023;
};
int simulate(const Common& c, const SimulateArgs& a);
/// `shanshui demo air`: reproducible hourly air data.
int demo_air(const std::string& out, int stations, const std::string& from, const std::string& to, uint64_t seed);

}  // namespace shanshui::app
