// routes_session.cpp: health, login and logout, who am I, adding users.
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/civil_time.h"
#include "core/csv.h"
#include "export/exports.h"
#include "http/api.h"
#include "plan/item_status.h"
#include "plan/loader.h"
#include "service/audit_digest.h"
#include "service/auth.h"
#include "service/labels.h"
#include "service/lineage.h"
#include "service/login_guard.h"
#include "service/monitoring.h"
#include "service/scorecard.h"
#include "service/supervision.h"
#include "service/tracking.h"

namespace shanshui::http {
namespace {

// A county's session cookie goes to that county's pages only: logins in two counties of one
// server live side by side in one browser.
std::string cookie_path(const Ctx& c) { return c.county.empty() ? "/" : "/c/" + c.county + "/"; }

}  // namespace

std::vector<Route> session_routes() {
  std::vector<Route> r;
  r.push_back({"GET", "/api/counties",
               "The counties this server hosts: the home database at /, each other county at /c/{id}/ with its "
               "own users and data (the plan in force in each)",
               Access::open(), [](Ctx& c) { send_json(c.res, 200, c.counties ? *c.counties : "{\"counties\":[]}"); }});
  r.push_back({"GET", "/api/health",
               "Whether the service can do its job: database writable, HJ 212 queue depth, quarantine budget used (503 "
               "when not)",
               Access::open(), [](Ctx& c) {
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
  r.push_back(
      {"POST", "/api/login", "Log in with username and password; returns a bearer token and sets a session cookie",
       Access::open(), [](Ctx& c) {
         auto parsed = body_json(c);
         if (!parsed) return;
         json& b = *parsed;
         if (!b.is_object() || !b.contains("username") || !b.contains("password") || !b["username"].is_string() ||
             !b["password"].is_string())
           return send_error(c.res, 400, "send {\"username\": …, \"password\": …}");
         std::string name = b["username"], pw = b["password"];
         if (name.empty() || name.size() > kMaxUsername)
           return send_error(c.res, 400, "username: 1 to " + std::to_string(kMaxUsername) + " bytes");
         if (pw.size() > kMaxPassword)
           return send_error(c.res, 400, "password: at most " + std::to_string(kMaxPassword) + " bytes");
         // Counted before the hash is checked: parallel guesses cannot pass while hashes run.
         if (auto wait = c.guard->admit(name, c.client)) {
           c.res.set_header("Retry-After", std::to_string(*wait));
           return send_error(c.res, 429,
                             "too many failed logins for this user or from this address; try again in " +
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
         c.res.set_header("Set-Cookie", "session=" + s.token + "; HttpOnly; SameSite=Strict; Path=" + cookie_path(c) +
                                            "; Max-Age=43200" + (c.behind_tls ? "; Secure" : ""));
         send_json(c.res, 200,
                   dump({{"token", s.token},
                         {"csrf", s.csrf},
                         {"user", (*u)->username},
                         {"role", (*u)->role},
                         {"department", (*u)->department},
                         {"expires_at", s.expires_at}}));
       }});
  r.push_back({"POST", "/api/logout", "End the session", Access::session_change(), [](Ctx& c) {
                 if (c.session) (void)c.store.remove_session(c.session->token);
                 c.res.set_header("Set-Cookie",
                                  "session=; HttpOnly; SameSite=Strict; Path=" + cookie_path(c) + "; Max-Age=0");
                 send_json(c.res, 200, dump({{"ok", true}}));
               }});
  r.push_back(
      {"GET", "/api/labels",
       "The words for every code the API returns (ratings, lenses, statuses, roles, station and supervision kinds, "
       "reads and writes), ?lang=zh (default) or en: one catalogue for the dashboard",
       Access::open(), [](Ctx& c) {
         std::string lang = c.req.get_param_value("lang");
         if (!lang.empty() && lang != "zh" && lang != "en") return send_error(c.res, 400, "lang: zh or en");
         json doc = service::labels(lang == "en" ? service::Lang::en : service::Lang::zh);
         send_json(c.res, 200, dump(doc));
       }});
  r.push_back(
      {"GET", "/api/me",
       "The logged-in user (or the public) and what they may do: the reads and writes allowed (service::permissions)",
       Access::open(), [](Ctx& c) {
         auto p = service::stored_plan(c.store);
         if (!p) return send_internal(c.res, p.error().message);
         auto may = service::permissions(c.user, *p ? **p : plan::Plan{});
         json doc = {{"role", c.user ? c.user->role : "public"}, {"may", {{"read", may.read}, {"write", may.write}}}};
         if (c.user)
           doc.update({{"user", c.user->username},
                       {"department", c.user->department},
                       {"csrf", c.session ? c.session->csrf : ""}});
         send_json(c.res, 200, dump(doc));
       }});
  r.push_back({"POST", "/api/users", "Add a user {username, role, department, password}: admin only",
               Access::writing(service::Write::manage_user), [](Ctx& c) {
                 auto p = plan_or_send(c);
                 if (!p) return;
                 auto parsed = body_json(c);
                 if (!parsed) return;
                 json& b = *parsed;
                 auto str = [&](const char* k) { return field(b, k); };
                 if (refused(c, service::refuse_write(c.user, service::Write::manage_user, *p, nullptr),
                             "user " + str("username")))
                   return;
                 std::string role = str("role"), dept;
                 if (str("username").empty() || str("username").size() > kMaxUsername)
                   return send_error(c.res, 400, "username: 1 to " + std::to_string(kMaxUsername) + " bytes");
                 if (!service::valid_role(role))
                   return send_error(c.res, 400, "role: admin, office, department, township, auditor or partner");
                 if (role == "department" || role == "township") {
                   dept = p->resolve_department(str("department"));
                   if (dept.empty())
                     return send_error(c.res, 400,
                                       "department '" + str("department") + "' is not in the plan's registry");
                 }
                 if (role == "partner") {
                   if (!service::valid_partner_id(str("department")))
                     return send_error(
                         c.res, 400, "partner: the partner's id (lowercase letters, digits, '-' or '_') as department");
                   dept = str("department");
                 }
                 auto hash = service::hash_password(str("password"));
                 if (!hash) return send_error(c.res, 400, hash.error().message);
                 if (auto s = c.store.add_user({str("username"), role, dept, *hash, ""}); !s)
                   return send_error(c.res, 409, s.error().message);
                 send_json(c.res, 201, dump({{"added", str("username")}, {"role", role}, {"department", dept}}));
               }});
  return r;
}

}  // namespace shanshui::http
