// cli_monitor.cpp: stations, the HJ 212 server, quarantine, observation export.
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "app/commands.h"
#include "app/context.h"
#include "app/http_client.h"
#include "core/csv.h"
#include "core/decimal.h"
#include "core/file.h"
#include "core/text.h"
#include "export/exports.h"
#include "hj212/crc.h"
#include "hj212/listener/listener.h"
#include "hj212/simulator.h"
#include "http/server.h"
#include "plan/loader.h"
#include "quality/noise.h"
#include "service/audit_digest.h"
#include "service/auth.h"
#include "service/evaluator.h"
#include "service/lineage.h"
#include "service/warning_run.h"
#include "store/copy_database.h"

namespace shanshui::app {
namespace {

using nlohmann::json;

Result<store::Station> make_station(const StationArgs& a) {
  store::Station s;
  s.mn = text::trim(a.mn);
  if (s.mn.empty()) return fail("--mn is empty");
  if (a.kind != "air" && a.kind != "water" && a.kind != "noise" && a.kind != "source")
    return fail("--kind '" + a.kind + "' is not air, water, noise or source");
  s.kind = a.kind;
  s.name = a.name.empty() ? s.mn : a.name;
  s.township = a.township;
  s.river = a.river;
  s.section = a.section;
  s.password = a.password;
  if (!hj212::crc_mode_from_string(a.crc))
    return fail("--crc '" + a.crc + "' is not standard, modbus or modbus-swapped");
  s.crc_mode = a.crc;
  s.units = a.units;
  if (!a.zone.empty() && !quality::zone_limit(a.zone, quality::NoisePeriod::day))
    return fail("--zone '" + a.zone + "' is not a GB 3096 functional zone (0, 1, 2, 3, 4a, 4b)");
  if (!a.zone.empty() && a.kind != "noise") return fail("--zone applies to noise points only");
  s.zone = a.zone;
  for (auto [text, out, what] : {std::tuple{a.lon, &s.lon, "lon"}, std::tuple{a.lat, &s.lat, "lat"}}) {
    if (text.empty()) continue;
    auto d = Decimal::parse(text);
    if (!d) return fail(std::string("--") + what + ": " + d.error().message);
    *out = d->to_double();
  }
  return s;
}

}  // namespace

int station_add(const Common& c, const StationArgs& a) {
  auto s = make_station(a);
  if (!s) return refuse(s.error().message);
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  if (auto r = (*st)->add_station(*s); !r) return refuse(r.error().message);
  std::cerr << "station " << s->mn << " (" << s->kind << ", " << s->name << ") registered\n";
  return 0;
}

int station_import(const Common& c, const std::string& file) {
  auto text = read_file(file);
  if (!text) return refuse(text.error().message);
  auto csv = parse_csv(*text, file);
  if (!csv) return refuse(csv.error().message);
  if (csv->column("mn") < 0 || csv->column("kind") < 0)
    return refuse(file + ":1: needs columns mn,kind[,name,township,river,section,lon,lat,password,crc,units,zone]");
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  std::vector<store::Station> rows;
  for (const auto& r : csv->records) {
    auto get = [&](const char* k) {
      int i = csv->column(k);
      return i >= 0 && i < static_cast<int>(r.fields.size()) ? text::trim(r.fields[static_cast<size_t>(i)])
                                                             : std::string();
    };
    StationArgs a{
        get("mn"),      get("kind"), get("name"), get("township"), get("river"),
        get("section"), get("lon"),  get("lat"),  get("password"), get("crc").empty() ? "standard" : get("crc"),
        get("units"),   get("zone")};
    auto s = make_station(a);
    if (!s) return refuse(file + ":" + std::to_string(r.line) + ": " + s.error().message + "; nothing imported");
    rows.push_back(*s);
  }
  int added = 0;
  for (const auto& s : rows) {
    if (auto r = (*st)->add_station(s); !r) {
      std::cerr << "skipped: " << r.error().message << "\n";
      continue;
    }
    ++added;
  }
  std::cerr << file << ": " << added << " stations registered, " << rows.size() - static_cast<size_t>(added)
            << " already present\n";
  return 0;
}

int station_list(const Common& c) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto list = (*st)->stations();
  if (!list) return refuse(list.error().message);
  if (c.json) {
    json a = json::array();
    for (const auto& s : *list)
      a.push_back({{"mn", s.mn},
                   {"kind", s.kind},
                   {"name", s.name},
                   {"township", s.township},
                   {"river", s.river},
                   {"section", s.section},
                   {"lon", s.lon ? json(*s.lon) : json(nullptr)},
                   {"lat", s.lat ? json(*s.lat) : json(nullptr)},
                   {"crc", s.crc_mode},
                   {"units", s.units},
                   {"zone", s.zone},
                   {"has_password", !s.password.empty()}});
    std::cout << a.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const auto& s : *list)
    std::cout << text::pad_right(s.mn, 26) << text::pad_right(s.kind, 7) << text::pad_right(s.name, 20)
              << text::pad_right(s.crc_mode, 16) << s.township << "\n";
  std::cout << list->size() << " stations\n";
  return 0;
}

