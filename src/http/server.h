// server.h: the HTTP/JSON API and the web dashboard from one process (cpp-httplib behind this
// adapter; httplib stays in server.cpp). Every route is declared once, in a table that also
// produces /api/openapi.json.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace shanshui::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db_path;
  std::string web_dir;  // static files of the dashboard ("" = none)
  int threads = 256;  // cpp-httplib serves a keep-alive connection per thread: fewer threads than clients starve some
  bool cache = true;  // cache read views until the next write (off only to measure what it buys)
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
