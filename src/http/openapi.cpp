// openapi.cpp: /api/openapi.json, generated from the route table: each route's summary, its
// access (security, and the rule in service/auth that decides it) and the shapes of its request
// and response, so that clients can be generated and the API test checks responses against them.
#include <map>
#include <nlohmann/json.hpp>

#include "http/api.h"

namespace shanshui::http {
namespace {

json object(std::initializer_list<const char*> required, json properties = json::object()) {
  json s = {{"type", "object"}, {"required", json::array()}};
  for (const char* r : required) {
    s["required"].push_back(r);
    if (!properties.contains(r)) properties[r] = json::object();
  }
  s["properties"] = properties;
  return s;
}
json array_of(json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
json str() { return {{"type", "string"}}; }
json num() { return {{"type", "number"}}; }
json boolean() { return {{"type", "boolean"}}; }
json arr() { return {{"type", "array"}}; }

// Response shapes (200/201), by "METHOD path": the keys every answer has, with their types.
const std::map<std::string, json>& responses() {
  static const std::map<std::string, json> m = {
      {"GET /api/health", object({"status", "database_writable", "plan_loaded", "time"},
                                 {{"status", str()}, {"database_writable", boolean()}, {"plan_loaded", boolean()}})},
      {"POST /api/login",
       object({"token", "csrf", "user", "role"}, {{"token", str()}, {"csrf", str()}, {"role", str()}})},
      {"POST /api/logout", object({"ok"}, {{"ok", boolean()}})},
      {"GET /api/counties",
       object({"counties"},
              {{"counties", array_of(object({"id", "path", "plan", "title"}, {{"id", str()}, {"path", str()}}))}})},
      {"GET /api/me",
       object({"role", "may"},
              {{"role", str()}, {"may", object({"read", "write"}, {{"read", arr()}, {"write", arr()}})}})},
      {"GET /api/labels", object({"rating", "lens", "status", "role", "station_kind", "supervision_kind",
                                  "audit_action", "read", "write"})},
      {"POST /api/users", object({"added", "role"}, {{"added", str()}, {"role", str()}})},
      {"GET /api/plan", object({"id", "title", "period", "actions", "targets", "departments"},
                               {{"actions", arr()}, {"targets", arr()}, {"departments", arr()}})},
      {"GET /api/progress",
       object({"plan", "as_of", "targets"}, {{"targets", array_of(object({"id", "name", "series", "lenses"}))}})},
      {"GET /api/targets/{id}", object({"id", "name", "series", "lenses", "stale"},
                                       {{"series", arr()}, {"lenses", object({"schedule", "unsd", "current"})}})},
      {"GET /api/supervision", array_of(object({"department", "kind", "ref", "message"}))},
      {"GET /api/notices", array_of(object({"id", "subject_kind", "subject", "subject_text", "department", "due",
                                            "state", "overdue", "events"},
                                           {{"id", num()}, {"state", str()}, {"events", arr()}}))},
      {"POST /api/notices", object({"id", "department", "state"}, {{"id", num()}, {"state", str()}})},
      {"POST /api/notices/{id}/steps", object({"id", "state"}, {{"id", num()}, {"state", str()}})},
      {"GET /api/scorecard", object({"method", "weights", "departments"},
                                    {{"departments", array_of(object({"department", "score", "rank"}))}})},
      {"GET /api/stations", array_of(object({"mn", "kind", "name"}, {{"mn", str()}, {"kind", str()}}))},
      {"GET /api/items/{id}", object({"id", "status", "reports"}, {{"reports", arr()}})},
      {"POST /api/reports", object({"stored", "item"}, {{"stored", num()}, {"item", str()}})},
      {"POST /api/items/{id}/close", object({"closed"}, {{"closed", str()}})},
      {"POST /api/measurements", object({"stored"}, {{"stored", num()}})},
      {"POST /api/stations", object({"registered"}, {{"registered", str()}})},
      {"GET /api/alarms", array_of(object({"mn", "kind", "time", "detail"}))},
      {"GET /api/air/daily",
       object({"mn", "year", "days", "hours_used", "digest"}, {{"days", array_of(object({"date", "aqi", "valid"}))}})},
      {"GET /api/noise/zones", object({"month", "points", "method"}, {{"points", arr()}})},
      {"GET /api/water/sections", object({"month", "target", "sections", "method"}, {{"sections", arr()}})},
      {"GET /api/stations/{mn}/observations",
       array_of(object({"factor", "cn", "time", "kind", "value", "flag", "unit", "raw_id"}))},
      {"GET /api/lineage/indicators/{id}",
       object({"target", "indicator", "values"}, {{"values", array_of(object({"period", "value", "kind"}))}})},
      {"GET /api/lineage/runs/{id}",
       object({"id", "period", "method", "input_sha256", "completeness", "detail"}, {{"input_sha256", str()}})},
      {"GET /api/lineage/runs/{id}/days",
       object({"run", "mn", "days"}, {{"days", array_of(object({"day", "observations", "digest"}))}})},
      {"GET /api/lineage/runs/{id}/hours",
       object({"run", "mn", "day", "digest", "observations"}, {{"observations", arr()}})},
      {"GET /api/lineage/frames/{id}",
       object({"id", "mn", "sha256", "sha256_recomputed", "bytes", "crc_mode"}, {{"bytes", str()}})},
      {"GET /api/audit", array_of(object({"id", "at", "actor", "action", "object", "detail", "hash"}))},
      {"GET /api/audit/search", object({"entries", "total", "next_before"}, {{"entries", arr()}, {"total", num()}})},
      {"GET /api/audit/verify",
       object({"entries", "intact", "chain_intact", "rows_checked", "data"}, {{"intact", boolean()}, {"data", arr()}})},
      {"GET /api/export/{format}", object({"plan", "as_of", "targets"})},
      {"GET /api/layers", array_of(object({"id", "name", "kind", "version", "features", "source_crs"},
                                          {{"id", num()}, {"kind", str()}, {"features", num()}}))},
      {"GET /api/layers/{id}", object({"type", "features"}, {{"type", str()}, {"features", arr()}})},
      {"GET /api/gep", object({"year", "gep_yuan", "gdp_yuan", "categories", "services", "gdp_ratio", "lines",
                               "townships", "sensitivity", "prices", "inputs", "fingerprint", "township_polygons"},
                              {{"year", num()},
                               {"gep_yuan", num()},
                               {"lines", arr()},
                               {"townships", arr()},
                               {"prices", array_of(object({"id", "kind", "name", "value", "unit", "source"}))},
                               {"fingerprint", str()},
                               {"township_polygons", object({"type", "features"})}})},
      {"GET /api/targets/{id}/townships", object({"target", "indicator", "unit", "views", "townships"},
                                                 {{"views", arr()}, {"townships", object({"type", "features"})}})},
      {"POST /api/screen",
       object({"project_area_m2", "verdict", "verdict_label", "findings", "overlaps", "nearby", "clauses"},
              {{"project_area_m2", num()},
               {"verdict", str()},
               {"findings", arr()},
               {"overlaps", array_of(object({"kind", "layer", "feature", "area_m2", "share"}))}})},
      {"GET /api/partners", array_of(object({"partner", "name", "source", "licence", "stations"},
                                            {{"stations", array_of(object({"id", "name", "lon", "lat", "series"}))}}))},
      {"GET /api/open/datasets",
       array_of(object({"id", "title", "title_en", "licence", "licence_url", "publisher", "updated", "formats"}))},
      {"GET /api/open/datasets/{id}", object({"metadata", "columns", "rows"}, {{"rows", arr()}})},
      {"POST /api/feedback", object({"id", "state"}, {{"id", num()}, {"state", str()}})},
      {"GET /api/feedback/published", array_of(object({"id", "kind", "subject", "text", "reply", "state"}))},
      {"GET /api/feedback", array_of(object({"id", "kind", "subject", "text", "contact", "state"}))},
      {"POST /api/feedback/{id}/decision", object({"id", "state"}, {{"id", num()}, {"state", str()}})},
      {"GET /api/sta/v1.1", object({"value", "serverSettings"}, {{"value", array_of(object({"name", "url"}))}})},
      // An entity, a page of a collection ({value, @iot.count?, @iot.nextLink?}) or a property.
      {"GET /api/sta/v1.1/{path*}", object({})},
      {"POST /api/evidence", object({"sha256", "ref", "name", "media_type", "size", "url"},
                                    {{"sha256", str()}, {"ref", str()}, {"size", num()}})},
  };
  return m;
}

// Request bodies (JSON objects) of the writes.
const std::map<std::string, json>& requests() {
  static const std::map<std::string, json> m = {
      {"POST /api/login", object({"username", "password"}, {{"username", str()}, {"password", str()}})},
      {"POST /api/users", object({"username", "role", "password"}, {{"department", str()}})},
      {"POST /api/reports",
       object({"item", "period", "status", "percent"}, {{"narrative", str()}, {"evidence", str()}})},
      {"POST /api/items/{id}/close", object({"evidence"}, {{"note", str()}})},
      {"POST /api/feedback", object({"kind", "subject", "text"}, {{"contact", str()}, {"lon", num()}, {"lat", num()}})},
      {"POST /api/feedback/{id}/decision", object({"decision"}, {{"reply", str()}})},
      {"POST /api/screen", object({"project"}, {{"project", json::object({{"type", "object"}})},
                                                {"industry", str()},
                                                {"radius_m", num()},
                                                {"buffer_m", num()}})},
      {"POST /api/measurements",
       object({"indicator", "period", "value"}, {{"method", str()}, {"source", str()}, {"note", str()}})},
      {"POST /api/stations",
       object({"mn", "kind", "name"}, {{"township", str()}, {"river", str()}, {"lon", num()}, {"lat", num()}})},
  };
  return m;
}

// Who may call a route, in words, from the same rules dispatch applies.
std::string who(const Access& a) {
  switch (a.kind) {
    case Access::Kind::open:
      return "anyone";
    case Access::Kind::read:
      switch (a.read) {
        case service::Read::indicators:
          return "anyone";
        case service::Read::internal:
          return "any logged-in user";
        case service::Read::audit:
          return "roles admin, office, auditor";
      }
      break;
    case Access::Kind::write:
      return std::string("logged-in users allowed to ") + service::write_name(a.write) +
             " (service::refuse_write: roles, and the department's own items or indicators)";
  }
  return "";
}

}  // namespace

std::string openapi_json() {
  json paths = json::object();
  const json errors = {{"400", {{"description", "bad request, with the reason"}}},
                       {"401", {{"description", "not logged in"}}},
                       {"403", {{"description", "not allowed, with the reason"}}},
                       {"404", {{"description", "no such object"}}},
                       {"500", {{"description", "internal error, with a reference to the server log"}}}};
  for (const auto& r : all_routes()) {
    std::string m = r.method;
    for (auto& ch : m) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string key = std::string(r.method) + " " + r.path;
    json op = {{"summary", r.summary}, {"responses", errors}, {"x-access", who(r.access)}};
    auto resp = responses().find(key);
    json ok = {{"description", "OK"}};
    if (resp != responses().end()) ok["content"] = {{"application/json", {{"schema", resp->second}}}};
    op["responses"][std::string(r.method) == "POST" && key != "POST /api/login" && key != "POST /api/logout" &&
                            key != "POST /api/screen"
                        ? "201"
                        : "200"] = ok;
    if (auto req = requests().find(key); req != requests().end())
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", req->second}}}}}};
    if (key == "POST /api/evidence") {  // the file itself, not JSON; the same content again answers 200
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
      op["responses"]["200"] = ok;
      op["responses"]["413"] = {{"description", "larger than 8 MiB"}};
      op["responses"]["415"] = {{"description", "not an accepted type, with the reason"}};
      op["responses"]["507"] = {{"description", "the evidence storage budget is used up"}};
    }
    if (key == "GET /api/evidence/{id}")  // the stored file as uploaded, as an attachment
      op["responses"]["200"]["content"] = {
          {"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}};
    // Security for reads too: what a route needs, whoever calls it.
    op["security"] = r.access.needs_login()
                         ? json::array({{{"bearer", json::array()}}, {{"cookie", json::array()}}})
                         : json::array({json::object(), {{"bearer", json::array()}}, {{"cookie", json::array()}}});
    if (r.access.csrf) op["x-csrf"] = "cookie sessions send X-CSRF-Token";
    if (r.cached) op["x-cached"] = true;
    std::string path = r.path;  // "{path*}" (the rest of the path) is documented as a parameter
    if (auto star = path.find("{path*}"); star != std::string::npos) path.replace(star, 7, "{path}");
    paths[path][m] = op;
  }
  json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "shanshui API"},
                {"version", "0.2"},
                {"description", "山水: the county's action plan, monitoring and progress"}}},
              {"paths", paths},
              {"components",
               {{"securitySchemes",
                 {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
                  {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "session"}}}}}}}};
  doc["paths"]["/api/openapi.json"]["get"] = {
      {"summary", "This description"},
      {"security", json::array({json::object()})},
      {"x-access", "anyone"},
      {"responses",
       {{"200",
         {{"description", "OK"},
          {"content", {{"application/json", {{"schema", object({"openapi", "info", "paths", "components"})}}}}}}}}}};
  return dump(doc);
}

}  // namespace shanshui::http
