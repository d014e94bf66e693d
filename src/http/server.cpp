// server.cpp: the dispatcher — finds the route, opens the store for the thread, reads the session
// (bearer token or cookie + CSRF), enforces the route's access, serves cached views, turns a
// handler's exception into a JSON 500 — and the server's life cycle. The routes live in
// routes_*.cpp, the cache in cache.h, the dashboard's files in static_files.h.
#include "http/server.h"

#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/civil_time.h"
#include "http/api.h"
#include "http/cache.h"
#include "http/static_files.h"
#include "http/transport.h"
#include "http/wire.h"
#include "service/auth.h"
#include "service/login_guard.h"
#include "service/sta_sharing.h"
#include "service/tracking.h"
#include "store/store.h"

namespace shanshui::http {
namespace {

// The address a request comes from. Behind a trusted reverse proxy every request arrives from the
// proxy, so throttling by that address would throttle everyone: take the last X-Forwarded-For hop
// (the one the proxy itself added) instead. Anyone else's X-Forwarded-For is ignored.
std::string client_address(const Request& req, const std::vector<std::string>& trusted_proxies) {
  if (std::find(trusted_proxies.begin(), trusted_proxies.end(), req.remote_addr) == trusted_proxies.end())
    return req.remote_addr;
  std::string xff = req.get_header_value("X-Forwarded-For");
  auto comma = xff.rfind(',');
  std::string last = xff.substr(comma == std::string::npos ? 0 : comma + 1);
  while (!last.empty() && last.front() == ' ') last.erase(0, 1);
  while (!last.empty() && last.back() == ' ') last.pop_back();
  return last.empty() || last.size() > 64 ? req.remote_addr : last;
}

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  std::unique_ptr<Transport> transport;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>()) { impl_->opt = std::move(options); }
Server::~Server() = default;

// The counties a server hosts, as GET /api/counties tells them: the home database first ("" id,
// served at /), then each county at /c/{id}/, with the plan in force in each.
static Result<std::string> counties_json(const std::string& home,
                                         const std::vector<std::pair<std::string, std::string>>& counties) {
  json out = json::array();
  std::vector<std::pair<std::string, std::string>> all = {{"", home}};
  all.insert(all.end(), counties.begin(), counties.end());
  for (const auto& [id, db] : all) {
    auto st = store::open_store(db);
    if (!st) return fail((id.empty() ? "the home database" : "county " + id) + ": " + st.error().message);
    auto p = service::stored_plan(**st);
    if (!p) return tl::unexpected(p.error());
    out.push_back({{"id", id},
                   {"path", id.empty() ? "/" : "/c/" + id + "/"},
                   {"plan", *p ? json((*p)->id) : json(nullptr)},
                   {"title", *p ? json((*p)->title) : json(nullptr)}});
  }
  return json{{"counties", out}}.dump();
}

Result<int> Server::bind() {
  const std::string home = impl_->opt.db_path;
  std::map<std::string, std::string> county_db;
  for (const auto& [id, db] : impl_->opt.counties) {
    bool plain = !id.empty() && id.size() <= 40 &&
                 id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
    if (!plain) return fail("--county " + id + ": the id must be lowercase letters, digits, '-' or '_'");
    if (!county_db.emplace(id, db).second) return fail("--county " + id + " is given twice");
  }
  auto listing = counties_json(home, impl_->opt.counties);
  if (!listing) return tl::unexpected(listing.error());
  auto counties = std::make_shared<const std::string>(std::move(*listing));
  auto table_of_sharing = service::sta::Sharing::load(impl_->opt.sharing.empty() ? std::string(SHANSHUI_SOURCE_DIR) +
                                                                                       "/data/exchange/sharing.csv"
                                                                                 : impl_->opt.sharing);
  if (!table_of_sharing) return fail("--sharing: " + table_of_sharing.error().message);
  auto sharing = std::make_shared<const service::sta::Sharing>(std::move(*table_of_sharing));
  auto cache = std::make_shared<ResponseCache>(impl_->opt.cache_bytes);
  const bool use_cache = impl_->opt.cache;
  const bool secure = impl_->opt.behind_tls;
  auto health = impl_->opt.listener_health;
  auto live = impl_->opt.live_status;
  const int64_t evidence_budget = impl_->opt.evidence_budget;
  auto guard = std::make_shared<service::LoginGuard>();
  const std::vector<std::string> proxies = impl_->opt.trusted_proxies;
  auto hashes = std::make_shared<service::HashGate>(2);  // two cores: more at once only queues in memory
  // One dispatcher matches the route table by path segments (no regex per route).
  const std::vector<Route>* table = &all_routes();
  auto dispatch = [home, county_db, counties, table, cache, use_cache, secure, health, live, guard, hashes, proxies,
                   evidence_budget, sharing](const Request& req, Response& res, const std::string& county) {
    const std::string& db = county.empty() ? home : county_db.at(county);
    std::string arg;
    const Route* found = nullptr;
    for (const auto& r : *table)
      if (req.method == r.method && match_path(r.path, req.path, &arg)) {
        found = &r;
        break;
      }
    if (!found) return send_error(res, 404, "no route " + req.method + " " + req.path.substr(0, 200));
    const Route& route = *found;
    // One connection per database per handler thread, opened on first use.
    thread_local std::map<std::string, std::unique_ptr<store::Store>> stores;
    std::string why;
    auto store_for = [&why](const std::string& location) -> store::Store* {
      auto& s = stores[location];
      if (!s) {
        auto st = store::open_store(location);
        if (!st) {
          why = st.error().message;
          return nullptr;
        }
        s = std::move(*st);
      }
      return s.get();
    };
    store::Store* store = store_for(db);
    if (!store) return send_internal(res, why);
    Ctx c{req, res,    *store,          std::nullopt, std::nullopt, false,
          arg, secure, health,          guard.get(),  hashes.get(), client_address(req, proxies),
          db,  live,   evidence_budget, county,       counties,     sharing};
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
      // Not a session of this county: a provincial reader's, of the home database? Auditors and
      // administrators there read every county, as auditors; anyone else is a stranger here.
      if (!c.user && !county.empty()) {
        store::Store* province = store_for(home);
        auto ps = province ? province->session(token) : Result<std::optional<store::Session>>(std::nullopt);
        if (ps && *ps && (*ps)->expires_at > store::now_iso8601()) {
          auto u = province->user((*ps)->username);
          if (u && *u && ((*u)->role == "auditor" || (*u)->role == "admin")) {
            c.session = **ps;
            store::User reader = **u;
            reader.role = "auditor";
            reader.department.clear();
            reader.username = "province:" + reader.username;
            c.user = std::move(reader);
          }
        }
      }
    }
    // Cookie sessions must send the CSRF token with every write.
    if (route.access.csrf && c.via_cookie && c.session && req.get_header_value("X-CSRF-Token") != c.session->csrf)
      return send_error(res, 403, "missing or wrong X-CSRF-Token for a cookie session");
    // The route's access, declared once in its table entry (rules in service/auth).
    if (refused(c, route.access.refuse(c.user), req.path)) return;
    store->set_actor(c.user ? "user:" + c.user->username : "public");
    // Restores the store's actor however the request ends (a handler may throw).
    struct ActorReset {
      store::Store& s;
      ~ActorReset() { s.set_actor("cli"); }
    } reset{*store};
    // A handler that throws answers a JSON 500 with a reference; the details go to the log.
    auto handle = [&] {
      try {
        route.handle(c);
      } catch (const std::exception& e) {
        res = Response{};
        send_internal(res, std::string(route.method) + " " + route.path + " threw: " + e.what());
      }
    };
    // Whose writes this request must see (a county's users are its own: the county is part of who).
    const std::string who = c.user ? county + "|" + c.user->username : "";
    if (use_cache && route.cached) {
      auto version = store->change_counter();
      if (version) {
        // The key holds only what the view depends on: the path, the reader's class, the day and
        // the parameters the route reads (free query strings do not make new entries).
        std::string key = county + "|" + req.path + "|" + (service::may_read_internal(c.user) ? "internal" : "public") +
                          "|" + Date::today_beijing().iso();
        for (const char* q : route.cache_query) key += std::string("|") + req.get_param_value(q).substr(0, 32);
        auto hit = cache->get(key, *version);
        // A write made the view old. One request rebuilds it; the others get the previous view at
        // once instead of queueing behind the build (which holds the handler threads: a rebuild
        // of the overview takes a second under load) — unless the previous view is older than
        // the requester's own last write, which it must see.
        auto lock = hit ? nullptr : cache->build_lock(key);
        std::unique_lock<std::mutex> building;
        if (lock) {
          building = std::unique_lock<std::mutex>(*lock, std::try_to_lock);
          if (!building.owns_lock()) {
            auto stale = cache->newest(key);
            if (stale && (who.empty() || stale->version >= cache->last_write(who))) {
              hit = stale;
              res.set_header("X-Cache", "stale");
            } else {
              building.lock();
            }
          }
        }
        if (!hit) {
          hit = cache->get(key, *version);
          if (!hit) {
            handle();
            if (res.status == 200) {
              ResponseCache::Entry e{*version, res.status, res.body, res.get_header_value("Content-Type"),
                                     gzip(res.body)};
              if (accepts_gzip(req) && !e.gzipped.empty()) {
                res.set_header("Content-Encoding", "gzip");
                res.set_header("Vary", "Accept-Encoding");
                res.body = e.gzipped;
              }
              cache->put(key, std::move(e));
            }
            cache->release_build_lock(key);
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
        return;
      }
    }
    handle();
    if (req.method != "GET" && res.status < 400 && !who.empty())
      if (auto v = store->change_counter()) cache->wrote(who, *v);
  };
  std::shared_ptr<StaticFiles> files;
  if (!impl_->opt.web_dir.empty()) files = std::make_shared<StaticFiles>(impl_->opt.web_dir);
  auto handler = [dispatch, files, county_db](const Request& original, Response& res) {
    // /c/{id}/…: the county's dashboard and API, answered as / and /api/… on its database.
    std::string county;
    const Request* at = &original;
    Request inner;
    if (original.path.rfind("/c/", 0) == 0) {
      size_t end = original.path.find('/', 3);
      county = original.path.substr(3, end == std::string::npos ? std::string::npos : end - 3);
      if (!county_db.count(county)) return send_error(res, 404, "no county '" + county.substr(0, 40) + "' here");
      if (end == std::string::npos) {  // "/c/ID": the page's relative links need the slash
        res.status = 301;
        res.set_header("Location", "/c/" + county + "/");
        return;
      }
      inner = original;
      inner.path = original.path.substr(end);
      at = &inner;
    }
    const Request& req = *at;
    if (req.path.rfind("/api/", 0) == 0) {
      res.set_header("Cache-Control", "no-store");  // private data never lands in a shared cache
      if (req.method == "GET" && req.path == "/api/openapi.json") return send_json(res, 200, openapi_json());
      return dispatch(req, res, county);
    }
    if (!files) return send_error(res, 404, "no such file");
    files->serve(req, res);
  };
  TransportOptions t = impl_->opt.transport;
  t.error_body = error_json;
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