int station_remove(const Common& c, const std::string& mn) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto r = (*st)->remove_station(mn);
  if (!r) return refuse(r.error().message);
  if (!*r) return refuse("no station with MN " + mn);
  std::cerr << "station " << mn << " removed from the registry (its observations stay)\n";
  return 0;
}

int serve(const Common& c, const ServeArgs& a) {
  if (a.hj212_port < 0 && a.http_port < 0) return refuse("serve needs --http-port and/or --hj212-port");
  std::string db = c.db.empty() ? default_db_path() : c.db;
  // SIGINT/SIGTERM are taken by one thread that stops both servers.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // Each connection is a descriptor: take the hard limit (the default soft 1,024 would run out
  // before the connection caps do) and say what we got.
  struct rlimit files {};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
    files.rlim_cur = files.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &files);
    getrlimit(RLIMIT_NOFILE, &files);
  }
  // Live evaluation: the county's air quality so far follows the stored observations.
  auto live = std::make_unique<service::LiveEvaluator>(db, service::LiveOptions{});
  if (auto s = live->start(); !s) return refuse(s.error().message);
  std::vector<std::unique_ptr<service::LiveEvaluator>> county_live;
  std::unique_ptr<hj212::Listener> listener;
  std::unique_ptr<http::Server> web;
  if (a.hj212_port >= 0) {
    hj212::ListenerOptions o;
    o.host = a.host;
    o.port = static_cast<uint16_t>(a.hj212_port);
    o.idle_timeout = std::chrono::seconds(std::max(1, a.idle_timeout));
    o.max_data = static_cast<size_t>(std::clamp(a.max_frame, 64, 9999));
    o.max_connections = static_cast<size_t>(std::max(1, a.hj212_max_connections));
    o.max_per_address = static_cast<size_t>(std::max(1, a.hj212_max_per_address));
    o.max_age = std::chrono::hours(24 * std::max(1, a.accept_past_days));
    o.max_ahead = std::chrono::minutes(std::max(0, a.accept_ahead_minutes));
    o.on_commit = [l = live.get()] { l->wake(); };
    listener = std::make_unique<hj212::Listener>(o, db);
    if (auto s = listener->start(); !s) return refuse(s.error().message);
    std::cerr << "shanshui: HJ 212 listening on " << a.host << ":" << listener->port() << " (db " << db << ")"
              << std::endl;
  }
  if (a.http_port >= 0) {
    http::ServerOptions o;
    o.host = a.host;
    o.port = a.http_port;
    o.db_path = db;
    for (const auto& spec : a.counties) {
      auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        return refuse("--county " + spec + ": give it as ID=DATABASE (yunling=var/yunling.db)");
      o.counties.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
      // Each county's values follow its own observations, as the home database's do.
      county_live.push_back(std::make_unique<service::LiveEvaluator>(spec.substr(eq + 1), service::LiveOptions{}));
      if (auto s = county_live.back()->start(); !s) return refuse(s.error().message);
    }
    o.transport.workers = static_cast<size_t>(std::max(1, a.http_threads));
    o.behind_tls = a.behind_tls;
    o.trusted_proxies = a.trusted_proxies;
    o.transport.max_connections = static_cast<size_t>(std::max(1, a.http_max_connections));
    o.transport.max_per_address = static_cast<size_t>(std::max(1, a.http_max_per_address));
    o.cache = !a.no_cache;
    o.evidence_budget = std::max<int64_t>(0, a.evidence_budget_mb) * 1024 * 1024;
    o.web_dir = a.web.empty() ? std::string(SHANSHUI_SOURCE_DIR) + "/web/public" : a.web;
    o.sharing = a.sharing;
    if (listener) {
      const hj212::Listener* l = listener.get();
      o.listener_health = [l] {
        const auto& st = l->stats();
        const auto& lo = l->options();
        return http::ListenerHealth{true,
                                    st.open.load(),
                                    st.queue_depth.load(),
                                    lo.max_queue,
                                    st.quarantine_bytes_hour.load(),
                                    lo.quarantine_per_hour,
                                    st.quarantine_dropped.load()};
      };
    }
    o.live_status = [l = live.get()] {
      auto st = l->status();
      nlohmann::json notes = st.notes;
      return nlohmann::json{{"caught_up", st.caught_up},
                            {"cycles", st.cycles},
                            {"observations_through_id", st.observations_through},
                            {"station_days", st.station_days},
                            {"station_days_recomputed_last_cycle", st.station_days_recomputed},
                            {"station_months_recomputed_last_cycle", st.station_months_recomputed},
                            {"runs_recorded", st.runs_recorded},
                            {"last_cycle_at", st.last_cycle_at},
                            {"notes", notes}}
          .dump();
    };
    web = std::make_unique<http::Server>(o);
    auto port = web->bind();
    if (!port) return refuse(port.error().message);
    std::cerr << "shanshui: dashboard on http://" << a.host << ":" << *port << "/ (db " << db << ")" << std::endl;
  }
  // After the "listening" lines, which scripts wait for.
  std::cerr << "shanshui: open-file limit " << files.rlim_cur << std::endl;
  // Upstream pre-warning: a pass over the last two days and the outbox, every --warn-every seconds.
  std::mutex warn_mutex;
  std::condition_variable warn_wake;
  bool stopping = false;
  std::thread warner;
  if (a.warn_every > 0) {
    auto network = service::RiverNetwork::load(a.river_network.empty() ? std::string(SHANSHUI_SOURCE_DIR) +
                                                                             "/data/exchange/river-network.csv"
                                                                       : a.river_network);
    if (!network) return refuse(network.error().message);
    auto channels = service::load_channels(
        a.channels.empty() ? std::string(SHANSHUI_SOURCE_DIR) + "/data/exchange/channels.csv" : a.channels);
    if (!channels) return refuse(channels.error().message);
    warner = std::thread([&, net = *network, ch = *channels] {
      auto st = store::open_store(db);
      if (!st) {
        std::cerr << "shanshui: pre-warning stopped: " << st.error().message << std::endl;
        return;
      }
      std::unique_lock<std::mutex> lock(warn_mutex);
      while (!stopping) {
        lock.unlock();
        int64_t now = unix_now();
        auto pass = service::run_warnings(**st, net, ch, beijing_iso8601(now - 2 * 86400), beijing_iso8601(now));
        if (!pass) std::cerr << "shanshui: pre-warning: " << pass.error().message << std::endl;
        if (auto q = service::queue_notices(**st, ch); !q)
          std::cerr << "shanshui: notices to channels: " << q.error().message << std::endl;
        auto sent = service::deliver_outbox(**st, http_post(), now);
        if (!sent) std::cerr << "shanshui: outbox: " << sent.error().message << std::endl;
        lock.lock();
        warn_wake.wait_for(lock, std::chrono::seconds(a.warn_every), [&] { return stopping; });
      }
    });
  }
  auto stop_warner = [&] {
    {
      std::lock_guard<std::mutex> lock(warn_mutex);
      stopping = true;
    }
    warn_wake.notify_all();
  };
  std::thread signals([&] {
    int sig = 0;
    sigwait(&set, &sig);
    if (listener) listener->stop();
    if (web) web->stop();
    stop_warner();
  });
  std::thread hj;
  if (listener) hj = std::thread([&] { listener->run(false); });
  if (web) web->run();
  if (hj.joinable()) hj.join();
  // Wake the signal thread if the servers ended on their own.
  // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread): SIGTERM is blocked and only wakes its sigwait()
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  stop_warner();
  if (warner.joinable()) warner.join();
  if (listener) {
    const auto& st = listener->stats();
    std::cerr << "shanshui: stopped after " << st.connections << " connections, " << st.frames << " frames, "
              << st.values << " values, " << st.conflicts << " conflicting, " << st.quarantined << " quarantined, "
              << st.quarantine_dropped << " refused inputs over budget, " << st.refused_connections
              << " connections refused\n";
  }
  return 0;
}

