// listener.h: the HJ 212 TCP server. One I/O thread (standalone Asio, completion handlers) reads
// many connections; one writer thread stores frames in batches; a reply leaves only after the
// batch holding its frame is committed, so every acknowledged value survives kill -9.
// Asio stays inside listener.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"

namespace shanshui::hj212 {

struct ListenerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                                    // 0: any free port (see Listener::port)
  size_t max_data = 9999;                               // largest declared data-segment length taken
  std::chrono::seconds idle_timeout{600};               // a connection that sends nothing is closed
  size_t max_pending_replies = 1000;                    // a client that never reads is disconnected
  std::chrono::milliseconds registry_refresh{1000};     // station registry re-read from the store
  bool durable = true;                                  // synchronous=FULL: acknowledged = on disk
};

/// Counters, readable from any thread.
struct ListenerStats {
  std::atomic<uint64_t> connections{0}, frames{0}, values{0}, duplicates{0}, quarantined{0}, replies{0}, batches{0};
};

class Listener {
 public:
  Listener(ListenerOptions options, std::string db_path);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  /// Opens the store, loads the registry, binds and listens. The writer thread starts here.
  Status start();
  /// The bound port (after start).
  uint16_t port() const;
  /// Runs the I/O loop on the calling thread until stop() (or SIGINT/SIGTERM when
  /// handle_signals was set). Stored but unanswered frames are flushed before it returns.
  void run(bool handle_signals = false);
  /// Thread-safe.
  void stop();
  const ListenerStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shanshui::hj212
