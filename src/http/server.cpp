// server.cpp: routes, sessions (cookie + CSRF, or bearer token), role checks, JSON errors,
// static files; the transport (transport.cpp) brings complete requests here.
#include "http/server.h"

#include <sys/stat.h>
#include <zlib.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/civil_time.h"
#include "http/transport.h"
#include "http/wire.h"
#include "export/exports.h"
#include "plan/item_status.h"
#include "plan/loader.h"
#include "service/audit_digest.h"
#include "service/auth.h"
#include "service/login_guard.h"
#include "service/csv.h"
#include "service/lineage.h"
#include "service/monitoring.h"
#include "service/scorecard.h"
#include "service/supervision.h"
#include "service/tracking.h"
#include "store/store.h"

namespace shanshui::http {
namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Everything a handler needs for one request.
struct Ctx {
  const Request& req;
  Response& res;
  store::Store& store;
  std::optional<store::User> user;
  std::optional<store::Session> session;
  bool via_cookie = false;
  std::string arg;  // the {parameter} of the route's path, if it has one
  bool behind_tls = false;  // cookies get Secure
  std::function<ListenerHealth()> listener_health;
  service::LoginGuard* guard = nullptr;  // password-guess throttling (one per server)
  service::HashGate* hashes = nullptr;   // concurrent argon2 checks
  std::string client;                    // the client's address (behind a trusted proxy: from X-Forwarded-For)
  std::string db_path;                   // the database file (the audit key lives beside it)
  std::function<std::string()> live_status;  // JSON of the live evaluation ("" when it does not run)
};

// The address a request comes from. Behind a trusted reverse proxy every request arrives from the
// proxy, so throttling by that address would throttle everyone: take the last X-Forwarded-For hop
// (the one the proxy itself added) instead. Anyone else's X-Forwarded-For is ignored.
std::string client_address(const Request& req, const std::vector<std::string>& trusted_proxies) {
  if (std::find(trusted_proxies.begin(), trusted_proxies.end(), req.remote_addr) == trusted_proxies.end()) return req.remote_addr;
  std::string xff = req.get_header_value("X-Forwarded-For");
  auto comma = xff.rfind(',');
  std::string last = xff.substr(comma == std::string::npos ? 0 : comma + 1);
  while (!last.empty() && last.front() == ' ') last.erase(0, 1);
  while (!last.empty() && last.back() == ' ') last.pop_back();
  return last.empty() || last.size() > 64 ? req.remote_addr : last;
}

// Identifiers a stranger can send are bounded before anything is stored or hashed.
constexpr size_t kMaxUsername = 64;
constexpr size_t kMaxPassword = 256;

void send_json(Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void send_error(Response& res, int status, const std::string& message) {
  send_json(res, status, dump({{"error", message}, {"status", status}}));
}

// A failure inside the server: the details (database paths, SQL) go to the log under a reference
// number, the client gets the number only.
void send_internal(Response& res, const std::string& detail) {
  static std::atomic<uint64_t> next{1};
  uint64_t ref = next++;
  std::cerr << "shanshui: internal error #" << ref << ": " << detail << std::endl;
  send_error(res, 500, "internal error #" + std::to_string(ref) + " (details in the server log)");
}

struct Route {
  const char* method;
  const char* path;     // as in OpenAPI: "/api/targets/{id}"; match_path() matches requests against it
  const char* summary;
  bool write;
  std::function<void(Ctx&)> handle;
};

std::string now_plus_hours(int hours) {
  using namespace std::chrono;
  auto secs = duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 8 * 3600 + hours * 3600;
  Date d = Date::from_days(static_cast<long>(secs / 86400));
  long s = secs % 86400;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02ld:%02ld:%02ld+08:00", d.iso().c_str(), s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

// The plan in force, or nullopt with the error sent (404 before any plan is imported).
std::optional<plan::Plan> plan_or_send(Ctx& c) {
  auto p = service::stored_plan(c.store);
  if (!p) return send_internal(c.res, p.error().message), std::nullopt;
  if (!*p) return send_error(c.res, 404, "no plan imported yet (shanshui plan import)"), std::nullopt;
  return std::move(**p);
}

// The plan, its reports and its view as of ?as_of= (default: today, Beijing time), or nullopt
// with the error sent.
std::optional<service::Tracking> tracking_or_send(Ctx& c) {
  std::string as_of = c.req.get_param_value("as_of");
  auto date = as_of.empty() ? Result<Date>(Date::today_beijing()) : Date::parse(as_of);
  if (!date) return send_error(c.res, 400, "as_of: " + date.error().message), std::nullopt;
  auto p = plan_or_send(c);
  if (!p) return std::nullopt;
  auto t = service::load_tracking(c.store, std::move(*p), *date);
  if (!t) return send_internal(c.res, t.error().message), std::nullopt;
  return std::move(*t);
}

bool need_login(Ctx& c) {
  if (c.user) return true;
  send_error(c.res, 401, "log in first: this data is not public");
  return false;
}

bool need_role(Ctx& c, std::initializer_list<const char*> roles, const std::string& why) {
  if (!need_login(c)) return false;
  for (const char* r : roles)
    if (c.user->role == r) return true;
  (void)c.store.audit("denied", c.req.path, c.user->username + ": " + why);
  send_error(c.res, 403, why);
  return false;
}

// Sends 401/403 with the reason when `why` is set; every 403 is also written to the audit log.
bool refused(Ctx& c, const std::optional<std::string>& why, const std::string& object) {
  if (!why) return false;
  if (!c.user) {
    send_error(c.res, 401, *why);
    return true;
  }
  (void)c.store.audit("denied", object, c.user->username + " (" + c.user->role + "): " + *why);
  send_error(c.res, 403, *why);
  return true;
}

// A field of a JSON request body as text: strings as they are, numbers and booleans as written,
// missing or null as "".
std::string field(const nlohmann::json& b, const char* key) {
  if (!b.is_object() || !b.contains(key) || b[key].is_null() || b[key].is_structured()) return "";
  return b[key].is_string() ? b[key].get<std::string>() : b[key].dump();
}

// One request as a one-row table, so that it passes the same intake checks as a CSV file; the
// intake's reasons start with "request:2: ", which `reason_of` strips again.
service::CsvTable one_row(std::vector<std::string> header, std::vector<std::string> values) {
  service::CsvTable t;
  t.header = std::move(header);
  t.records.push_back({2, std::move(values), "(request body)"});
  return t;
}
std::string reason_of(const std::string& intake_reason) {
  const std::string where = "request:2: ";
  return intake_reason.rfind(where, 0) == 0 ? intake_reason.substr(where.size()) : intake_reason;
}

// A write refused because its content cannot be true: 400 with the reason, and an audit entry,
// like a permission refusal (who tried to record what).
void refuse_invalid(Ctx& c, const std::string& object, const std::string& intake_reason) {
  std::string why = reason_of(intake_reason);
  (void)c.store.audit("refused.invalid", object, (c.user ? c.user->username : std::string("public")) + ": " + why);
  send_error(c.res, 400, why);
}

// ?month=YYYY-MM as [its first day, the next month's first day), or nullopt with a 400 sent.
std::optional<std::pair<Date, Date>> month_or_send(Ctx& c) {
  std::string month = c.req.get_param_value("month");
  auto first = Date::parse(month + "-01");
  if (month.size() != 7 || !first) return send_error(c.res, 400, "send ?month=YYYY-MM"), std::nullopt;
  Date next = first->month == 12 ? Date{first->year + 1, 1, 1} : Date{first->year, first->month + 1, 1};
  return std::pair{*first, next};
}

// Limits on JSON request bodies: our bodies are flat objects a few hundred bytes long.
constexpr size_t kMaxJsonDepth = 16;
constexpr size_t kMaxJsonBytes = 256 * 1024;

// The request body as JSON (null when empty), or nullopt with a 400 sent. Depth and size are
// checked before parsing: nlohmann's parser is iterative, but copying a parsed value recurses
// (100,000 nested '[' once overflowed the stack).
std::optional<json> body_json(Ctx& c) {
  if (c.req.body.empty()) return json();
  if (auto problem = json_shape_problem(c.req.body, kMaxJsonDepth, kMaxJsonBytes))
    return send_error(c.res, 400, *problem), std::nullopt;
  auto j = json::parse(c.req.body, nullptr, false);
  if (j.is_discarded()) return send_error(c.res, 400, "the body is not valid JSON"), std::nullopt;
  return j;
}

std::vector<Route> routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/health",
               "Whether the service can do its job: database writable, HJ 212 queue depth, quarantine budget used (503 when not)",
               false, [](Ctx& c) {
                 // A real one-row commit, at most once per 2 s per worker: a full disk or a read-only
                 // file shows here, not only when a station's values are refused.
                 thread_local std::chrono::steady_clock::time_point probed{};
                 thread_local std::string problem;
                 auto now = std::chrono::steady_clock::now();
                 if (now - probed > std::chrono::seconds(2)) {
                   auto w = c.store.probe_write();
                   problem = w ? "" : w.error().message;
                   probed = now;
                 }
                 auto y = c.store.current_plan_yaml();
                 json doc = {{"status", problem.empty() ? "ok" : "degraded"},
                             {"database_writable", problem.empty()},
                             {"plan_loaded", y && y->has_value()},
                             {"time", store::now_iso8601()}};
                 if (!problem.empty()) {
                   std::cerr << "shanshui: health: database not writable: " << problem << std::endl;
                   doc["problem"] = "the database cannot be written (details in the server log)";
                 }
                 if (c.listener_health) {
                   auto h = c.listener_health();
                   doc["hj212"] = {{"running", h.running},
                                   {"connections", h.connections_open},
                                   {"queue_depth", h.queue_depth},
                                   {"queue_capacity", h.queue_capacity},
                                   {"quarantine_bytes_this_hour", h.quarantine_bytes_hour},
                                   {"quarantine_budget_per_hour", h.quarantine_budget_hour},
                                   {"quarantine_dropped", h.quarantine_dropped}};
                 }
                 if (c.live_status) doc["live_evaluation"] = json::parse(c.live_status());
                 send_json(c.res, problem.empty() ? 200 : 503, dump(doc));
               }});
  r.push_back({"POST", "/api/login", "Log in with username and password; returns a bearer token and sets a session cookie",
               false, [](Ctx& c) {
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 if (!b.is_object() || !b.contains("username") || !b.contains("password") || !b["username"].is_string() ||
                     !b["password"].is_string())
                   return send_error(c.res, 400, "send {\"username\": …, \"password\": …}");
                 std::string name = b["username"], pw = b["password"];
                 if (name.empty() || name.size() > kMaxUsername)
                   return send_error(c.res, 400, "username: 1 to " + std::to_string(kMaxUsername) + " bytes");
                 if (pw.size() > kMaxPassword) return send_error(c.res, 400, "password: at most " + std::to_string(kMaxPassword) + " bytes");
                 // Counted before the hash is checked: parallel guesses cannot pass while hashes run.
                 if (auto wait = c.guard->admit(name, c.client)) {
                   c.res.set_header("Retry-After", std::to_string(*wait));
                   return send_error(c.res, 429, "too many failed logins for this user or from this address; try again in " +
                                                     std::to_string(*wait) + " s");
                 }
                 if (!c.hashes->acquire(std::chrono::milliseconds(3000))) {
                   c.res.set_header("Retry-After", "1");
                   return send_error(c.res, 503, "too many logins at once; try again in a second");
                 }
                 auto u = c.store.user(name);
                 std::optional<std::string> hash;
                 if (u && *u) hash = (*u)->password_hash;
                 bool ok = service::verify_password_constant_time(pw, hash);  // unknown users cost the same time
                 c.hashes->release();
                 if (!ok) {
                   (void)c.store.login_failure(name, now_plus_hours(0));
                   (void)c.store.audit("login.failed", name, "from " + c.client);
                   return send_error(c.res, 401, "wrong username or password");
                 }
                 c.guard->succeeded(name, c.client);
                 store::Session s{service::random_token(), name, service::random_token(), now_plus_hours(12)};
                 if (auto st = c.store.add_session(s); !st) return send_internal(c.res, st.error().message);
                 c.res.set_header("Set-Cookie", "session=" + s.token + "; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200" +
                                                   (c.behind_tls ? "; Secure" : ""));
                 send_json(c.res, 200, dump({{"token", s.token}, {"csrf", s.csrf}, {"user", (*u)->username},
                                              {"role", (*u)->role}, {"department", (*u)->department}, {"expires_at", s.expires_at}}));
               }});
  r.push_back({"POST", "/api/logout", "End the session", true, [](Ctx& c) {
                 if (c.session) (void)c.store.remove_session(c.session->token);
                 c.res.set_header("Set-Cookie", "session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
                 send_json(c.res, 200, dump({{"ok", true}}));
               }});
  r.push_back({"GET", "/api/me", "The logged-in user (or the public)", false, [](Ctx& c) {
                 if (!c.user) return send_json(c.res, 200, dump({{"role", "public"}}));
                 send_json(c.res, 200, dump({{"user", c.user->username}, {"role", c.user->role}, {"department", c.user->department},
                                              {"csrf", c.session ? c.session->csrf : ""}}));
               }});
  r.push_back({"GET", "/api/plan", "The plan: action lines, key tasks, work items, targets, departments", false,
               [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 send_json(c.res, 200, exporting::plan_json(*p));
               }});
  r.push_back({"GET", "/api/progress",
               "Every target with its series, provenance and three lenses; work items with status (logged-in users only)", false,
               [](Ctx& c) {
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 json doc = json::parse(exporting::progress_json(t->plan, t->view));
                 if (!service::may_read_internal(c.user)) doc.erase("items");  // the public sees indicators only
                 send_json(c.res, 200, dump(doc));
               }});
  r.push_back({"GET", "/api/targets/{id}", "One target with its lenses and explanations", false,
               [](Ctx& c) {
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 json doc = json::parse(exporting::progress_json(t->plan, t->view));
                 for (const auto& target : doc["targets"])
                   if (target["id"] == c.arg) return send_json(c.res, 200, dump(target));
                 send_error(c.res, 404, "no target '" + c.arg + "'");
               }});
  r.push_back({"GET", "/api/supervision", "The supervision (督办) list per department", false, [](Ctx& c) {
                 if (!need_login(c)) return;
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 send_json(c.res, 200, exporting::supervision_json(t->plan, service::supervision_list(t->plan, t->view, t->reports)));
               }});
  r.push_back({"GET", "/api/scorecard", "Department scorecard (赛马比拼) with the published weights", false,
               [](Ctx& c) {
                 if (!need_login(c)) return;
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 send_json(c.res, 200, exporting::scorecard_json(t->plan, service::scorecard(t->plan, t->view, t->reports)));
               }});
  r.push_back({"GET", "/api/stations", "Monitoring stations (no passwords)", false, [](Ctx& c) {
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 json a = json::array();
                 for (const auto& s : *st)
                   a.push_back({{"mn", s.mn}, {"kind", s.kind}, {"name", s.name}, {"township", s.township}, {"river", s.river},
                                {"lon", s.lon ? json(*s.lon) : json(nullptr)}, {"lat", s.lat ? json(*s.lat) : json(nullptr)}, {"zone", s.zone}});
                 send_json(c.res, 200, dump(a));
               }});
  r.push_back({"GET", "/api/items/{id}", "One work item: status, closure and every report on it",
               false, [](Ctx& c) {
                 if (!need_login(c)) return;
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 json doc = json::parse(exporting::progress_json(t->plan, t->view));
                 for (auto& it : doc["items"]) {
                   if (it["id"] != c.arg) continue;
                   json rs = json::array();
                   const plan::WorkItem* item = t->plan.find_item(c.arg);
                   for (const auto& r : t->reports)
                     if (r.item_id == it["id"])
                       // part: a sharing department's or township's own part, which does not set the item's status
                       rs.push_back({{"period", r.period}, {"status", r.status}, {"percent", r.percent}, {"narrative", r.narrative},
                                     {"evidence", r.evidence}, {"reporter", r.reporter}, {"reported_at", r.reported_at},
                                     {"part", item && !t->plan.leads(*item, r.reporter)},
                                     {"late", service::filed_late(t->plan, r)}});
                   it["reports"] = rs;
                   return send_json(c.res, 200, dump(it));
                 }
                 send_error(c.res, 404, "no work item '" + c.arg + "'");
               }});
  r.push_back({"GET", "/api/alarms", "Monitoring alarms in the week before as_of: over-standard values, silent stations, long maintenance (?as_of=ISO time)",
               false, [](Ctx& c) {
                 // Alarms look back one week from as_of (a station silent for longer is reported silent
                 // "since" the window's start), so the cost does not grow with the archive.
                 std::string as_of = c.req.get_param_value("as_of");
                 if (as_of.empty()) as_of = store::now_iso8601();
                 auto day = Date::parse(as_of.substr(0, 10));
                 if (!day || as_of.size() < 19) return send_error(c.res, 400, "as_of: an ISO time like 2026-06-01T08:00:00+08:00");
                 std::string from = Date::from_days(day->days() - 7).iso() + as_of.substr(10);
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 std::vector<store::Observation> obs;
                 for (const auto& station : *st) {
                   auto part = c.store.observations_between(station.mn, from, as_of);
                   if (!part) return send_internal(c.res, part.error().message);
                   obs.insert(obs.end(), std::make_move_iterator(part->begin()), std::make_move_iterator(part->end()));
                 }
                 service::AlarmOptions options;
                 options.window_start = from;
                 json a = json::array();
                 for (const auto& al : service::alarms(obs, *st, as_of, options))
                   a.push_back({{"mn", al.mn}, {"kind", al.kind}, {"time", al.time}, {"detail", al.detail}});
                 send_json(c.res, 200, dump(a));
               }});
  r.push_back({"GET", "/api/air/daily",
               "Daily AQI of one air station for a year, from its stored hourly data (?mn=MN&year=2026): HJ 633 by date, GB 3095 Table 4 validity",
               false, [](Ctx& c) {
                 std::string mn = c.req.get_param_value("mn"), year = c.req.get_param_value("year");
                 if (mn.empty() || year.size() != 4 || !std::all_of(year.begin(), year.end(), ::isdigit))
                   return send_error(c.res, 400, "send ?mn=MN&year=YYYY");
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 auto station = std::find_if(st->begin(), st->end(), [&](const store::Station& s) { return s.mn == mn; });
                 if (station == st->end() || station->kind != "air") return send_error(c.res, 404, "no air station '" + mn + "'");
                 auto obs = c.store.observations_between(mn, year + "-01-01T00:00:00+08:00", year + "-12-31T23:59:59+08:00");
                 if (!obs) return send_internal(c.res, obs.error().message);
                 auto hours = service::air_hours_from_observations(*obs, *st);
                 if (!hours) return send_error(c.res, 400, hours.error().message);
                 std::vector<quality::Exclusion> excluded;
                 auto days = quality::daily_values(hours->hours, &excluded);
                 json a = json::array();
                 for (const auto& station_days : days)
                   for (const auto& d : station_days)
                     a.push_back({{"date", Date::from_days(d.day).iso()}, {"aqi", d.aqi ? json(*d.aqi) : json(nullptr)}, {"valid", d.valid},
                                  {"standard", d.rules == quality::AirRules::hj633_2026 ? "HJ 633—2026" : "HJ 633—2012"}});
                 send_json(c.res, 200, dump({{"mn", mn}, {"year", year}, {"days", a}, {"hours_used", hours->observations_used},
                                             {"digest", hours->digest}}));
               }});
  r.push_back({"GET", "/api/noise/zones",
               "Noise points by functional zone for a month (?month=YYYY-MM): daily Ld/Ln against GB 3096—2008 Table 1, compliance days",
               false, [](Ctx& c) {
                 auto range = month_or_send(c);
                 if (!range) return;
                 const auto& [first, next] = *range;
                 std::string month = c.req.get_param_value("month");
                 // The last night of the month runs into the next month's first morning.
                 std::string to = next.iso() + "T05:59:59+08:00";
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 json a = json::array();
                 for (const auto& station : *st) {
                   if (station.kind != "noise") continue;
                   auto obs = c.store.observations_between(station.mn, first.iso() + "T06:00:00+08:00", to);
                   if (!obs) return send_internal(c.res, obs.error().message);
                   auto n = service::noise_zone_period(*obs, station.zone);
                   auto opt = [](const std::optional<Decimal>& d) { return d ? json(d->str()) : json(nullptr); };
                   auto lim = [](const std::optional<int>& l) { return l ? json(*l) : json(nullptr); };
                   a.push_back({{"mn", station.mn}, {"name", station.name}, {"zone", station.zone}, {"township", station.township},
                                {"day_level", opt(n.day_level)}, {"night_level", opt(n.night_level)},
                                {"day_limit", lim(n.day_limit)}, {"night_limit", lim(n.night_limit)},
                                {"days", n.days}, {"days_within_limit", n.day_ok}, {"nights", n.nights}, {"nights_within_limit", n.night_ok}});
                 }
                 send_json(c.res, 200, dump({{"month", month}, {"points", a},
                                             {"method", "GB 3096—2008 Annex C: daily Ld (06–22) and Ln (22–06) as energy averages of hourly Leq; Table 1 limits"}}));
               }});
  r.push_back({"GET", "/api/water/sections",
               "Class of each water station for a month by GB 3838—2002 (?month=YYYY-MM&target=2): exact monthly means, single factor",
               false, [](Ctx& c) {
                 auto range = month_or_send(c);
                 if (!range) return;
                 const auto& [first, next] = *range;
                 std::string month = c.req.get_param_value("month");
                 // Default target: class II, the plan's 2027 target for the main stem and main tributaries.
                 int target = c.req.has_param("target") ? std::atoi(c.req.get_param_value("target").c_str()) : 2;
                 if (target < 1 || target > 5) return send_error(c.res, 400, "target: a class from 1 (I) to 5 (V)");
                 std::string to = Date::from_days(next.days() - 1).iso() + "T23:59:59+08:00";
                 auto st = c.store.stations();
                 if (!st) return send_internal(c.res, st.error().message);
                 json a = json::array();
                 for (const auto& station : *st) {
                   if (station.kind != "water") continue;
                   auto obs = c.store.observations_between(station.mn, first.iso() + "T00:00:00+08:00", to);
                   if (!obs) return send_internal(c.res, obs.error().message);
                   auto w = service::water_period(*obs, target);
                   json means = json::object();
                   for (const auto& [k, v] : w.means) means[k] = v.str();
                   a.push_back({{"mn", station.mn}, {"name", station.name}, {"river", station.river}, {"section", station.section},
                                {"lon", station.lon ? json(*station.lon) : json(nullptr)}, {"lat", station.lat ? json(*station.lat) : json(nullptr)},
                                {"values", w.values}, {"means", means},
                                {"class", w.verdict.cls ? json(quality::water_class_name(w.verdict.cls)) : json(nullptr)},
                                {"meets_target", w.verdict.cls ? json(w.verdict.cls <= target) : json(nullptr)},
                                {"grade", w.verdict.cls ? w.verdict.grade() : ""}, {"explanation", w.verdict.explanation}});
                 }
                 send_json(c.res, 200, dump({{"month", month}, {"target", quality::water_class_name(target)}, {"sections", a},
                                             {"method", "GB 3838—2002 Table 1, single factor on exact monthly means (GB/T 8170 rounding)"}}));
               }});
  r.push_back({"GET", "/api/stations/{mn}/observations",
               "A station's observations, newest last: one page of at most 5,000 (?factor=a34004&limit=500&from=ISO&to=ISO); "
               "without from, the newest `limit` up to `to`",
               false, [](Ctx& c) {
                 // Paged and served from the (mn, data_time) index: a public request never reads a
                 // station's whole history.
                 constexpr int kMaxPage = 5000;
                 std::string from = c.req.get_param_value("from"), to = c.req.get_param_value("to");
                 if (from.size() > 40 || to.size() > 40) return send_error(c.res, 400, "from/to: ISO times like 2026-06-01T08:00:00+08:00");
                 std::string factor = c.req.get_param_value("factor");
                 int limit = 500;
                 if (auto l = c.req.get_param_value("limit"); !l.empty()) limit = std::clamp(std::atoi(l.c_str()), 1, kMaxPage);
                 bool newest = from.empty();
                 auto page = c.store.observations_page(c.arg, factor, from, to.empty() ? "9999" : to, limit, newest);
                 if (!page) return send_internal(c.res, page.error().message);
                 std::vector<store::Observation> obs = std::move(*page);
                 if (newest) std::reverse(obs.begin(), obs.end());
                 json a = json::array();
                 for (const auto& o : obs)
                   a.push_back({{"factor", o.factor}, {"cn", o.cn}, {"time", o.data_time}, {"kind", o.kind}, {"value", o.value},
                                {"flag", o.flag}, {"unit", o.unit}, {"raw_id", o.raw_id}});
                 send_json(c.res, 200, dump(a));
               }});
  r.push_back({"POST", "/api/reports",
               "Submit a progress report {item, period, status, percent, narrative, evidence} for the user's department", true,
               [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 if (!b.is_object() || !b.contains("item")) return send_error(c.res, 400, "send a JSON object with item, period, status, percent");
                 auto str = [&](const char* k) { return field(b, k); };
                 const plan::WorkItem* item = p->find_item(str("item"));
                 if (refused(c, service::refuse_write(c.user, service::Write::report, *p, item), "report " + str("item"))) return;
                 std::string reporter = c.user->role == "admin" && !str("reporter").empty() ? str("reporter") : c.user->department;
                 auto row = one_row({"item", "period", "status", "percent", "narrative", "evidence", "reporter"},
                                    {str("item"), str("period"), str("status"), str("percent"), str("narrative"), str("evidence"), reporter});
                 auto in = service::intake_reports(*p, row, "request");
                 if (!in) return send_error(c.res, 400, in.error().message);
                 if (!in->rejected.empty()) return refuse_invalid(c, "report " + str("item"), in->rejected.front().reason);
                 auto added = c.store.add_reports(in->accepted);
                 if (!added) return send_internal(c.res, added.error().message);
                 send_json(c.res, 201, dump({{"stored", *added}, {"item", in->accepted.front().item_id},
                                              {"reporter", in->accepted.front().reporter}}));
               }});
  r.push_back({"POST", "/api/items/{id}/close",
               "Close (销号) a completed work item with evidence: leading-group office only", true, [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 const plan::WorkItem* item = p->find_item(c.arg);
                 if (refused(c, service::refuse_write(c.user, service::Write::close_item, *p, item), "close " + c.arg))
                   return;
                 if (!item) return send_error(c.res, 404, "no work item '" + c.arg + "'");
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 std::string evidence = field(b, "evidence");
                 if (evidence.empty()) return send_error(c.res, 400, "closing needs evidence (销号 only with evidence)");
                 auto t = service::load_tracking(c.store, *p, Date::today_beijing());
                 if (!t) return send_internal(c.res, t.error().message);
                 const auto* iv = t->view.find_item(item->id);
                 if (iv->status.code != "done")
                   return send_error(c.res, 409, item->id + " is " + plan::item_status_label(iv->status.code) + ", not done: close only completed items");
                 if (auto s = c.store.add_closure({0, item->id, evidence, p->office_host.id, "", field(b, "note")}); !s)
                   return send_internal(c.res, s.error().message);
                 send_json(c.res, 201, dump({{"closed", item->id}}));
               }});
  r.push_back({"POST", "/api/measurements",
               "Record an indicator value {indicator, period, value, source, note}: office and admin only", true, [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 auto str = [&](const char* k) { return field(b, k); };
                 // The value is recorded with the method the plan names for its indicator; values that the
                 // engine computes from monitoring data are not typed in by hand.
                 const plan::Target* target = nullptr;
                 for (const auto& t : p->targets)
                   if (t.indicator == str("indicator")) target = &t;
                 if (refused(c, service::refuse_write(c.user, service::Write::add_measurement, *p, nullptr, target),
                             "measurement " + str("indicator")))
                   return;
                 if (!target) return send_error(c.res, 400, "indicator '" + str("indicator") + "' is not measured by any target of the plan");
                 if (target->measure.kind != "reported")
                   return send_error(c.res, 400, str("indicator") + " is computed from monitoring data (" + target->measure.method +
                                                     "); it cannot be entered by hand");
                 auto row = one_row({"indicator", "period", "value", "kind", "method", "method_version", "source", "reporter", "note"},
                                    {str("indicator"), str("period"), str("value"), "reported", target->measure.method,
                                     target->measure.version, str("source"), target->measure.by_id, str("note")});
                 auto in = service::intake_measurements(*p, row, "request");
                 if (!in) return send_error(c.res, 400, in.error().message);
                 if (!in->rejected.empty()) return refuse_invalid(c, str("indicator"), in->rejected.front().reason);
                 auto added = c.store.add_measurements(in->accepted);
                 if (!added) return send_internal(c.res, added.error().message);
                 if (*added == 0) return send_error(c.res, 409, "that value is already recorded (values are never overwritten)");
                 send_json(c.res, 201, dump({{"stored", *added}}));
               }});
  r.push_back({"POST", "/api/stations", "Register a monitoring station {mn, kind, name, township, river, section, lon, lat}: admin only",
               true, [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 if (refused(c, service::refuse_write(c.user, service::Write::manage_station, *p, nullptr), "station")) return;
                 auto str = [&](const char* k) { return field(b, k); };
                 store::Station st;
                 st.mn = str("mn");
                 st.kind = str("kind");
                 if (st.mn.empty() || st.mn.size() > 24) return send_error(c.res, 400, "mn: 1 to 24 characters (HJ 212 MN)");
                 if (st.kind != "air" && st.kind != "water" && st.kind != "noise" && st.kind != "source")
                   return send_error(c.res, 400, "kind: air, water, noise or source");
                 st.name = str("name"), st.township = str("township"), st.river = str("river"), st.section = str("section");
                 st.password = str("password");
                 if (b.contains("lon") && b["lon"].is_number()) st.lon = b["lon"].get<double>();
                 if (b.contains("lat") && b["lat"].is_number()) st.lat = b["lat"].get<double>();
                 if (auto s = c.store.add_station(st); !s) return send_error(c.res, 409, s.error().message);
                 send_json(c.res, 201, dump({{"registered", st.mn}}));
               }});
  r.push_back({"POST", "/api/users", "Add a user {username, role, department, password}: admin only", true, [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 auto str = [&](const char* k) { return field(b, k); };
                 if (refused(c, service::refuse_write(c.user, service::Write::manage_user, *p, nullptr), "user " + str("username"))) return;
                 std::string role = str("role"), dept;
                 if (str("username").empty() || str("username").size() > kMaxUsername)
                   return send_error(c.res, 400, "username: 1 to " + std::to_string(kMaxUsername) + " bytes");
                 if (!service::valid_role(role)) return send_error(c.res, 400, "role: admin, office, department, township or auditor");
                 if (role == "department" || role == "township") {
                   dept = p->resolve_department(str("department"));
                   if (dept.empty()) return send_error(c.res, 400, "department '" + str("department") + "' is not in the plan's registry");
                 }
                 auto hash = service::hash_password(str("password"));
                 if (!hash) return send_error(c.res, 400, hash.error().message);
                 if (auto s = c.store.add_user({str("username"), role, dept, *hash, ""}); !s) return send_error(c.res, 409, s.error().message);
                 send_json(c.res, 201, dump({{"added", str("username")}, {"role", role}, {"department", dept}}));
               }});
  // Lineage: from a target's value to the frames behind it, one step per route.
  auto lineage_reply = [](Ctx& c, const Result<std::optional<std::string>>& doc, const std::string& what) {
    if (!doc) return send_internal(c.res, doc.error().message);
    if (!*doc) return send_error(c.res, 404, "no " + what);
    send_json(c.res, 200, **doc);
  };
  auto run_id = [](Ctx& c) -> std::optional<int64_t> {
    if (c.arg.empty() || c.arg.size() > 18 || !std::all_of(c.arg.begin(), c.arg.end(), ::isdigit)) {
      send_error(c.res, 400, "the id must be a number");
      return std::nullopt;
    }
    return std::stoll(c.arg);
  };
  r.push_back({"GET", "/api/lineage/indicators/{id}",
               "Lineage, step 1: an indicator's (or target's) values with their measurement and assessment run (?period=2026-YTD)",
               false, [lineage_reply](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 std::string period = c.req.get_param_value("period");
                 if (period.size() > 16) return send_error(c.res, 400, "period: like 2026-YTD or 2025");
                 lineage_reply(c, service::lineage_indicator_json(c.store, *p, c.arg, period), "indicator '" + c.arg + "'");
               }});
  r.push_back({"GET", "/api/lineage/runs/{id}",
               "Lineage, step 2: an assessment run — method and version, rules, input hash, stations, exclusions", false,
               [lineage_reply, run_id](Ctx& c) {
                 auto id = run_id(c);
                 if (!id) return;
                 lineage_reply(c, service::lineage_run_json(c.store, *id), "assessment run " + c.arg);
               }});
  r.push_back({"GET", "/api/lineage/runs/{id}/days",
               "Lineage, step 3: a run's station-days of one station (?station=MN): daily values, AQI, validity, exclusions, digest",
               false, [lineage_reply, run_id](Ctx& c) {
                 auto id = run_id(c);
                 if (!id) return;
                 std::string mn = c.req.get_param_value("station");
                 if (mn.empty() || mn.size() > 64) return send_error(c.res, 400, "send ?station=MN");
                 lineage_reply(c, service::lineage_days_json(c.store, *id, mn), "station " + mn + " in run " + c.arg);
               }});
  r.push_back({"GET", "/api/lineage/runs/{id}/hours",
               "Lineage, step 4: the observations of one station-day in a run (?station=MN&day=YYYY-MM-DD), with their frame ids",
               false, [lineage_reply, run_id](Ctx& c) {
                 auto id = run_id(c);
                 if (!id) return;
                 std::string mn = c.req.get_param_value("station"), day = c.req.get_param_value("day");
                 if (mn.empty() || mn.size() > 64 || day.size() != 10) return send_error(c.res, 400, "send ?station=MN&day=YYYY-MM-DD");
                 lineage_reply(c, service::lineage_hours_json(c.store, *id, mn, day), "day " + day + " of " + mn + " in run " + c.arg);
               }});
  r.push_back({"GET", "/api/lineage/frames/{id}",
               "Lineage, step 5: a raw frame — bytes (password masked for the public), CRC mode and check, SHA-256, peer, time", false,
               [lineage_reply, run_id](Ctx& c) {
                 auto id = run_id(c);
                 if (!id) return;
                 lineage_reply(c, service::lineage_frame_json(c.store, *id, service::may_read_internal(c.user)), "frame " + c.arg);
               }});
  r.push_back({"GET", "/api/audit", "The audit log (?object=ID for one object's history)", false, [](Ctx& c) {
                 if (!need_role(c, {"admin", "office", "auditor"}, "the audit log is for the office, auditors and administrators"))
                   return;
                 auto log = c.store.audit_log(c.req.get_param_value("object"));
                 if (!log) return send_internal(c.res, log.error().message);
                 json a = json::array();
                 for (const auto& e : *log)
                   a.push_back({{"id", e.id}, {"at", e.at}, {"actor", e.actor}, {"action", e.action}, {"object", e.object},
                                {"detail", e.detail}, {"hash", e.hash}});
                 send_json(c.res, 200, dump(a));
               }});
  r.push_back({"GET", "/api/audit/verify", "Recompute the audit hash chain", false, [](Ctx& c) {
                 if (!need_role(c, {"admin", "office", "auditor"}, "the audit log is for the office, auditors and administrators"))
                   return;
                 auto v = c.store.verify_audit();
                 if (!v) return send_internal(c.res, v.error().message);
                 json data = json::array();
                 for (const auto& p : v->data)
                   data.push_back({{"table", p.table}, {"row", p.row}, {"entry", p.entry ? json(p.entry) : json(nullptr)},
                                   {"problem", p.what}});
                 send_json(c.res, 200, dump({{"entries", v->entries}, {"intact", v->intact()},
                                              {"chain_intact", v->broken_at == 0},
                                              {"broken_at", v->broken_at ? json(v->broken_at) : json(nullptr)}, {"reason", v->reason},
                                              {"rows_checked", v->rows_checked}, {"data", data}}));
               }});
  r.push_back({"GET", "/api/export/{format}", "The 打表 progress table as xlsx, CSV or JSON", false,
               [](Ctx& c) {
                 if (!need_login(c)) return;
                 auto t = tracking_or_send(c);
                 if (!t) return;
                 std::string format = c.arg;
                 if (format != "xlsx" && format != "csv" && format != "json")
                   return send_error(c.res, 404, "no export format '" + format + "': xlsx, csv or json");
                 if (format == "csv") {
                   c.res.set_header("Content-Disposition", "attachment; filename=\"progress.csv\"");
                   return c.res.set_content(exporting::progress_csv(t->plan, t->view), "text/csv; charset=utf-8");
                 }
                 if (format == "json") return send_json(c.res, 200, exporting::progress_json(t->plan, t->view));
                 std::string path = "/tmp/shanshui-export-" + service::random_token().substr(0, 16) + ".xlsx";
                 // A signed digest of the audit head goes into the workbook (sheet 审计摘要).
                 auto digest = service::sign_audit_head(c.store, c.db_path + ".audit-key");
                 if (!digest) std::cerr << "shanshui: no audit digest in the workbook: " << digest.error().message << std::endl;
                 auto s = exporting::write_progress_xlsx(t->plan, t->view, service::supervision_list(t->plan, t->view, t->reports), path,
                                                         digest ? &*digest : nullptr);
                 if (!s) return send_internal(c.res, s.error().message);
                 auto bytes = plan::read_file(path);
                 std::remove(path.c_str());
                 if (!bytes) return send_internal(c.res, bytes.error().message);
                 c.res.set_header("Content-Disposition", "attachment; filename=\"progress.xlsx\"");
                 c.res.set_content(*bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
               }});
  return r;
}

// Read views that depend only on the database, the query and whether the reader is logged in are
// cached until the next write (the store's change counter): building /api/progress parses the
// plan and rates 70 targets and 92 items (~30 ms), while a county opens it hundreds of times a day.
// The value says whether the route needs a login (checked before the cache is consulted).
const std::map<std::string, bool>& cached_routes() {
  static const std::map<std::string, bool> m = {{"/api/plan", false},       {"/api/progress", false}, {"/api/targets/{id}", false},
                                                {"/api/stations", false},   {"/api/supervision", true}, {"/api/scorecard", true},
                                                {"/api/items/{id}", true}};
  return m;
}

// Matches "/api/targets/forest_coverage" against "/api/targets/{id}"; the {parameter} segment
// may hold letters, digits, '_', '-' and '.' (ids, MNs, formats).
bool match_path(std::string_view pattern, std::string_view path, std::string* arg) {
  while (!pattern.empty() && !path.empty()) {
    size_t pe = pattern.find('/', 1), qe = path.find('/', 1);
    std::string_view ps = pattern.substr(0, pe), qs = path.substr(0, qe);
    if (ps.size() > 2 && ps[1] == '{') {
      if (qs.size() < 2) return false;
      for (char ch : qs.substr(1))
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-' && ch != '.') return false;
      *arg = std::string(qs.substr(1));
    } else if (ps != qs) {
      return false;
    }
    pattern = pe == std::string_view::npos ? std::string_view() : pattern.substr(pe);
    path = qe == std::string_view::npos ? std::string_view() : path.substr(qe);
  }
  return pattern.empty() && path.empty();
}

// gzip (RFC 1952) of a body, at a fast level: done once per cached view, not per request.
std::string gzip(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

bool accepts_gzip(const Request& req) {
  return req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
}

// Cached views, bounded in bytes: when a new entry would pass the budget, the least recently
// used entries go first.
class ResponseCache {
 public:
  struct Entry {
    int64_t version = -1;
    int status = 0;
    std::string body, content_type;
    std::string gzipped;  // the body gzipped once, for clients that accept it
    size_t bytes() const { return body.size() + gzipped.size() + content_type.size() + 64; }
  };
  explicit ResponseCache(size_t budget) : budget_(budget) {}
  // Shared, not copied: a hit hands out the entry itself (a 142 KB view per request otherwise).
  std::shared_ptr<const Entry> get(const std::string& key, int64_t version) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.entry->version != version) return nullptr;
    it->second.used = ++clock_;
    return it->second.entry;
  }
  void put(const std::string& key, Entry e) {
    std::lock_guard lock(mu_);
    size_t size = e.bytes() + key.size();
    if (size > budget_) return;
    if (auto it = entries_.find(key); it != entries_.end()) {
      used_ -= it->second.entry->bytes() + key.size();
      entries_.erase(it);
    }
    while (used_ + size > budget_ && !entries_.empty()) {
      auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                     [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
      used_ -= oldest->second.entry->bytes() + oldest->first.size();
      entries_.erase(oldest);
    }
    used_ += size;
    entries_[key] = Slot{std::make_shared<const Entry>(std::move(e)), ++clock_};
  }
  // One builder per key at a time, so a burst of readers after a write waits for one build.
  std::shared_ptr<std::mutex> build_lock(const std::string& key) {
    std::lock_guard lock(mu_);
    auto& m = builders_[key];
    if (!m) m = std::make_shared<std::mutex>();
    return m;
  }
  // Forgets the builder's lock once nobody else waits on it (the map does not grow with keys).
  void release_build_lock(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = builders_.find(key);
    if (it != builders_.end() && it->second.use_count() <= 2) builders_.erase(it);
  }
  size_t used() {
    std::lock_guard lock(mu_);
    return used_;
  }

 private:
  struct Slot {
    std::shared_ptr<const Entry> entry;
    uint64_t used = 0;
  };
  size_t budget_;
  size_t used_ = 0;
  uint64_t clock_ = 0;
  std::mutex mu_;
  std::map<std::string, Slot> entries_;
  std::map<std::string, std::shared_ptr<std::mutex>> builders_;
};

}  // namespace

std::string openapi_json() {
  json paths = json::object();
  for (const auto& r : routes()) {
    std::string m = r.method;
    for (auto& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    json op = {{"summary", r.summary},
               {"responses", {{"200", {{"description", "OK"}}}, {"400", {{"description", "bad request"}}},
                              {"401", {{"description", "not logged in"}}}, {"403", {{"description", "not allowed, with the reason"}}}}}};
    if (r.write) op["security"] = json::array({{{"bearer", json::array()}}, {{"cookie", json::array()}}});
    paths[r.path][m] = op;
  }
  json doc = {{"openapi", "3.0.3"},
              {"info", {{"title", "shanshui API"}, {"version", "0.1"}, {"description", "山水: the county's action plan, monitoring and progress"}}},
              {"paths", paths},
              {"components",
               {{"securitySchemes",
                 {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
                  {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "session"}}}}}}}};
  doc["paths"]["/api/openapi.json"]["get"] = {{"summary", "This description"}, {"responses", {{"200", {{"description", "OK"}}}}}};
  return dump(doc);
}