int user_add(const Common& c, const std::string& name, const std::string& role, const std::string& department,
             const std::string& password) {
  if (!service::valid_role(role))
    return refuse("--role '" + role + "' is not admin, office, department, township, auditor or partner");
  std::string pw = password;
  if (pw.empty()) std::getline(std::cin, pw);
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  std::string dept;
  if (role == "department" || role == "township") {
    auto p = current_plan(**st);
    if (!p) return refuse(p.error().message);
    dept = p->resolve_department(department);
    if (dept.empty()) return refuse("--department '" + department + "' is not in the plan's registry");
    const auto* d = p->find_department(dept);
    if (role == "township" && d->kind != "township") return refuse(department + " is not a township");
    if (role == "department" && d->kind == "township")
      return refuse(department + " is a township: use --role township");
  }
  if (role == "partner") {
    if (!service::valid_partner_id(department))
      return refuse("partner: the partner's id (lowercase letters, digits, '-' or '_') as department");
    dept = department;
  }
  auto hash = service::hash_password(pw);
  if (!hash) return refuse(hash.error().message);
  if (auto s = (*st)->add_user({name, role, dept, *hash, ""}); !s) return refuse(s.error().message);
  std::cerr << "user " << name << " (" << role << (dept.empty() ? "" : ", " + dept) << ") added\n";
  return 0;
}

