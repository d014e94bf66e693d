// main.cpp: the `shanshui` command line (CLI11 stays in this file to keep builds fast).
#include <CLI/CLI.hpp>

#include "app/commands.h"

using namespace shanshui::app;

namespace {

int run(int argc, char** argv) {
  CLI::App app{"shanshui (山水): run a county's ecological action plan — targets, work items, monitoring, progress"};
  app.require_subcommand(1);
  int rc = 0;
  Common c;
  auto common = [&](CLI::App* cmd, bool json = true) {
    cmd->add_option("--db", c.db,
                    "the database: a SQLite file or postgresql://user@host/db (default: $SHANSHUI_DB or " +
                        default_db_path() + ")");
    if (json) cmd->add_flag("--json", c.json, "print one JSON document on stdout");
  };
  std::string file, as_of, out, format;
  bool accept_valid = false, csv = false;

  auto* plan = app.add_subcommand("plan", "the action plan: import, lint, show");
  plan->require_subcommand(1);
  auto* imp = plan->add_subcommand("import",
                                   "import a plan file (YAML) as the plan in force; refused with file:line on errors");
  imp->add_option("file", file, "plan file")->required();
  common(imp, false);
  imp->callback([&] { rc = plan_import(c, file); });
  auto* lint = plan->add_subcommand(
      "lint", "check a plan: placeholders, duplicate or mixed department names, conflicting targets, ...");
  lint->add_option("--plan", file, "plan file (default: the plan in the database, else the bundled Wushan plan)");
  common(lint);
  lint->callback([&] { rc = plan_lint(c, file); });
  auto* show = plan->add_subcommand("show", "print the plan (actions → tasks → items, targets, departments)");
  show->add_option("--plan", file, "plan file (default: the plan in the database, else the bundled Wushan plan)");
  common(show);
  show->callback([&] { rc = plan_show(c, file); });

  auto* report = app.add_subcommand("report", "progress reports (打表) on work items");
  report->require_subcommand(1);
  auto* submit = report->add_subcommand(
      "submit",
      "submit reports from CSV: item,period,status,percent,narrative,evidence,reporter[,reported_at]. "
      "status: not_started|in_progress|done (未启动|推进中|已完成). A file with a refused row stores nothing "
      "unless --accept-valid");
  submit->add_option("file", file, "CSV file (UTF-8)")->required();
  submit->add_flag("--accept-valid", accept_valid, "store the valid rows; keep refused rows for inspection (exit 2)");
  bool claim_reported_at = false;
  submit->add_flag("--claim-reported-at", claim_reported_at,
                   "keep the file's reported_at (a paper report typed in later); the claim is audited. Without it, "
                   "shanshui sets the time of filing and refuses rows that set one");
  common(submit, false);
  submit->callback([&] { rc = report_submit(c, file, accept_valid, claim_reported_at); });
  auto* rejected = report->add_subcommand("rejected", "list refused input rows kept for inspection");
  common(rejected, false);
  rejected->callback([&] { rc = report_rejected(c); });

  auto* measure = app.add_subcommand("measure", "indicator values with provenance");
  measure->require_subcommand(1);
  auto* mimp = measure->add_subcommand(
      "import", "import measurements from CSV: indicator,period,value,kind,method,method_version,source,reporter,note");
  mimp->add_option("file", file, "CSV file (UTF-8)")->required();
  mimp->add_flag("--accept-valid", accept_valid, "store the valid rows; keep refused rows for inspection (exit 2)");
  common(mimp, false);
  mimp->callback([&] { rc = measure_import(c, file, accept_valid); });

  auto* item = app.add_subcommand("item", "work items: closure (销号)");
  item->require_subcommand(1);
  std::string item_id, evidence, approver, note;
  auto* close =
      item->add_subcommand("close", "close a completed work item with evidence, approved by the leading-group office");
  close->add_option("--item", item_id, "work item id, e.g. T02.1")->required();
  close->add_option("--evidence", evidence, "evidence reference (document number, file)")->required();
  close->add_option("--approver", approver, "approving department (the office's host)")->required();
  close->add_option("--note", note, "note");
  close->add_option("--date", as_of, "closure date YYYY-MM-DD (default today)");
  common(close, false);
  close->callback([&] { rc = item_close(c, item_id, evidence, approver, note, as_of); });

  auto* prog = app.add_subcommand("progress", "the progress table: targets with three lenses, work items with status");
  prog->add_option("--as-of", as_of, "assess as of this date YYYY-MM-DD (default today, Beijing time)");
  prog->add_flag("--csv", csv, "print the item table as CSV");
  std::string target;
  prog->add_option("--target", target, "explain one target: its contract, data with provenance, and each lens");
  common(prog);
  prog->callback([&] { rc = target.empty() ? progress(c, as_of, csv) : explain_target(c, as_of, target); });

  auto* sup =
      app.add_subcommand("supervision", "the supervision list (督办): lagging targets, overdue items, missing reports");
  sup->add_option("--as-of", as_of, "as of this date YYYY-MM-DD");
  common(sup);
  sup->callback([&] { rc = supervision(c, as_of); });

  auto* score = app.add_subcommand("scorecard", "department scorecard (赛马比拼) with the plan's published weights");
  score->add_option("--as-of", as_of, "as of this date YYYY-MM-DD");
  common(score);
  score->callback([&] { rc = scorecard(c, as_of); });

  auto* exp = app.add_subcommand("export", "export the progress table (打表)");
  exp->add_option("format", format, "xlsx, csv or json")->required()->check(CLI::IsMember({"xlsx", "csv", "json"}));
  exp->add_option("--out", out, "output file")->required();
  exp->add_option("--as-of", as_of, "as of this date YYYY-MM-DD");
  common(exp, false);
  exp->callback([&] { rc = export_table(c, format, out, as_of); });

  // ---- quality engine ------------------------------------------------------------------
  auto* aqi_cmd = app.add_subcommand(
      "aqi",
      "one AQI (HJ 633—2012 or —2026) from concentrations: so2= no2= pm10= co= o3= o3_8h= pm25= (µg/m³, CO mg/m³). "
      "daily: 24-h means, o3 = daily max 1-h, o3_8h = daily max 8-h; hourly: 1-h values, o3_8h = 8-h moving "
      "mean, pm10/pm25 = 24-h moving means under 2012; so2_24h= for the 2012 SO2 1-h > 800 rule. Omitted = missing");
  std::string standard, date;
  bool hourly = false, daily = false;
  std::vector<std::string> values;
  aqi_cmd->add_option("--standard", standard, "2012 or 2026 (default: the rule set in force on --date, or today)")
      ->check(CLI::IsMember({"2012", "2026"}));
  aqi_cmd->add_option("--date", date, "pick the rule set in force on this date (YYYY-MM-DD)");
  auto* h = aqi_cmd->add_flag("--hourly", hourly, "real-time (hourly) AQI");
  auto* d = aqi_cmd->add_flag("--daily", daily, "daily AQI");
  h->excludes(d);
  aqi_cmd->add_option("values", values, "key=value concentrations");
  common(aqi_cmd);
  aqi_cmd->callback([&] {
    if (!hourly && !daily) {
      std::cerr << "shanshui: aqi needs --hourly or --daily\n";
      rc = 1;
      return;
    }
    rc = aqi(c, standard, date, hourly, values);
  });

  auto* air = app.add_subcommand("air", "ambient air: annual assessment (GB 3095, HJ 663)");
  air->require_subcommand(1);
  auto* assess = air->add_subcommand(
      "assess",
      "assess hourly data: CSV station,time,so2,no2,pm10,co,o3,pm25[,flag] (Beijing time, the hour's start; "
      "flag N valid, F M S D C T B excluded) → daily AQI, valid and good days, annual means and percentiles, "
      "comprehensive index, per station and county");
  std::string input;
  int threads = 2;
  bool skip_bad = false, record = false;
  bool from_db = false;
  assess->add_option("--input", input, "hourly CSV file");
  assess->add_flag("--from-db", from_db, "assess the stored observations (HJ 212 and imported) instead of a file");
  assess->add_option("--threads", threads, "threads for reading (default 2)");
  assess->add_flag("--skip-bad-rows", skip_bad, "exclude malformed rows (listed) instead of refusing the file");
  assess->add_flag("--record", record, "store the county's annual values as measurements of the plan's air targets");
  common(assess);
  assess->callback([&] {
    if (from_db == !input.empty()) {
      std::cerr << "shanshui: air assess needs exactly one of --input FILE and --from-db\n";
      rc = 1;
      return;
    }
    rc = from_db ? air_assess_observations(c, record) : air_assess(c, input, threads, skip_bad, record);
  });

  auto* water = app.add_subcommand("water", "surface water: GB 3838—2002 class, section and river assessment");
  water->require_subcommand(1);
  auto* wclass = water->add_subcommand(
      "class",
      "the class of one sample by the single-factor method: item=value … (mg/L; pH; fecal_coliform 个/L). "
      "Item keys:\n" +
          water_item_keys());
  std::string waterbody = "river", target_class = "III";
  wclass->add_option("--waterbody", waterbody, "river (default) or lake (湖、库: TP and TN limits)")
      ->check(CLI::IsMember({"river", "lake"}));
  wclass->add_option("--target", target_class,
                     "target class for main pollutants and exceedance multiples (default III)");
  std::vector<std::string> items;
  wclass->add_option("values", items, "item=value");
  common(wclass);
  wclass->callback([&] { rc = water_class(c, waterbody, target_class, items); });
  auto* wassess =
      water->add_subcommand("assess",
                            "annual assessment of sections: samples CSV section,time,<item keys…>; --sections CSV "
                            "section,river,waterbody,role(inbound|outbound|control|drinking),target");
  std::string sections_file;
  wassess->add_option("--input", input, "samples CSV")->required();
  wassess->add_option("--sections", sections_file, "section registry CSV");
  wassess->add_flag("--skip-bad-rows", skip_bad, "exclude malformed rows (listed) instead of refusing the file");
  wassess->add_flag("--record", record, "store the results as measurements of the plan's water targets");
  common(wassess);
  wassess->callback([&] { rc = water_assess(c, input, sections_file, skip_bad, record); });

  auto* noise = app.add_subcommand("noise", "environmental noise: GB 3096—2008, HJ 640—2012");
  noise->require_subcommand(1);
  auto* ngrade = noise->add_subcommand("grade", "the HJ 640 grade of a regional or road-traffic average");
  std::string kind = "regional", period = "day", level;
  ngrade->add_option("--kind", kind, "regional or traffic")->check(CLI::IsMember({"regional", "traffic"}))->required();
  ngrade->add_option("--period", period, "day or night")->check(CLI::IsMember({"day", "night"}))->required();
  ngrade->add_option("value", level, "L_Aeq in dB(A)")->required();
  common(ngrade);
  ngrade->callback([&] { rc = noise_grade(c, kind, period, level); });
  auto* nassess = noise->add_subcommand(
      "assess",
      "annual noise assessment: CSV point,year,kind(regional|traffic|zone),period(day|night),leq[,length_km][,zone]");
  nassess->add_option("--input", input, "measurements CSV")->required();
  nassess->add_flag("--skip-bad-rows", skip_bad, "exclude malformed rows (listed) instead of refusing the file");
  nassess->add_flag("--record", record, "store the day averages as measurements of the plan's noise targets");
  common(nassess);
  nassess->callback([&] { rc = noise_assess(c, input, skip_bad, record); });

  auto* hj = app.add_subcommand("hj212", "the HJ 212 monitoring protocol (2005, 2017, 2025 framing)");
  hj->require_subcommand(1);
  std::string crc_mode = "standard", crc_text;
  auto* decode =
      hj->add_subcommand("decode",
                         "decode frames from stdin, one per line (CR LF or LF), into one JSON object per line: "
                         "{\"ok\", \"version\", \"qn\", \"st\", \"cn\", \"pw\", \"mn\", \"flag\", \"crc\", "
                         "\"crc_expected\", \"crc_ok\", \"cp\": {\"DataTime\", \"items\": {code: {suffix: value}}}} or "
                         "{\"ok\": false, \"error\"}; exit 2 when a frame was refused");
  decode->add_option("--crc", crc_mode, "CRC mode: standard (HJ 212 Annex A), modbus, modbus-swapped");
  decode->callback([&] { rc = hj212_decode(crc_mode); });
  auto* crc = hj->add_subcommand("crc", "print the 4-digit uppercase HJ 212 CRC of TEXT (the data segment)");
  crc->add_option("text", crc_text, "data segment text")->required();
  crc->add_option("--crc", crc_mode, "CRC mode: standard, modbus, modbus-swapped");
  crc->callback([&] { rc = hj212_crc(crc_text, crc_mode); });

  auto* quar = hj->add_subcommand("quarantine", "list refused frames and bytes with their reasons");
  common(quar);
  quar->callback([&] { rc = hj212_quarantine(c); });

  auto* station = app.add_subcommand("station", "the station registry (MN, kind, place, password, CRC mode, units)");
  station->require_subcommand(1);
  StationArgs sa;
  auto* sadd = station->add_subcommand("add", "register a station");
  sadd->add_option("--mn", sa.mn, "device MN (HJ 212 设备唯一标识)")->required();
  sadd->add_option("--kind", sa.kind, "air, water, noise or source")->required();
  sadd->add_option("--name", sa.name, "name");
  sadd->add_option("--township", sa.township, "township");
  sadd->add_option("--river", sa.river, "river (water sections)");
  sadd->add_option("--section", sa.section, "section name (water)");
  sadd->add_option("--lon", sa.lon, "longitude (WGS84/CGCS2000)");
  sadd->add_option("--lat", sa.lat, "latitude");
  sadd->add_option("--password", sa.password, "access password PW the station must send (empty: not checked)");
  sadd->add_option("--crc", sa.crc, "CRC mode: standard (default), modbus, modbus-swapped");
  sadd->add_option("--units", sa.units, "unit overrides, e.g. a21026=mg/m3;a34004=ug/m3");
  sadd->add_option("--zone", sa.zone, "noise points: GB 3096 functional zone 0, 1, 2, 3, 4a or 4b");
  common(sadd, false);
  sadd->callback([&] { rc = station_add(c, sa); });
  auto* simport = station->add_subcommand(
      "import", "register stations from CSV: mn,kind,name,township,river,section,lon,lat,password,crc,units[,zone]");
  simport->add_option("file", file, "CSV file")->required();
  common(simport, false);
  simport->callback([&] { rc = station_import(c, file); });
  auto* slist = station->add_subcommand("list", "list the registry");
  common(slist);
  slist->callback([&] { rc = station_list(c); });
  std::string mn;
  auto* sremove = station->add_subcommand("remove", "remove a station from the registry (its observations stay)");
  sremove->add_option("--mn", mn, "device MN")->required();
  common(sremove, false);
  sremove->callback([&] { rc = station_remove(c, mn); });

  auto* layer = app.add_subcommand("layer", "the one map's layers: import, list, export");
  layer->require_subcommand(1);
  LayerImportArgs la;
  auto* limport = layer->add_subcommand(
      "import",
      "import a GeoPackage, Shapefile (GBK attributes read as UTF-8) or GeoJSON layer, checked and in CGCS2000");
  limport->add_option("file", la.file, "vector file")->required();
  limport->add_option("--kind", la.kind, "layer kind: ecological_red_line, permanent_farmland, control_unit, …")
      ->required();
  limport->add_option("--name", la.name, "layer name (default: the file's name)");
  limport->add_option("--crs", la.crs, "the CRS of a file that declares none (EPSG:4490, EPSG:4525 …)");
  limport->add_option("--encoding", la.encoding, "attribute encoding of a Shapefile without .cpg (default CP936)");
  limport->add_flag("--repair", la.repair, "repair invalid geometries (GEOS MakeValid) instead of refusing the file");
  common(limport, false);
  limport->callback([&] { rc = layer_import(c, la); });
  auto* llist = layer->add_subcommand("list", "every stored layer version");
  common(llist);
  llist->callback([&] { rc = layer_list(c); });
  std::string gpkg;
  auto* lexport = layer->add_subcommand("export", "the current layers as one GeoPackage");
  lexport->add_option("--out", gpkg, "GeoPackage file to write")->required();
  common(lexport, false);
  lexport->callback([&] { rc = layer_export(c, gpkg); });

  ScreenArgs scr;
  auto* screen_cmd = app.add_subcommand("screen", "三线一单 pre-screening of a project site against the stored layers");
  screen_cmd->add_option("--project", scr.project, "GeoJSON of the site (polygon, point, or line)")->required();
  screen_cmd->add_option("--industry", scr.industry, "GB/T 4754-2017 industry code, e.g. C2614");
  screen_cmd->add_option("--radius", scr.radius_m, "site radius in metres for a point");
  screen_cmd->add_option("--buffer", scr.buffer_m, "corridor half-width in metres for a line");
  screen_cmd->add_option("--zoning", scr.zoning, "directory of rules.csv and access-list.csv (default data/zoning)");
  common(screen_cmd);
  screen_cmd->callback([&] { rc = screen(c, scr); });

  HarvestArgs hv;
  auto* hv_cmd = app.add_subcommand(
      "harvest",
      "a neighbour's monitoring data over the OGC SensorThings API (or its export file), stored apart from "
      "the county's own: its Datastreams and the Observations newer than those already stored");
  hv_cmd->add_option("--partner", hv.partner, "the partner's id (fengjie)")->required();
  hv_cmd->add_option("--name", hv.name, "the partner's name (奉节县), when first harvested");
  hv_cmd->add_option("--from", hv.from, "its SensorThings service root (http://host/api/sta/v1.1)");
  hv_cmd->add_option(
      "--file", hv.file,
      "an export file: {\"value\": [Datastream with Thing, ObservedProperty and Observations expanded]}");
  hv_cmd->add_option("--licence", hv.licence, "the licence its data come under when a series names none");
  hv_cmd->add_option("--token-file", hv.token_file,
                     "a file holding the bearer token of the partner account it gave us");
  common(hv_cmd);
  hv_cmd->callback([&] { rc = harvest(c, hv); });

  WarnArgs wa;
  auto* warn_cmd = app.add_subcommand(
      "warn",
      "upstream → downstream pre-warning: values worse than their section's class target warn every section "
      "downstream (a 督办 notice to each responsible department, a message to each channel), once each; then "
      "the outbox is delivered");
  warn_cmd->add_option("--since", wa.since, "values from this time (ISO 8601; default 2 days ago)");
  warn_cmd->add_option("--until", wa.until, "values up to this time (default now)");
  warn_cmd->add_option("--network", wa.network, "the river network (default data/exchange/river-network.csv)");
  warn_cmd->add_option("--channels", wa.channels, "outbound channels (default data/exchange/channels.csv)");
  warn_cmd->add_flag("--no-deliver", wa.no_deliver, "queue the messages but do not send them");
  common(warn_cmd);
  warn_cmd->callback([&] { rc = warn(c, wa); });

  int cov_year = 0;
  bool cov_record = false;
  auto* cov = app.add_subcommand("coverage",
                                 "coverage indicators from the layers: protected-area share, forest share, 5-minute "
                                 "park coverage (with their cross-checks and township breakdown)");
  cov->add_option("--year", cov_year, "the year the value is for (default: this year)");
  cov->add_flag("--record", cov_record, "store each value as a computed measurement with its provenance");
  common(cov);
  cov->callback([&] { rc = coverage(c, cov_year, cov_record); });

  auto* serve_cmd = app.add_subcommand("serve", "run the HTTP API and dashboard and/or the HJ 212 listener");
  ServeArgs sv;
  serve_cmd->add_option("--http-port", sv.http_port, "HTTP port for the API and the dashboard (0: any free port)");
  serve_cmd->add_option("--http-threads", sv.http_threads,
                        "threads running HTTP handlers; connections do not hold one (default 16)");
  serve_cmd->add_flag("--behind-tls", sv.behind_tls, "served through a TLS proxy: Secure cookies and HSTS");
  serve_cmd->add_option(
      "--trusted-proxy", sv.trusted_proxies,
      "address of a reverse proxy whose X-Forwarded-For names the client (for login throttling); repeatable");
  serve_cmd->add_option("--evidence-budget-mb", sv.evidence_budget_mb,
                        "MiB all uploaded evidence files may take together (default 2048; 507 beyond)");
  serve_cmd->add_flag("--no-cache", sv.no_cache, "rebuild every read view on each request (for benchmarks)");
  serve_cmd->add_option("--county", sv.counties,
                        "another county served beside --db, as ID=DATABASE: its dashboard at /c/ID/, its own users and "
                        "data; auditors and admins of --db read every county (the province); repeatable");
  serve_cmd->add_option("--sharing", sv.sharing,
                        "which monitoring series the SensorThings API (/api/sta/v1.1) shares with whom: a CSV as "
                        "data/exchange/sharing.csv (the default; docs/exchange.md)");
  serve_cmd->add_option("--warn-every", sv.warn_every,
                        "seconds between upstream pre-warning passes and outbox deliveries (default 60; 0: none)");
  serve_cmd->add_option("--river-network", sv.river_network,
                        "the river network (default data/exchange/river-network.csv)");
  serve_cmd->add_option("--channels", sv.channels, "outbound channels (default data/exchange/channels.csv)");
  serve_cmd->add_option("--hj212-port", sv.hj212_port, "TCP port for HJ 212 data loggers (0: any free port)");
  serve_cmd->add_option("--host", sv.host, "address to bind (default 127.0.0.1)");
  serve_cmd->add_option("--web", sv.web, "directory of the dashboard's files (default: web/public of the source tree)");
  serve_cmd->add_option("--idle-timeout", sv.idle_timeout,
                        "seconds an HJ 212 connection may stay silent (default 600)");
  serve_cmd->add_option("--hj212-max-connections", sv.hj212_max_connections,
                        "open HJ 212 connections in all (default 1000)");
  serve_cmd->add_option("--hj212-max-per-address", sv.hj212_max_per_address,
                        "open HJ 212 connections from one IP address (default 64; raise for loggers behind one NAT)");
  serve_cmd->add_option("--http-max-connections", sv.http_max_connections,
                        "open HTTP connections in all (default 2000)");
  serve_cmd->add_option("--http-max-per-address", sv.http_max_per_address,
                        "open HTTP connections from one IP address (default 128)");
  serve_cmd->add_option(
      "--accept-past-days", sv.accept_past_days,
      "HJ 212 values older than this many days are quarantined (default 800: backfill after an outage)");
  serve_cmd->add_option("--accept-ahead-minutes", sv.accept_ahead_minutes,
                        "HJ 212 values further ahead of the clock are quarantined (default 60)");
  serve_cmd->add_option("--max-frame", sv.max_frame,
                        "largest HJ 212 data-segment length accepted, 64–9999 (default 9999)");
  common(serve_cmd, false);
  serve_cmd->callback([&] { rc = serve(c, sv); });

  auto* user = app.add_subcommand("user", "users of the dashboard");
  user->require_subcommand(1);
  std::string uname, urole, udept, upass;
  auto* uadd = user->add_subcommand(
      "add", "add a user (argon2id password hash); the password is read from stdin without --password");
  uadd->add_option("--name", uname, "username")->required();
  uadd->add_option("--role", urole,
                   "admin, office, department, township, auditor or partner (a neighbouring county: --department is "
                   "its partner id)")
      ->required();
  uadd->add_option("--department", udept,
                   "department or township (name, alias or id) for department and township users");
  uadd->add_option("--password", upass, "password (at least 8 characters)");
  common(uadd, false);
  uadd->callback([&] { rc = user_add(c, uname, urole, udept, upass); });

  std::string backup_to;
  auto* db_cmd = app.add_subcommand("db", "the database: backups, moving a county to PostgreSQL");
  db_cmd->require_subcommand(1);
  auto* dbackup = db_cmd->add_subcommand(
      "backup", "copy the database while it is in use (a consistent snapshot), then verify the copy's audit chain");
  dbackup->add_option("--to", backup_to, "the new file (never overwritten)")->required();
  common(dbackup, false);
  dbackup->callback([&] { rc = db_backup(c, backup_to); });
  std::string migrate_from, migrate_to;
  auto* dmigrate = db_cmd->add_subcommand(
      "migrate", "copy a SQLite database into an empty PostgreSQL database, then verify counts and the audit chain");
  dmigrate->add_option("--from", migrate_from, "sqlite:FILE (or the file)")->required();
  dmigrate->add_option("--to", migrate_to, "postgresql://user@host/database")->required();
  dmigrate->callback([&] { rc = db_migrate(migrate_from, migrate_to); });

  auto* audit = app.add_subcommand("audit", "the hash-chained audit log");
  audit->require_subcommand(1);
  std::string digest_file, public_key, digest_out, key_file;
  auto* averify = audit->add_subcommand("verify", "recompute the chain and name the first broken entry (exit 1)");
  averify->add_option("--digest", digest_file,
                      "a digest from 'audit digest': the log must still hold its head and extend it");
  averify->add_option("--public-key", public_key,
                      "the key the digest must be signed by (hex; default: the digest's own)");
  common(averify, false);
  averify->callback([&] { rc = audit_verify(c, digest_file, public_key); });
  auto* adigest = audit->add_subcommand("digest", "sign the log's head (Ed25519) for keeping outside the database");
  adigest->add_option("--out", digest_out, "write the digest here (default: stdout)");
  adigest->add_option("--key", key_file,
                      "the signing key (default: the database path + .audit-key, created on first use)");
  common(adigest, false);
  adigest->callback([&] { rc = audit_digest(c, digest_out, key_file); });
  auto* apk = audit->add_subcommand("public-key", "print the public key that verifies the digests");
  apk->add_option("--key", key_file, "the signing key (default: the database path + .audit-key)");
  common(apk, false);
  apk->callback([&] { rc = audit_public_key(c, key_file); });
  std::string object;
  auto* alist = audit->add_subcommand("list", "list entries (--object ID for one object's history)");
  alist->add_option("--object", object, "an item, target, station or user id");
  common(alist);
  alist->callback([&] { rc = audit_list(c, object); });

  std::string eval_date;
  auto* evaluate = app.add_subcommand(
      "evaluate",
      "bring the live evaluation up to date once (what serve does after each ingest): the county's air quality "
      "so far as computed measurements with their assessment runs");
  evaluate->add_option("--today", eval_date,
                       "evaluate as if today were this date YYYY-MM-DD (default: today, Beijing time)");
  common(evaluate);
  evaluate->callback([&] { rc = evaluate_cmd(c, eval_date); });

  LineageArgs lin;
  auto* lineage = app.add_subcommand(
      "lineage",
      "from a target's value to its frames: measurement and run (--indicator/--period), station-days "
      "(--station), one day's observations (--day), a frame (--frame); --export DIR for recomputation");
  lineage->add_option("--indicator", lin.indicator, "indicator or target id (good_days_ratio, pm25, …)");
  lineage->add_option("--period", lin.period, "period of the value: 2026-YTD, 2025 (default: every period)");
  lineage->add_option("--run", lin.run, "an assessment run id (default: the run of the value in force for --period)");
  lineage->add_option("--station", lin.station, "a station (MN) of the run: its days");
  lineage->add_option("--day", lin.day, "with --station: that day's observations (YYYY-MM-DD)");
  lineage->add_option("--frame", lin.frame, "a raw frame id: its bytes, CRC and hash");
  lineage->add_option("--export", lin.export_dir,
                      "write the run's input set (run.json, observations.csv, frames.csv) here");
  common(lineage, false);
  lineage->callback([&] { rc = lineage_cmd(c, lin); });

  SimulateArgs sim;
  auto* simc = app.add_subcommand(
      "simulate", "HJ 212 data loggers over TCP: hourly data (CN 2061, Flag=5), replies awaited, faults optional");
  simc->add_option("--host", sim.host, "listener address (default 127.0.0.1)");
  simc->add_option("--port", sim.port, "listener port")->required();
  simc->add_option("--air", sim.air, "air stations");
  simc->add_option("--water", sim.water, "water stations");
  simc->add_option("--noise", sim.noise, "noise stations");
  simc->add_option("--from", sim.from, "first simulated day (default 2025-01-01)");
  simc->add_option("--hours", sim.hours, "hourly frames per station (default 24)");
  simc->add_option("--window", sim.window, "frames in flight per station (default 8)");
  simc->add_option("--rate", sim.rate, "frames per second per station (default: as fast as replies come)");
  simc->add_option("--bad-crc", sim.bad_crc, "share of frames also sent with a wrong CRC");
  simc->add_option("--split", sim.split, "share of frames written in pieces");
  simc->add_option("--disconnect", sim.disconnect, "share of frames after which the station reconnects");
  simc->add_option("--modbus", sim.modbus, "share of stations using a byte-swapped Modbus CRC");
  simc->add_option("--timeout-ms", sim.timeout_ms, "reply timeout before a resend (default 3000)");
  simc->add_option("--seed", sim.seed, "random seed");
  simc->add_option("--ack-log", sim.ack_log, "append 'MN QN DataTime' per acknowledged frame to this file");
  simc->add_flag("--register", sim.register_stations, "register the simulated stations in --db first");
  simc->add_option("--mn-prefix", sim.mn_prefix, "MN prefix of generated stations (default SIM)");
  simc->add_flag("--registered", sim.registered,
                 "speak for every air, water and noise station registered in --db (MN, password, CRC mode)");
  common(simc);
  simc->callback([&] { rc = simulate(c, sim); });

  auto* obs = app.add_subcommand("obs", "observations (monitoring values with their raw frames)");
  obs->require_subcommand(1);
  auto* oexp = obs->add_subcommand(
      "export", "a JSON array of {mn, factor, cn, time, kind, value, flag}, ordered by time then factor");
  oexp->add_option("--mn", mn, "device MN (default: every station)");
  common(oexp);
  oexp->callback([&] { rc = obs_export(c, mn); });

  auto* oimp = obs->add_subcommand(
      "import", "observations from CSV (mn,factor,time,value[,kind,flag,unit]) or a JSON array (the obs export shape)");
  oimp->add_option("file", file, "CSV or JSON file")->required();
  oimp->add_flag("--accept-valid", accept_valid, "store the valid rows; quarantine the refused ones (exit 2)");
  common(oimp, false);
  oimp->callback([&] { rc = obs_import(c, file, accept_valid); });

  auto* alarm_cmd = app.add_subcommand("alarms", "values over their standard, silent stations, long maintenance");
  int silent_hours = 2, maintenance_hours = 24;
  alarm_cmd->add_option("--as-of", as_of, "ISO time or date (default now)");
  alarm_cmd->add_option("--silent-hours", silent_hours, "hours without data before a station is silent (default 2)");
  alarm_cmd->add_option("--maintenance-hours", maintenance_hours,
                        "consecutive flagged hours (M C D F) before an alarm (default 24)");
  common(alarm_cmd);
  alarm_cmd->callback([&] { rc = alarms(c, as_of, silent_hours, maintenance_hours); });

  auto* demo = app.add_subcommand("demo", "reproducible demo data");
  demo->require_subcommand(1);
  std::string demo_dir;
  auto* ldemo =
      demo->add_subcommand("layers", "Wushan's spatial layers (approximations): written as GeoJSON and imported");
  ldemo->add_option("--out", demo_dir, "where the GeoJSON files go (default var/demo-layers)");
  common(ldemo, false);
  ldemo->callback([&] { rc = layer_demo(c, demo_dir); });
  auto* demo_air_cmd =
      demo->add_subcommand("air", "hourly air data for the Wushan demo stations (or N synthetic ones)");
  std::string from = "2021-01-01", to = "2025-12-31";
  int stations = 0;
  uint64_t seed = 2023;
  demo_air_cmd->add_option("--out", out, "output CSV file, or - for stdout")->required();
  demo_air_cmd->add_option("--stations", stations,
                           "number of synthetic stations S0001… (default: the Wushan stations)");
  demo_air_cmd->add_option("--from", from, "first day (default 2021-01-01)");
  demo_air_cmd->add_option("--to", to, "last day (default 2025-12-31)");
  demo_air_cmd->add_option("--seed", seed, "random seed (default 2023)");
  demo_air_cmd->callback([&] { rc = demo_air(out, stations, from, to, seed); });

  std::string raster_dir = "var/demo-rasters";
  std::vector<int> raster_years = {2022, 2023, 2024, 2025, 2026};
  double raster_cell = 30;
  auto* rdemo = demo->add_subcommand(
      "rasters",
      "the ecosystem account's demo rasters (DEM, land cover, rain, AET, NPP, R, K, ET0) for the stored layers");
  rdemo->add_option("--out", raster_dir, "directory (default var/demo-rasters)");
  rdemo->add_option("--years", raster_years, "years of the yearly rasters (default 2022 … 2026)");
  rdemo->add_option("--cell", raster_cell, "cell size in metres (default 30)");
  common(rdemo, false);
  rdemo->callback([&] { rc = gep_demo(c, raster_dir, raster_years, raster_cell); });

  GepArgs gep_args;
  auto* gep_cmd = app.add_subcommand("gep", "ecosystem accounting (生态系统生产总值 GEP) from rasters and tables");
  gep_cmd->require_subcommand(1);
  auto* gep_run_cmd = gep_cmd->add_subcommand(
      "run", "the account of each year: services, value, GEP/GDP, 水土保持率; --record makes them the targets' values");
  gep_run_cmd->add_option("--year", gep_args.years, "accounting year(s)")->required();
  gep_run_cmd->add_option("--rasters", gep_args.rasters, "directory of the rasters (default var/demo-rasters)")
      ->default_val("var/demo-rasters");
  gep_run_cmd->add_option("--config", gep_args.profile, "method profile (default data/gep/gep.yaml)");
  gep_run_cmd->add_option("--out", gep_args.out, "write the service rasters (GeoTIFF) under this directory");
  gep_run_cmd->add_option("--threads", gep_args.threads, "threads (default: every core)");
  gep_run_cmd->add_option("--tile", gep_args.tile, "cells per side of a tile, the unit of work (default 512)")
      ->check(CLI::Range(16, 8192));
  gep_run_cmd->add_flag("--record", gep_args.record, "record the values with their provenance");
  common(gep_run_cmd);
  gep_run_cmd->callback([&] { rc = gep_run(c, gep_args); });

  auto* raster_cmd = app.add_subcommand("raster", "rasters: facts and zonal statistics");
  raster_cmd->require_subcommand(1);
  std::vector<std::string> raster_files;
  auto* rinfo = raster_cmd->add_subcommand("info", "size, grid, CRS, type, nodata and unit of each raster");
  rinfo->add_option("files", raster_files, "raster files")->required();
  common(rinfo);
  rinfo->callback([&] { rc = raster_info(c, raster_files); });
  std::string zonal_file, zonal_kind = "township";
  auto* rzonal = raster_cmd->add_subcommand("zonal", "statistics of a raster per feature of a stored polygon layer");
  rzonal->add_option("--raster", zonal_file, "the raster")->required();
  rzonal->add_option("--layer-kind", zonal_kind, "the zones: a stored layer kind (default township)");
  common(rzonal);
  rzonal->callback([&] { rc = raster_zonal(c, zonal_file, zonal_kind); });

  CLI11_PARSE(app, argc, argv);
  return rc;
}

}  // namespace

// Anything a command did not turn into a clear error still ends with a message and exit 1.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "shanshui: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "shanshui: unexpected error\n";
  }
  return 1;
}
