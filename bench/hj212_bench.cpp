// hj212_bench.cpp: Google Benchmark of the HJ 212 codec on one core (not run in CI): decoding
// a typical hourly air frame (CN 2061, six pollutants) into an owning packet and into views, the
// CRC, and scanning a byte stream.
#include <benchmark/benchmark.h>

#include "hj212/crc.h"
#include "hj212/packet.h"

namespace shanshui::hj212 {
namespace {

const std::string kSegment =
    "QN=20240101100000000;ST=22;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime=20240101100000;"
    "a21026-Avg=8,a21026-Flag=N;a21004-Avg=23,a21004-Flag=N;a34002-Avg=56,a34002-Flag=N;a21005-Avg=0.62,a21005-Flag=N;"
    "a05024-Avg=71,a05024-Flag=N;a34004-Avg=35,a34004-Flag=N&&";

void BM_DecodeHourlyAirFrame(benchmark::State& state) {
  const std::string f = frame(kSegment);
  for (auto _ : state) {
    auto d = decode_frame(f);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(f.size()));
}
BENCHMARK(BM_DecodeHourlyAirFrame);

// The hot path: views into the frame, one FrameView reused (what the listener's ingest does).
void BM_DecodeViewHourlyAirFrame(benchmark::State& state) {
  const std::string f = frame(kSegment);
  FrameView v;
  for (auto _ : state) {
    auto d = decode_frame(f, CrcMode::standard, v);
    benchmark::DoNotOptimize(d);
    benchmark::DoNotOptimize(v.cp.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(f.size()));
}
BENCHMARK(BM_DecodeViewHourlyAirFrame);

void BM_CrcStandard(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(crc_standard(kSegment));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kSegment.size()));
}
BENCHMARK(BM_CrcStandard);

void BM_ScanStream(benchmark::State& state) {
  std::string stream;
  for (int i = 0; i < 1000; ++i) stream += frame(kSegment);
  for (auto _ : state) {
    std::string_view rest = stream;
    size_t n = 0;
    while (!rest.empty()) {
      auto s = scan_frame(rest, 1024);
      if (s.kind == Scan::Kind::need_more) break;
      rest.remove_prefix(s.length);
      ++n;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(stream.size()));
}
BENCHMARK(BM_ScanStream);

}  // namespace
}  // namespace shanshui::hj212

BENCHMARK_MAIN();
