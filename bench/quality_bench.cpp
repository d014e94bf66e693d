// quality_bench.cpp: Google Benchmark micro-benchmarks of the quality engine (not run in CI):
// exact IAQI, a whole daily AQI, and the assessment of in-memory hourly data.
#include <benchmark/benchmark.h>

#include "quality/air_assess.h"
#include "quality/aqi.h"

namespace shanshui::quality {
namespace {

void BM_Iaqi(benchmark::State& state) {
  int64_t c = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(iaqi(AirRules::hj633_2026, Column::pm25_24h, Decimal{c % 600, 0}));
    ++c;
  }
}
BENCHMARK(BM_Iaqi);

void BM_DailyAqi(benchmark::State& state) {
  AqiInput in;
  in.at(Pollutant::so2) = Decimal{12, 0};
  in.at(Pollutant::no2) = Decimal{38, 0};
  in.at(Pollutant::pm10) = Decimal{96, 0};
  in.at(Pollutant::co) = Decimal{11, 1};
  in.at(Pollutant::o3_8h) = Decimal{150, 0};
  in.at(Pollutant::pm25) = Decimal{72, 0};
  for (auto _ : state) benchmark::DoNotOptimize(compute_aqi(AirRules::hj633_2012, AqiMode::daily, in));
}
BENCHMARK(BM_DailyAqi);

// A year of hourly data for N stations, built in memory (no parsing), then assessed.
void BM_AssessAir(benchmark::State& state) {
  AirAccumulator acc;
  const long first = Date{2024, 1, 1}.days();
  uint64_t x = 88172645463325252ULL;
  for (int s = 0; s < state.range(0); ++s) {
    uint32_t id = acc.station("S" + std::to_string(s));
    for (long d = first; d < first + 366; ++d)
      for (int h = 0; h < 24; ++h) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::array<int32_t, kHourly> v = {
            8000, 20000, 45000, 700, static_cast<int32_t>(20000 + x % 120000), static_cast<int32_t>(10000 + x % 70000)};
        (void)acc.add(id, d, h, v);
      }
  }
  for (auto _ : state) benchmark::DoNotOptimize(assess_air(acc, 2));
  state.SetItemsProcessed(state.iterations() * state.range(0) * 366 * 24);
}
BENCHMARK(BM_AssessAir)->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace shanshui::quality

BENCHMARK_MAIN();
