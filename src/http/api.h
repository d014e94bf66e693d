// api.h: what the route modules share (inside src/http only) — the request context, a route with
// its access policy, and the helpers that send JSON, errors and refusals. nlohmann::json is only
// forward-declared here; route modules include it themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/civil_time.h"
#include "http/server.h"
#include "http/wire.h"
#include "service/auth.h"
#include "store/store.h"

namespace shanshui {
struct CsvTable;
}
namespace shanshui::plan {
struct Plan;
}
namespace shanshui::service::sta {
class Sharing;
}
namespace shanshui::service {
class LoginGuard;
class HashGate;
struct Tracking;
}  // namespace shanshui::service

namespace shanshui::http {

using json = nlohmann::json;

/// Everything a handler needs for one request.
struct Ctx {
  const Request& req;
  Response& res;
  store::Store& store;
  std::optional<store::User> user;
  std::optional<store::Session> session;
  bool via_cookie = false;
  std::string arg;          // the {parameter} of the route's path, if it has one
  bool behind_tls = false;  // cookies get Secure
  std::function<ListenerHealth()> listener_health;
  service::LoginGuard* guard = nullptr;      // password-guess throttling (one per server)
  service::HashGate* hashes = nullptr;       // concurrent argon2 checks
  std::string client;                        // the client's address (behind a trusted proxy: from X-Forwarded-For)
  std::string db_path;                       // the database file (the audit key lives beside it)
  std::function<std::string()> live_status;  // JSON of the live evaluation ("" when it does not run)
  int64_t evidence_budget = service::kDefaultEvidenceBudget;  // bytes all evidence files may take
  std::string county;                           // the county addressed (/c/{id}/api/…), "" for the home database
  std::shared_ptr<const std::string> counties;  // JSON of the counties this server hosts (GET /api/counties)
  std::shared_ptr<const service::sta::Sharing> sharing;  // what the SensorThings API shares with whom
};

/// Who may call a route: the one place a route's access is declared. Dispatch enforces it before
/// the handler runs, the response cache keys on it and OpenAPI documents it. The rules themselves
/// live in service/auth (refuse_read, refuse_write); a write's lane (which items a department may
/// report on, which indicators it measures) is checked by the handler with refuse_write once the
/// item is known.
struct Access {
  enum class Kind { open, read, write };
  Kind kind = Kind::open;
  service::Read read = service::Read::indicators;
  service::Write write = service::Write::report;
  bool csrf = false;  // a cookie session must send X-CSRF-Token (every write, and logout)

  static Access open() { return {}; }
  static Access reading(service::Read r) { return {Kind::read, r, service::Write::report, false}; }
  static Access writing(service::Write w) { return {Kind::write, service::Read::indicators, w, true}; }
  /// Open, but changes the session: CSRF still applies to cookie sessions.
  static Access session_change() { return {Kind::open, service::Read::indicators, service::Write::report, true}; }
  bool needs_login() const;
  /// The reason a user may not call the route at all, or nullopt.
  std::optional<std::string> refuse(const std::optional<store::User>& user) const;
};

struct Route {
  const char* method;
  const char* path;  // as in OpenAPI: "/api/targets/{id}"; match_path() matches requests against it
  const char* summary;
  Access access;
  std::function<void(Ctx&)> handle;
  bool cached = false;  // a view of plan and progress data, cached until the next write
  // The query parameters a cached view depends on: they, and no other, make its cache key (so a
  // stranger's free query strings do not make new entries).
  std::vector<const char*> cache_query = {"as_of"};
};

/// The routes of each area (routes_*.cpp), and all of them in dispatch order.
std::vector<Route> session_routes();
std::vector<Route> plan_routes();
std::vector<Route> monitoring_routes();
std::vector<Route> lineage_routes();
std::vector<Route> audit_routes();
std::vector<Route> notice_routes();
std::vector<Route> evidence_routes();
std::vector<Route> geo_routes();
std::vector<Route> sta_routes();
std::vector<Route> public_routes();
const std::vector<Route>& all_routes();

/// Matches "/api/targets/forest_coverage" against "/api/targets/{id}"; a last segment "{path*}"
/// takes the rest of the path, whatever it holds ("/api/sta/v1.1/{path*}").
bool match_path(std::string_view pattern, std::string_view path, std::string* arg);

std::string dump(const json& j);
void send_json(Response& res, int status, const std::string& body);
void send_error(Response& res, int status, const std::string& message);
/// Content-Disposition: attachment with the file's name in UTF-8 (RFC 6266 / RFC 8187 filename*)
/// and an ASCII fallback for old clients: "打表推进表_2026-12-05.xlsx".
void set_attachment(Response& res, const std::string& name, const std::string& ascii_fallback);
/// The JSON body of an error: {"error": Chinese, "error_en": English, "status"}.
std::string error_json(int status, const std::string& message);
/// A failure inside the server: details to the log under a reference number, the number to the client.
void send_internal(Response& res, const std::string& detail);
/// 401/403 with the reason when `why` is set; every 403 is also written to the audit log.
bool refused(Ctx& c, const std::optional<std::string>& why, const std::string& object);
/// Sends 400 and returns true when an evidence text names an uploaded file ("sha256:<hex>") that
/// is not stored: a report or closure never points at nothing.
bool unknown_evidence_sent(Ctx& c, const std::string& evidence);
/// A write refused because its content cannot be true: 400 with the reason, and an audit entry.
void refuse_invalid(Ctx& c, const std::string& object, const std::string& intake_reason);
/// The plan in force, or nullopt with the error sent (404 before any plan is imported).
std::optional<plan::Plan> plan_or_send(Ctx& c);
/// The plan, its reports and its view as of ?as_of= (default today), or nullopt with the error sent.
std::optional<service::Tracking> tracking_or_send(Ctx& c);
/// ?month=YYYY-MM as [its first day, the next month's first day), or nullopt with a 400 sent.
std::optional<std::pair<Date, Date>> month_or_send(Ctx& c);
/// The request body as JSON (null when empty), or nullopt with a 400 sent (depth and size first).
std::optional<json> body_json(Ctx& c);
/// A field of a JSON body as text ("" when missing or null).
std::string field(const json& b, const char* key);
/// One request as a one-row table, so that it passes the same intake checks as a CSV file.
CsvTable one_row(std::vector<std::string> header, std::vector<std::string> values);
/// Now plus `hours`, ISO 8601 in Beijing time.
std::string now_plus_hours(int hours);

// Identifiers a stranger can send are bounded before anything is stored or hashed.
constexpr size_t kMaxUsername = 64;
constexpr size_t kMaxPassword = 256;

}  // namespace shanshui::http
