// ledger_bench.cpp: tamper-evidence cost at scale (not run in CI). Builds a database of N
// observations through Store::ingest (hourly frames of 6 pollutants from 200 stations, a day of
// all stations per batch: 28,800 values per transaction, as a backfill would commit them), reports the store-level
// ingest rate, then times `audit verify` (chain + every covered row recomputed against its entry's Merkle root). Usage:
// ledger_bench DB_PATH [OBSERVATIONS=10000000] [--verify-only]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "store/store.h"

using namespace shanshui;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ledger_bench DB [OBSERVATIONS] [--verify-only]\n");
    return 2;
  }
  std::string path = argv[1];
  long long target = argc > 2 ? std::atoll(argv[2]) : 10'000'000;
  bool verify_only = argc > 3 && std::strcmp(argv[3], "--verify-only") == 0;
  if (!verify_only)
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto s = store::open_sqlite_store(path);
  if (!s) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return 1;
  }
  if (!verify_only) {
    (void)(*s)->set_durable();  // as the listener's writer
    const char* factors[] = {"a21026", "a21004", "a34002", "a21005", "a05024", "a34004"};
    const int stations = 200;
    long long written = 0;
    auto t0 = Clock::now();
    for (long long hour = 0; written < target;) {
      std::vector<store::IngestFrame> batch;
      for (int h = 0; h < 24 && written < target; ++h, ++hour)
        for (int st = 0; st < stations && written < target; ++st) {
          char mn[32], when[40];
          std::snprintf(mn, sizeof mn, "BENCH%04d", st);
          long day = hour / 24;
          std::snprintf(when, sizeof when, "%04ld-%02ld-%02ldT%02lld:00:00+08:00", 2020 + day / 336,
                        1 + (day / 28) % 12, 1 + day % 28, hour % 24);
          store::IngestFrame f{"##" + std::string(mn) + when, "10.0.0.1:5000", mn, "2061", {}};
          for (const char* fc : factors) {
            f.observations.push_back(
                {0, mn, fc, "2061", when, "Avg", std::to_string(10 + (hour * 7 + st) % 90), "N", "ug/m3", 0, "", ""});
            ++written;
          }
          batch.push_back(std::move(f));
        }
      auto r = (*s)->ingest(batch, {});
      if (!r) {
        std::fprintf(stderr, "%s\n", r.error().message.c_str());
        return 1;
      }
    }
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf(
        "ingest: %lld values in %.1f s = %.0f values/s (store level, as the listener writes: synchronous=FULL)\n",
        written, secs, written / secs);
  }
  auto t1 = Clock::now();
  auto v = (*s)->verify_audit();
  double vsecs = std::chrono::duration<double>(Clock::now() - t1).count();
  if (!v) {
    std::fprintf(stderr, "%s\n", v.error().message.c_str());
    return 1;
  }
  std::printf("verify: %lld entries, %lld rows in %.2f s (%s)\n", static_cast<long long>(v->entries),
              static_cast<long long>(v->rows_checked), vsecs, v->intact() ? "intact" : "NOT intact");
  return v->intact() ? 0 : 1;
}