// The signing key of the audit digests lives beside the database, not in it.
std::string audit_key_path(const Common& c, const std::string& key) {
  return !key.empty() ? key : store::file_beside(c.db.empty() ? default_db_path() : c.db, ".audit-key");
}

int audit_verify(const Common& c, const std::string& digest_file, const std::string& public_key) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto v = (*st)->verify_audit();
  if (!v) return refuse(v.error().message);
  if (v->broken_at) {
    std::cout << "audit chain BROKEN at entry " << v->broken_at << ": " << v->reason << "\n";
    return 1;
  }
  std::cout << "audit chain intact: " << v->entries << " entries\n";
  if (!v->data.empty()) {
    std::cout << "data NOT intact: " << v->data.size() << (v->data.size() >= 50 ? "+" : "")
              << " rows contradict the log (first ones first):\n";
    for (const auto& p : v->data) std::cout << "  " << p.table << ": " << p.what << "\n";
  } else {
    std::cout << "data intact: " << v->rows_checked << " rows recomputed match the entries that wrote them\n";
  }
  int rc = v->data.empty() ? 0 : 1;
  if (digest_file.empty()) return rc;
  auto text = read_file(digest_file);
  if (!text) return refuse(text.error().message);
  auto d = service::parse_digest(*text);
  if (!d) return refuse(digest_file + ": " + d.error().message);
  auto problem = service::check_digest(**st, *d, public_key);
  if (!problem) return refuse(problem.error().message);
  if (!problem->empty()) {
    std::cout << "digest " << digest_file << " NOT extended: " << *problem << "\n";
    return 1;
  }
  std::cout << "the log extends the digest signed at " << d->at << " (entry " << d->head_id << ")\n";
  return rc;
}

