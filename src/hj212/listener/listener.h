// listener.h: the HJ 212 TCP server. One I/O thread (standalone Asio, completion handlers) reads
// many connections; one writer thread stores frames in batches; a reply leaves only after the
// batch holding its frame is committed, so every acknowledged value survives kill -9.
// Asio stays inside listener.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"

namespace shanshui::hj212 {

/// Every budget of the listener; defaults and what happens at each limit are in docs/security.md.
struct ListenerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                                 // 0: any free port (see Listener::port)
  size_t max_data = 9999;                            // largest declared data-segment length taken
  std::chrono::seconds idle_timeout{600};            // a connection that sends nothing is closed
  std::chrono::seconds first_frame_deadline{120};    // a new connection must send a valid frame within
  size_t max_pending_replies = 1000;                 // a client that never reads is disconnected
  std::chrono::milliseconds registry_refresh{1000};  // station registry re-read from the store
  bool durable = true;                               // synchronous=FULL: acknowledged = on disk

  // Connections.
  size_t max_connections = 1000;  // beyond: accepted and closed at once
  size_t max_per_address = 64;    // open connections from one IP address
  // Refusals: a connection is dropped after this many refused inputs in a row (a valid frame resets
  // the count) or this many wrong passwords in all, and
  // its address waits (doubling from 2 s to 15 min) before it may connect again.
  size_t max_refusals_per_connection = 10;
  size_t max_wrong_passwords_per_connection = 3;
  std::chrono::seconds penalty_base{2}, penalty_max{900};

  // What strangers can make us store (quarantine), per connection, per address and hour, in all.
  size_t quarantine_keep_bytes = 16384;          // of one refused input (the rest is counted)
  size_t quarantine_per_connection = 65536;      // bytes
  size_t quarantine_per_address_hour = 1 << 20;  // bytes
  size_t quarantine_per_hour = 32 << 20;         // bytes, all addresses
  size_t quarantine_total = 512u << 20;          // bytes the quarantine table may hold

  // Back-pressure: frames waiting for the writer. Beyond, connections stop being read.
  size_t max_queue = 20000;
  size_t max_in_flight_per_connection = 512;  // frames of one connection not yet answered

  // DataTime accepted: within max_age before now (stations backfill after an outage) and
  // max_ahead after it (clock drift).
  std::chrono::hours max_age{24 * 800};
  std::chrono::minutes max_ahead{60};

  // Called on the writer thread after each committed batch (keep it cheap: it delays replies).
  std::function<void()> on_commit;
};

/// Counters, readable from any thread.
struct ListenerStats {
  std::atomic<uint64_t> connections{0}, frames{0}, values{0}, duplicates{0}, conflicts{0}, quarantined{0}, replies{0},
      batches{0};
  std::atomic<uint64_t> open{0}, refused_connections{0}, dropped_for_refusals{0}, quarantine_dropped{0},
      accept_errors{0}, paused_reads{0};
  std::atomic<uint64_t> queue_depth{0};
  std::atomic<uint64_t> quarantine_bytes_hour{0};  // kept in the current hour
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
  const ListenerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shanshui::hj212
