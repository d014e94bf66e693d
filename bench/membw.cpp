// membw: the machine's memory bandwidth, for bench/gep-bench.sh — STREAM-style copy (read one array,
// write another) and read-only sum over 1 GiB arrays on N threads, best of 5. Prints one JSON line
// in GB/s (10⁹ bytes; a copy counts the bytes read and the bytes written).
// Usage: membw [THREADS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : static_cast<int>(std::thread::hardware_concurrency());
  const size_t n = (size_t{1} << 30) / sizeof(double);
  std::vector<double> a(n, 1.0), b(n, 0.0);
  std::vector<double> partial(static_cast<size_t>(threads));
  auto run = [&](auto&& body) {
    std::vector<std::thread> ts;
    ts.reserve(static_cast<size_t>(threads));
    const size_t chunk = n / static_cast<size_t>(threads);
    auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t)
      ts.emplace_back(body, static_cast<size_t>(t) * chunk, t + 1 == threads ? n : static_cast<size_t>(t + 1) * chunk,
                      static_cast<size_t>(t));
    for (auto& t : ts) t.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double copy = 1e9, read = 1e9;
  for (int rep = 0; rep < 5; ++rep) {
    copy = std::min(copy, run([&](size_t lo, size_t hi, size_t) {
                      std::memcpy(b.data() + lo, a.data() + lo, (hi - lo) * sizeof(double));
                    }));
    read = std::min(read, run([&](size_t lo, size_t hi, size_t t) {
                      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                      size_t i = lo;
                      for (; i + 4 <= hi; i += 4) {
                        s0 += a[i];
                        s1 += a[i + 1];
                        s2 += a[i + 2];
                        s3 += a[i + 3];
                      }
                      for (; i < hi; ++i) s0 += a[i];
                      partial[t] = s0 + s1 + s2 + s3;
                    }));
  }
  double check = 0;
  for (double p : partial) check += p;
  const double bytes = static_cast<double>(n * sizeof(double));
  std::printf("{\"threads\": %d, \"copy_gb_s\": %.2f, \"read_gb_s\": %.2f, \"check\": %.0f}\n", threads,
              2 * bytes / copy / 1e9, bytes / read / 1e9, check + b[n / 2]);
  return 0;
}
