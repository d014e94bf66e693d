// api.cpp: the helpers route modules share (see api.h), and each route's access check.
#include "http/api.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "core/csv.h"
#include "plan/loader.h"
#include "service/evidence.h"
#include "service/messages.h"
#include "service/tracking.h"

namespace shanshui::http {

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool Access::needs_login() const {
  return kind == Kind::write || (kind == Kind::read && read != service::Read::indicators);
}

std::optional<std::string> Access::refuse(const std::optional<store::User>& user) const {
  switch (kind) {
    case Kind::open:
      return std::nullopt;
    case Kind::read:
      return service::refuse_read(user, read);
    case Kind::write:
      // The coarse check: a write needs a county user. Which items and indicators are theirs is
      // the handler's refuse_write, once it knows the item.
      return service::refuse_any_write(user);
  }
  return std::string("not allowed");
}

// Limits on JSON request bodies: our bodies are flat objects a few hundred bytes long.
constexpr size_t kMaxJsonDepth = 16;
constexpr size_t kMaxJsonBytes = 256 * 1024;

void send_json(Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

// "error" in Chinese from the message catalogue (data/i18n/messages.tsv), "error_en" as written.
// A message the catalogue lacks goes out in English and is named in the log once per message
// (the API test fails on it too).
std::string error_json(int status, const std::string& message) {
  auto zh = service::message_zh(message);
  if (!zh) {
    static std::mutex mu;
    static std::set<std::string> told;
    std::lock_guard lock(mu);
    if (told.size() < 1000 && told.insert(message).second)
      std::cerr << "shanshui: no Chinese for the message '" << message << "' (data/i18n/messages.tsv)" << std::endl;
  }
  return dump({{"error", zh.value_or(message)}, {"error_en", message}, {"status", status}});
}

void send_error(Response& res, int status, const std::string& message) {
  send_json(res, status, error_json(status, message));
}

// A failure inside the server: the details (database paths, SQL) go to the log under a reference
// number, the client gets the number only (503 when the database server is unreachable).
void send_internal(Response& res, const std::string& detail) {
  static std::atomic<uint64_t> next{1};
  uint64_t ref = next++;
  // A database server that went away is not the request's fault, and it passes: 503, try again.
  if (detail.find("database unavailable") != std::string::npos) {
    std::cerr << "shanshui: database unavailable (#" << ref << "): " << detail << std::endl;
    res.set_header("Retry-After", "5");
    return send_error(res, 503, "the database is unavailable; try again shortly");
  }
  std::cerr << "shanshui: internal error #" << ref << ": " << detail << std::endl;
  send_error(res, 500, "internal error #" + std::to_string(ref) + " (details in the server log)");
}

std::string now_plus_hours(int hours) { return beijing_iso8601(unix_now() + int64_t{3600} * hours); }

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

bool unknown_evidence_sent(Ctx& c, const std::string& evidence) {
  for (size_t at = evidence.find("sha256:"); at != std::string::npos; at = evidence.find("sha256:", at + 7)) {
    std::string hex = evidence.substr(at + 7, 64);
    if (!service::is_sha256_hex(hex)) {
      send_error(c.res, 400, "evidence: 'sha256:' must be followed by the 64 hex digits of an uploaded file");
      return true;
    }
    auto f = c.store.evidence(hex, false);
    if (!f) {
      send_internal(c.res, f.error().message);
      return true;
    }
    if (!*f) {
      send_error(c.res, 400, "evidence: no uploaded file sha256:" + hex + " (upload it first: POST /api/evidence)");
      return true;
    }
  }
  return false;
}

void set_attachment(Response& res, const std::string& name, const std::string& ascii_fallback) {
  constexpr const char* kHex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char ch : name) {
    if (std::isalnum(ch) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(ch)) != std::string_view::npos) {
      encoded += static_cast<char>(ch);
    } else {
      encoded += '%';
      encoded += kHex[ch >> 4];
      encoded += kHex[ch & 15];
    }
  }
  res.set_header("Content-Disposition", "attachment; filename=\"" + ascii_fallback + "\"; filename*=UTF-8''" + encoded);
}

// A field of a JSON request body as text: strings as they are, numbers and booleans as written,
// missing or null as "".
std::string field(const nlohmann::json& b, const char* key) {
  if (!b.is_object() || !b.contains(key) || b[key].is_null() || b[key].is_structured()) return "";
  return b[key].is_string() ? b[key].get<std::string>() : b[key].dump();
}

// One request as a one-row table, so that it passes the same intake checks as a CSV file; the
// intake's reasons start with "request:2: ", which `reason_of` strips again.
CsvTable one_row(std::vector<std::string> header, std::vector<std::string> values) {
  CsvTable t;
  t.header = std::move(header);
  t.records.push_back({2, std::move(values), "(request body)"});
  return t;
}

static std::string reason_of(const std::string& intake_reason) {
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

// Matches "/api/targets/forest_coverage" against "/api/targets/{id}"; the {parameter} segment
// may hold letters, digits, '_', '-' and '.' (ids, MNs, formats).
bool match_path(std::string_view pattern, std::string_view path, std::string* arg) {
  while (!pattern.empty() && !path.empty()) {
    size_t pe = pattern.find('/', 1), qe = path.find('/', 1);
    std::string_view ps = pattern.substr(0, pe), qs = path.substr(0, qe);
    if (ps == "/{path*}") {
      if (path.size() < 2) return false;
      *arg = std::string(path.substr(1));
      return true;
    }
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

const std::vector<Route>& all_routes() {
  static const std::vector<Route> routes = [] {
    std::vector<Route> all;
    for (auto part : {session_routes, plan_routes, notice_routes, evidence_routes, geo_routes, monitoring_routes,
                      lineage_routes, audit_routes, sta_routes, public_routes})
      for (auto& r : part()) all.push_back(std::move(r));
    return all;
  }();
  return routes;
}

}  // namespace shanshui::http