int db_backup(const Common& c, const std::string& to) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto b = (*st)->backup_to(to);
  if (!b) return refuse(b.error().message);
  if (store::is_postgresql(c.db.empty() ? default_db_path() : c.db)) {
    // pg_dump's archive is not a database: it is proved by restoring it (docs/server.md).
    (*st)->set_actor("cli");
    if (auto a = (*st)->audit("db.backup", to, "pg_dump, audit entries up to " + std::to_string(b->audit_head)); !a)
      return refuse(a.error().message);
    std::printf("备份完成：%s（pg_dump 归档，%.1f MB，审计条目至 %lld）；恢复：pg_restore，然后 audit verify\n",
                to.c_str(), static_cast<double>(b->bytes) / 1e6, static_cast<long long>(b->audit_head));
    return 0;
  }
  // The copy proves itself: its chain and every covered row are recomputed before it is called good.
  auto copy = store::open_sqlite_store(to);
  if (!copy) return refuse(to + ": the copy cannot be opened: " + copy.error().message);
  auto v = (*copy)->verify_audit();
  if (!v) return refuse(to + ": " + v.error().message);
  if (!v->intact()) {
    std::cout << "备份 " << to << " 校验未通过：" << (v->broken_at ? v->reason : v->data.front().what) << "\n";
    return 1;
  }
  (*st)->set_actor("cli");
  if (auto a = (*st)->audit("db.backup", to,
                            std::to_string(b->pages) + " pages, audit entries up to " + std::to_string(b->audit_head));
      !a)
    return refuse(a.error().message);
  std::printf("备份完成：%s（%lld 页，%.1f MB），审计链完整（%lld 条），数据完整（%lld 行复核一致）\n", to.c_str(),
              static_cast<long long>(b->pages), static_cast<double>(b->bytes) / 1e6, static_cast<long long>(v->entries),
              static_cast<long long>(v->rows_checked));
  return 0;
}

int db_migrate(const std::string& from, const std::string& to) {
  if (store::is_postgresql(from)) return refuse("--from: a SQLite database (sqlite:FILE)");
  if (!store::is_postgresql(to)) return refuse("--to: a PostgreSQL database (postgresql://…)");
  auto r = store::copy_sqlite_to_pg(store::sqlite_file(from), to);
  if (!r) return refuse(r.error().message);
  int64_t rows = 0;
  for (const auto& t : r->tables) rows += t.copied_rows;
  std::printf(
      "迁移完成：%zu 张表 %lld 行，逐表行数一致；审计链完整（%lld 条），数据完整（%lld 行复核一致）；用时 %.1f 秒\n",
      r->tables.size(), static_cast<long long>(rows), static_cast<long long>(r->audit_entries),
      static_cast<long long>(r->rows_verified), r->seconds);
  for (const auto& t : r->tables)
    if (t.copied_rows) std::printf("  %s：%lld 行\n", t.table.c_str(), static_cast<long long>(t.copied_rows));
  return 0;
}

