// air_demo.h: a reproducible generator of hourly air data (seasonal and daily cycles, winter
// PM episodes, summer ozone, maintenance and fault flags, gaps) for the demo and the benchmarks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/civil_time.h"
#include "core/result.h"

namespace shanshui::service {

struct AirDemoOptions {
  std::vector<std::string> stations;  // names; a station whose name contains "背景" gets cleaner air
  Date from{2021, 1, 1};
  Date to{2025, 12, 31};
  uint64_t seed = 2023;
};

/// Writes station,time,so2,no2,pm10,co,o3,pm25,flag rows (by station, then time) to `out`.
/// The same options always give the same bytes. Returns the number of rows written.
Result<uint64_t> write_air_demo(const AirDemoOptions& options, std::FILE* out);

/// The Wushan demo stations (docs/reference/wushan.md §4.1: two urban stations and a
/// background station; names and placements are synthetic).
std::vector<std::string> wushan_air_stations();

}  // namespace shanshui::service
