// server.cpp: the dispatcher — finds the route, opens the store for the thread, reads the session
// (bearer token or cookie + CSRF), enforces the route's access, serves cached views, turns a
// handler's exception into a JSON 500 — and the server's life cycle. The routes live in
// routes_*.cpp, the cache in cache.h, the dashboard's files in static_files.h.
#include "http/server.h"

#include <algorithm>
#include <exception>
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

Result<int> Server::bind() {
  const std::string db = impl_->opt.db_path;
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
  auto dispatch = [db, table, cache, use_cache, secure, health, live, guard, hashes, proxies, evidence_budget](
                      const Request& req, Response& res) {
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
      auto st = store::open_store(db);
      if (!st) return send_internal(res, st.error().message);
      store = std::move(*st);
      store_path = db;
    }
    Ctx c{req, res,    *store,         std::nullopt, std::nullopt, false,
          arg, secure, health,         guard.get(),  hashes.get(), client_address(req, proxies),
          db,  live,   evidence_budget};
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
    const std::string who = c.user ? c.user->username : "";  // whose writes this request must see
    if (use_cache && route.cached) {
      auto version = store->change_counter();
      if (version) {
        // The key holds only what the view depends on: the path, the reader's class, the day and
        // the parameters the route reads (free query strings do not make new entries).
        std::string key = req.path + "|" + (service::may_read_internal(c.user) ? "internal" : "public") + "|" +
                          Date::today_beijing().iso();
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