int evaluate_cmd(const Common& c, const std::string& today) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  Date day = Date::today_beijing();
  if (!today.empty()) {
    auto d = Date::parse(today);
    if (!d || today.size() != 10) return refuse("--today: a date YYYY-MM-DD");
    day = *d;
  }
  (*st)->set_actor("live-evaluation");
  service::LiveAir live;
  auto s = live.cycle(**st, day);
  if (!s) return refuse(s.error().message);
  if (c.json) {
    std::cout << nlohmann::json{{"station_days", s->station_days},
                                {"runs_recorded", s->runs_recorded},
                                {"observations_through_id", s->observations_through},
                                {"notes", s->notes}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << s->station_days << " station-days evaluated from observations up to id " << s->observations_through
            << "; " << s->runs_recorded << " assessment runs recorded\n";
  for (const auto& n : s->notes) std::cout << "  " << n << "\n";
  return 0;
}

int lineage_cmd(const Common& c, const LineageArgs& a) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto& s = **st;
  auto print = [](const Result<std::optional<std::string>>& doc, const std::string& what) {
    if (!doc) return refuse(doc.error().message);
    if (!*doc) return refuse("no " + what);
    std::cout << nlohmann::json::parse(**doc).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  };
  if (a.frame) return print(service::lineage_frame_json(s, a.frame, true), "frame " + std::to_string(a.frame));
  int64_t run = a.run;
  if (!run && !a.indicator.empty() && (!a.station.empty() || !a.export_dir.empty())) {
    // The run behind the value in force: the last recorded for the period.
    if (a.period.empty()) return refuse("--station and --export need --period (or --run)");
    auto p = current_plan(s);
    if (!p) return refuse(p.error().message);
    auto doc = service::lineage_indicator_json(s, *p, a.indicator, a.period);
    if (!doc) return refuse(doc.error().message);
    if (!*doc) return refuse("no indicator '" + a.indicator + "' in the plan");
    auto values = nlohmann::json::parse(**doc)["values"];
    if (values.empty() || !values.back().contains("run"))
      return refuse(a.indicator + " " + a.period + " has no computed value with an assessment run");
    run = values.back()["run"]["id"].get<int64_t>();
  }
  if (!a.export_dir.empty()) {
    if (!run) return refuse("--export needs --run or --indicator with --period");
    auto n = service::export_run(s, run, a.export_dir);
    if (!n) return refuse(n.error().message);
    std::cerr << "run " << run << ": " << *n << " observations and their frames written to " << a.export_dir << "\n";
    return 0;
  }
  if (!a.station.empty() && !a.day.empty())
    return print(service::lineage_hours_json(s, run, a.station, a.day),
                 "day " + a.day + " of " + a.station + " in run " + std::to_string(run));
  if (!a.station.empty())
    return print(service::lineage_days_json(s, run, a.station),
                 "station " + a.station + " in run " + std::to_string(run));
  if (run) return print(service::lineage_run_json(s, run), "assessment run " + std::to_string(run));
  if (a.indicator.empty()) return refuse("lineage needs --indicator, --run or --frame");
  auto p = current_plan(s);
  if (!p) return refuse(p.error().message);
  return print(service::lineage_indicator_json(s, *p, a.indicator, a.period),
               "indicator '" + a.indicator + "' in the plan");
}

int audit_digest(const Common& c, const std::string& out, const std::string& key) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto d = service::sign_audit_head(**st, audit_key_path(c, key));
  if (!d) return refuse(d.error().message);
  std::string text = service::digest_json(*d) + "\n";
  if (out.empty()) {
    std::cout << text;
  } else {
    std::ofstream f(out);
    f << text;
    if (!f) return refuse("cannot write " + out);
    std::cerr << "digest of entry " << d->head_id << " written to " << out << " (keep it outside the database)\n";
  }
  return 0;
}

int audit_public_key(const Common& c, const std::string& key) {
  auto pk = service::audit_public_key(audit_key_path(c, key));
  if (!pk) return refuse(pk.error().message);
  std::cout << *pk << "\n";
  return 0;
}

int audit_list(const Common& c, const std::string& object) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto log = (*st)->audit_log(object);
  if (!log) return refuse(log.error().message);
  if (c.json) {
    std::cout << exporting::audit_log_json(*log) << "\n";
    return 0;
  }
  for (const auto& e : *log)
    std::cout << e.id << "  " << e.at << "  " << text::pad_right(e.actor, 14) << text::pad_right(e.action, 18)
              << text::pad_right(e.object, 22) << e.detail.substr(0, 100) << "\n";
  return 0;
}

int hj212_quarantine(const Common& c) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto rows = (*st)->quarantine();
  if (!rows) return refuse(rows.error().message);
  auto implausible = (*st)->implausible_observations(1000);
  if (!implausible) return refuse(implausible.error().message);
  if (c.json) {
    json a = json::array();
    for (const auto& q : *rows)
      a.push_back({{"id", q.id},
                   {"received_at", q.received_at},
                   {"peer", q.peer},
                   {"mn", q.mn},
                   {"reason", q.reason},
                   {"bytes", q.bytes}});
    // Stored and acknowledged, but left out of every assessment.
    for (const auto& o : *implausible)
      a.push_back({{"observation", o.id},
                   {"received_at", o.received_at},
                   {"mn", o.mn},
                   {"factor", o.factor},
                   {"time", o.data_time},
                   {"value", o.value},
                   {"reason", "implausible: " + o.invalid},
                   {"raw_id", o.raw_id}});
    std::cout << a.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const auto& o : *implausible)
    std::cout << o.received_at << "  " << o.mn << "  " << o.data_time << " " << o.factor << "=" << o.value
              << "\n  implausible (stored, not counted): " << o.invalid << "\n";
  for (const auto& q : *rows) {
    std::string shown = q.bytes.substr(0, 160);
    while (!shown.empty() && (shown.back() == '\n' || shown.back() == '\r')) shown.pop_back();
    std::cout << q.received_at << "  " << q.peer << "  " << (q.mn.empty() ? "-" : q.mn) << "\n  " << q.reason << "\n  "
              << shown << (q.bytes.size() > 160 ? "…" : "") << "\n";
  }
  std::cout << rows->size() << " quarantined inputs, " << implausible->size() << " implausible values\n";
  return 0;
}

