// simulator.h: data loggers speaking real HJ 212 over TCP, for the demo, the tests and the load
// benchmarks: N stations per kind, hourly data (CN 2061, Flag=5) with daily and seasonal cycles,
// replies awaited and frames resent like a device does, and optional faults.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/result.h"
#include "store/store.h"

namespace shanshui::hj212 {

struct SimOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  int air = 0, water = 0, noise = 0;  // stations of each kind
  std::string mn_prefix = "SIM";
  std::string password = "123456";
  Date from{2025, 1, 1};        // first simulated hour (00:00 Beijing time)
  int hours = 24;               // hourly frames per station
  int window = 8;               // frames sent before waiting for their replies
  double rate = 0;              // frames per second per station; 0 = as fast as replies come
  double bad_crc = 0;           // share of frames also sent once with a wrong CRC (no reply expected)
  double split = 0;             // share of frames written in several pieces
  double disconnect = 0;        // share of frames after which the station reconnects
  double modbus = 0;            // share of stations whose data logger uses Modbus CRC, byte-swapped
  int reply_timeout_ms = 3000;  // then the frame is resent (up to 3 times), like OverTime/ReCount
  uint64_t seed = 2023;
  std::string ack_log;                   // append "MN QN DataTime" per acknowledged frame (crash tests)
  std::vector<store::Station> stations;  // speak for these (e.g. the registry) instead of N per kind
};

struct SimStats {
  uint64_t frames = 0, acknowledged = 0, resent = 0, bad_crc = 0, reconnects = 0, failed = 0, values = 0;
  double seconds = 0;
};

/// The stations the simulator speaks for (to register them before a run): `stations` when given,
/// else N generated per kind.
std::vector<store::Station> simulated_stations(const SimOptions& o);

/// Runs every station on its own thread until all its frames are acknowledged (or failed after
/// three resends and a reconnect).
Result<SimStats> run_simulation(const SimOptions& o);

/// The data segment a simulated station sends for one hour (exposed for tests and benchmarks).
std::string simulated_segment(const store::Station& st, const SimOptions& o, long day, int hour, uint64_t qn_seq);

}  // namespace shanshui::hj212
