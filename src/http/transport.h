// transport.h: the HTTP front — one event-driven I/O thread (standalone Asio) holds every
// connection and reads requests under size limits and deadlines; complete requests go to a small
// worker pool through a bounded queue. A slow or idle client costs a buffer, never a thread.
// Asio stays inside transport.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "http/wire.h"

namespace shanshui::http {

/// Every budget of the front; the defaults and what happens at each limit are in docs/security.md.
struct TransportOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  ParseLimits limits;
  std::chrono::milliseconds header_deadline{10000};   // first byte of a request → end of its headers (408)
  std::chrono::milliseconds request_deadline{30000};  // first byte → whole body (408)
  std::chrono::milliseconds idle_timeout{15000};      // a kept-alive connection with no new request is closed
  std::chrono::milliseconds write_deadline{30000};    // a client that does not read its response is dropped
  size_t max_connections = 2000;                      // open connections in all (beyond: the oldest idle or
                                                      // unfinished one is closed, else 503)
  size_t max_per_address = 128;                       // open connections from one IP address (503 and close beyond)
  size_t workers = 16;                                // threads running handlers
  size_t max_queued = 512;                            // complete requests waiting for a worker (503 beyond)
  size_t max_requests_per_connection = 10000;
  size_t max_uploads_in_flight = 4;  // bodies above limits.max_body being received at once (503 beyond)
  std::vector<std::pair<std::string, std::string>> headers;  // added to every response (security headers)
  // The JSON body of the front's own refusals (413, 408, 503 …); the server passes the API's, so
  // that they are worded like every other error. Unset: {"error": message, "status"}.
  std::function<std::string(int status, const std::string& message)> error_body;
};

/// Counters, readable from any thread.
struct TransportStats {
  std::atomic<uint64_t> accepted{0}, open{0}, refused_full{0}, refused_per_address{0}, timeouts{0}, bad_requests{0},
      overloaded{0}, requests{0}, accept_errors{0}, evicted{0};
  std::atomic<int64_t> queued{0};
};

/// Runs on a worker thread; must not throw (an exception becomes a 500 without details).
using Handler = std::function<void(const Request&, Response&)>;

class Transport {
 public:
  Transport(TransportOptions options, Handler handler);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
  /// Binds and listens; returns the bound port.
  Result<int> bind();
  /// Serves until stop(): the I/O loop on the calling thread, handlers on the workers.
  void run();
  /// Thread-safe.
  void stop();
  const TransportStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shanshui::http