int obs_export(const Common& c, const std::string& mn) {
  auto st = open_store(c);
  if (!st) return refuse(st.error().message);
  auto rows = (*st)->observations(mn);
  if (!rows) return refuse(rows.error().message);
  json a = json::array();
  for (const auto& o : *rows) {
    auto v = Decimal::parse(o.value);
    a.push_back({{"mn", o.mn},
                 {"factor", o.factor},
                 {"cn", o.cn},
                 {"time", o.data_time},
                 {"kind", o.kind},
                 {"value", v ? json(v->to_double()) : json(o.value)},
                 {"flag", o.flag.empty() ? json(nullptr) : json(o.flag)},
                 {"unit", o.unit}});
  }
  std::cout << a.dump(c.json ? -1 : 1, ' ', false, json::error_handler_t::replace) << "\n";
  return 0;
}

int simulate(const Common& c, const SimulateArgs& a) {
  hj212::SimOptions o;
  o.host = a.host;
  o.port = static_cast<uint16_t>(a.port);
  o.air = a.air;
  o.water = a.water;
  o.noise = a.noise;
  auto from = Date::parse(a.from);
  if (!from) return refuse("--from: " + from.error().message);
  o.from = *from;
  o.hours = a.hours;
  o.window = std::max(1, a.window);
  o.rate = a.rate;
  o.bad_crc = a.bad_crc;
  o.split = a.split;
  o.disconnect = a.disconnect;
  o.modbus = a.modbus;
  o.reply_timeout_ms = a.timeout_ms;
  o.seed = a.seed;
  o.ack_log = a.ack_log;
  o.mn_prefix = a.mn_prefix;
  if (a.registered) {
    auto st = open_store(c);
    if (!st) return refuse(st.error().message);
    auto all = (*st)->stations();
    if (!all) return refuse(all.error().message);
    for (const auto& s : *all)
      if (s.kind == "air" || s.kind == "water" || s.kind == "noise") o.stations.push_back(s);
    if (o.stations.empty()) return refuse("--registered: no air, water or noise stations in the registry");
  }
  if (a.register_stations) {
    auto st = open_store(c);
    if (!st) return refuse(st.error().message);
    int added = 0;
    for (const auto& s : hj212::simulated_stations(o)) added += (*st)->add_station(s).has_value();
    std::cerr << "registered " << added << " simulated stations\n";
    // The listener re-reads the registry every second.
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  }
  auto r = hj212::run_simulation(o);
  if (!r) return refuse(r.error().message);
  double vps = r->seconds > 0 ? static_cast<double>(r->values) / r->seconds : 0;
  if (c.json) {
    json j = {{"frames", r->frames}, {"acknowledged", r->acknowledged}, {"values", r->values},
              {"resent", r->resent}, {"bad_crc", r->bad_crc},           {"reconnects", r->reconnects},
              {"failed", r->failed}, {"seconds", r->seconds},           {"values_per_second", vps}};
    std::cout << j.dump() << "\n";
  } else {
    std::cerr << r->frames << " frames, " << r->acknowledged << " acknowledged (" << r->values << " values) in "
              << r->seconds << " s = " << static_cast<long>(vps) << " values/s; " << r->resent << " resent, "
              << r->bad_crc << " bad-CRC copies, " << r->reconnects << " reconnects, " << r->failed << " failed\n";
  }
  return r->failed ? 2 : 0;
}

}  // namespace shanshui::app
