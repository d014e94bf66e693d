// server.h: the HTTP/JSON API and the web dashboard from one process, on the event-driven
// transport (transport.h). Every route is declared once, in a table that also produces
// /api/openapi.json.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/transport.h"
#include "service/evidence.h"

namespace shanshui::http {

/// What /api/health reports about the HJ 212 listener running in the same process.
struct ListenerHealth {
  bool running = false;
  uint64_t connections_open = 0;
  uint64_t queue_depth = 0, queue_capacity = 0;                    // frames waiting for the writer
  uint64_t quarantine_bytes_hour = 0, quarantine_budget_hour = 0;  // bytes kept this hour / allowed
  uint64_t quarantine_dropped = 0;                                 // refused inputs not kept (budget spent)
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db_path;
  std::string web_dir;                       // static files of the dashboard ("" = none)
  bool cache = true;                         // cache read views until the next write (off only to measure what it buys)
  size_t cache_bytes = 64 * 1024 * 1024;     // the view cache's budget
  bool behind_tls = false;                   // served through a TLS proxy: Secure cookies and HSTS
  std::vector<std::string> trusted_proxies;  // addresses whose X-Forwarded-For names the client
  TransportOptions transport;                // connection, size and time limits (host and port are taken from above)
  std::function<ListenerHealth()> listener_health;            // set when the HJ 212 listener runs alongside
  std::function<std::string()> live_status;                   // JSON of the live evaluation, when it runs alongside
  int64_t evidence_budget = service::kDefaultEvidenceBudget;  // bytes all uploaded evidence may take (507 beyond)
  /// Other counties served beside the home database (db_path), each with its own database: its
  /// dashboard at /c/{id}/ and its API at /c/{id}/api/…. A county's users, sessions and data live
  /// in its own database only, so one county's users are strangers (the public) to another. Users
  /// of the home database with the auditor or admin role are the province: they read every county,
  /// as auditors (reading everything, writing nothing).
  std::vector<std::pair<std::string, std::string>> counties;  // (id, database)
  /// Which monitoring series the SensorThings API shares with whom (docs/exchange.md); "" is the
  /// source tree's data/exchange/sharing.csv.
  std::string sharing;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  /// Binds; returns the bound port.
  Result<int> bind();
  /// Serves until stop() (blocking).
  void run();
  /// Thread-safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The OpenAPI 3 description of every route (what /api/openapi.json serves).
std::string openapi_json();

}  // namespace shanshui::http