namespace {

// The dashboard's files, read once per modification and gzipped once (not per request): the
// browser libraries are 2.2 MB and a county link is slow.
class StaticFiles {
 public:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}

  void serve(const Request& req, Response& res) {
    if (req.method != "GET" && req.method != "HEAD") return send_error(res, 405, "only GET and HEAD outside /api/");
    std::string rel = req.path == "/" ? "index.html" : req.path.substr(1);
    // Only plain names: no "..", ".", empty segments, backslashes or hidden files.
    std::stringstream segments(rel);
    for (std::string seg; std::getline(segments, seg, '/');)
      if (seg.empty() || seg[0] == '.' || seg.find('\\') != std::string::npos) return send_error(res, 404, "no such file");
    if (rel.back() == '/') return send_error(res, 404, "no such file");
    std::string full = root_ + "/" + rel;
    struct stat info {};
    if (::stat(full.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return send_error(res, 404, "no such file");
    std::shared_ptr<const File> f;
    {
      std::lock_guard lock(mu_);
      auto it = files_.find(rel);
      if (it != files_.end() && it->second->mtime == info.st_mtime && it->second->size == info.st_size) f = it->second;
    }
    if (!f) {
      auto nf = std::make_shared<File>();
      std::ifstream in(full, std::ios::binary);
      nf->body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      nf->mtime = info.st_mtime;
      nf->size = info.st_size;
      nf->type = type_of(rel);
      if (nf->type.find("charset") != std::string::npos && nf->body.size() > 1024) nf->gzipped = gzip(nf->body);
      std::lock_guard lock(mu_);
      files_[rel] = nf;
      f = nf;
    }
    res.status = 200;
    res.set_header("Cache-Control", "max-age=600");
    if (!f->gzipped.empty() && accepts_gzip(req)) {
      res.set_content(f->gzipped, f->type);
      res.set_header("Content-Encoding", "gzip");
      res.set_header("Vary", "Accept-Encoding");
    } else {
      res.set_content(f->body, f->type);
    }
  }

 private:
  struct File {
    std::string body, gzipped, type;
    time_t mtime = 0;
    off_t size = 0;
  };
  static std::string type_of(const std::string& name) {
    static const std::map<std::string, std::string> types = {
        {"html", "text/html; charset=utf-8"},       {"js", "application/javascript; charset=utf-8"},
        {"mjs", "application/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
        {"json", "application/json; charset=utf-8"}, {"geojson", "application/geo+json; charset=utf-8"},
        {"svg", "image/svg+xml"},                   {"png", "image/png"},
        {"ico", "image/x-icon"},                    {"woff2", "font/woff2"}};
    auto dot = name.rfind('.');
    auto it = dot == std::string::npos ? types.end() : types.find(name.substr(dot + 1));
    return it == types.end() ? "application/octet-stream" : it->second;
  }
  std::string root_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const File>> files_;  // bounded by the files under root_
};

// Sent with every response (docs/security.md): no sniffing, no framing, no referrer, scripts only
// from this origin. ECharts and OpenLayers set inline styles, hence 'unsafe-inline' for styles only.
std::vector<std::pair<std::string, std::string>> security_headers(bool behind_tls) {
  std::vector<std::pair<std::string, std::string>> h = {
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Content-Security-Policy",
       "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'"}};
  if (behind_tls) h.emplace_back("Strict-Transport-Security", "max-age=31536000");
  return h;
}

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  std::unique_ptr<Transport> transport;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) { impl_->opt = std::move(options); }
Server::~Server() = default;

Result<int> Server::bind() {
  const std::string db = impl_->opt.db_path;
  auto cache = std::make_shared<ResponseCache>(impl_->opt.cache_bytes);
  const bool use_cache = impl_->opt.cache;
  const bool secure = impl_->opt.behind_tls;
  auto health = impl_->opt.listener_health;
  auto live = impl_->opt.live_status;
  auto guard = std::make_shared<service::LoginGuard>();
  const std::vector<std::string> proxies = impl_->opt.trusted_proxies;
  auto hashes = std::make_shared<service::HashGate>(2);  // two cores: more at once only queues in memory
  // One dispatcher matches the route table by path segments (no regex per route).
  auto table = std::make_shared<std::vector<Route>>(routes());
  auto dispatch = [db, table, cache, use_cache, secure, health, live, guard, hashes, proxies](const Request& req,
                                                                                             Response& res) {
      std::string arg;
      const Route* found = nullptr;
      for (const auto& r : *table)
        if (req.method == r.method && match_path(r.path, req.path, &arg)) {
          found = &r;
          break;
        }
      if (!found) return send_error(res, 404, "no route " + req.method + " " + req.path.substr(0, 200));
      const Route& route = *found;
      thread_local std::unique_ptr<store::Store> store;
      thread_local std::string store_path;
      if (!store || store_path != db) {
        auto st = store::open_sqlite_store(db);
        if (!st) return send_internal(res, st.error().message);
        store = std::move(*st);
        store_path = db;
      }
      Ctx c{req, res, *store, std::nullopt, std::nullopt, false, arg, secure, health, guard.get(), hashes.get(),
            client_address(req, proxies), db, live};
      std::string token;
      if (auto a = req.get_header_value("Authorization"); a.rfind("Bearer ", 0) == 0) {
        token = a.substr(7);
      } else if (auto cookie = cookie_value(req.get_header_value("Cookie"), "session")) {
        token = *cookie;  // the cookie named exactly "session" (RFC 6265), not any "…session=" substring
        c.via_cookie = true;
      }
      if (!token.empty() && token.size() <= 128) {
        auto sess = store->session(token);
        if (sess && *sess && (*sess)->expires_at > store::now_iso8601()) {
          c.session = **sess;
          auto u = store->user((*sess)->username);
          if (u && *u) c.user = **u;
        }
      }
      // Cookie sessions must send the CSRF token with every write.
      if (route.write && c.via_cookie && c.session && req.get_header_value("X-CSRF-Token") != c.session->csrf)
        return send_error(res, 403, "missing or wrong X-CSRF-Token for a cookie session");
      store->set_actor(c.user ? "user:" + c.user->username : "public");
      auto cached = cached_routes().find(route.path);
      if (use_cache && cached != cached_routes().end() && (!cached->second || c.user)) {
        auto version = store->change_counter();
        if (version) {
          // The key holds only what the view depends on: the path, the reader's class, the day and
          // the parameters the route reads (free query strings do not make new entries).
          std::string key = req.path + "|" + (service::may_read_internal(c.user) ? "internal" : "public") + "|" +
                            Date::today_beijing().iso() + "|" + req.get_param_value("as_of").substr(0, 32);
          auto hit = cache->get(key, *version);
          if (!hit) {
            auto lock = cache->build_lock(key);
            std::lock_guard building(*lock);
            hit = cache->get(key, *version);
            if (!hit) {
              route.handle(c);
              if (res.status == 200) {
                ResponseCache::Entry e{*version, res.status, res.body, res.get_header_value("Content-Type"), gzip(res.body)};
                if (accepts_gzip(req) && !e.gzipped.empty()) {
                  res.set_header("Content-Encoding", "gzip");
                  res.set_header("Vary", "Accept-Encoding");
                  res.body = e.gzipped;
                }
                cache->put(key, std::move(e));
              }
              cache->release_build_lock(key);
              store->set_actor("cli");
              return;
            }
          }
          res.status = hit->status;
          if (accepts_gzip(req) && !hit->gzipped.empty()) {
            res.set_content(hit->gzipped, hit->content_type);
            res.set_header("Content-Encoding", "gzip");
            res.set_header("Vary", "Accept-Encoding");
          } else {
            res.set_content(hit->body, hit->content_type);
          }
          store->set_actor("cli");
          return;
        }
      }
      route.handle(c);
      store->set_actor("cli");
  };
  std::shared_ptr<StaticFiles> files;
  if (!impl_->opt.web_dir.empty()) files = std::make_shared<StaticFiles>(impl_->opt.web_dir);
  auto handler = [dispatch, files](const Request& req, Response& res) {
    if (req.path.rfind("/api/", 0) == 0) {
      res.set_header("Cache-Control", "no-store");  // private data never lands in a shared cache
      if (req.method == "GET" && req.path == "/api/openapi.json") return send_json(res, 200, openapi_json());
      return dispatch(req, res);
    }
    if (!files) return send_error(res, 404, "no such file");
    files->serve(req, res);
  };
  TransportOptions t = impl_->opt.transport;
  t.host = impl_->opt.host;
  t.port = impl_->opt.port;
  for (auto& h : security_headers(secure)) t.headers.push_back(std::move(h));
  impl_->transport = std::make_unique<Transport>(t, handler);
  return impl_->transport->bind();
}

void Server::run() { impl_->transport->run(); }
void Server::stop() {
  if (impl_->transport) impl_->transport->stop();
}

}  // namespace shanshui::http
