// air_demo.cpp: the synthetic hourly air generator (splitmix64, integer-formatted output).
#include "service/air_demo.h"

#include <cmath>
#include <cstring>

namespace shanshui::service {
namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double normal() {  // Box–Muller
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1 + 1e-300)) * std::cos(6.283185307179586 * u2);
  }
};

uint64_t hash_name(const std::string& s, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ seed;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Appends a non-negative integer.
char* put_uint(char* p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

char* put2(char* p, int v) {
  *p++ = static_cast<char>('0' + v / 10);
  *p++ = static_cast<char>('0' + v % 10);
  return p;
}

}  // namespace

std::vector<std::string> wushan_air_stations() { return {"县政府站", "早阳站", "梨子坪背景站"}; }

Result<uint64_t> write_air_demo(const AirDemoOptions& o, std::FILE* out) {
  if (o.stations.empty()) return fail("no stations to simulate");
  if (o.to < o.from) return fail("--to is before --from");
  std::fputs("station,time,so2,no2,pm10,co,o3,pm25,flag\n", out);
  std::vector<char> buf(1 << 20);
  size_t used = 0;
  uint64_t rows = 0;
  const long first = o.from.days(), last = o.to.days();
  // Weather is regional: particulate episodes and ozone days are shared by all stations, with a
  // smaller local part on top.
  std::vector<double> regional_pm(static_cast<size_t>(last - first + 1)), regional_o3(regional_pm.size());
  Rng weather{o.seed * 7919 + 17};
  double e = 0;
  for (size_t i = 0; i < regional_pm.size(); ++i) {
    e = 0.75 * e + 0.35 * weather.normal();
    regional_pm[i] = e;
    regional_o3[i] = 0.17 * weather.normal();
  }
  for (const auto& name : o.stations) {
    Rng rng{hash_name(name, o.seed)};
    const bool background = name.find("背景") != std::string::npos;
    const double site = background ? 0.65 : 0.9 + 0.25 * rng.uniform();
    double episode = 0;   // AR(1) log-multiplier for particulate episodes
    int maintenance = 0;  // hours of maintenance left
    for (long day = first; day <= last; ++day) {
      Date d = Date::from_days(day);
      double doy = static_cast<double>(day - Date{d.year, 1, 1}.days());
      double winter = std::cos(6.283185307179586 * (doy - 15) / 365.25);  // +1 mid-January, −1 mid-July
      episode = 0.6 * episode + 0.12 * rng.normal();
      size_t di = static_cast<size_t>(day - first);
      double pm_day = (22 + 14 * winter) * site * std::exp(regional_pm[di] + episode);
      double o3_peak = (80 - 48 * winter) * (background ? 1.1 : 1.0) * (1 + regional_o3[di] + 0.06 * rng.normal());
      bool fault_day = rng.uniform() < 0.004;  // about one instrument-fault day a year
      std::string date = d.iso();
      for (int h = 0; h < 24; ++h) {
        if (rng.uniform() < 0.0015) continue;  // a lost hour: no row at all
        const char* flag = "N";
        if (maintenance > 0) {
          --maintenance;
          flag = "M";
        } else if (rng.uniform() < 0.0008) {
          maintenance = 2 + static_cast<int>(rng.uniform() * 5);
          flag = "M";
        }
        if (fault_day && h >= 6 && h < 18) flag = "D";
        double diurnal = 1 + 0.22 * std::cos(6.283185307179586 * (h - 8) / 24.0);
        double rush =
            1 + 0.35 * (std::exp(-0.5 * std::pow((h - 8) / 1.5, 2)) + std::exp(-0.5 * std::pow((h - 19) / 2.0, 2)));
        double sun = std::max(0.0, std::sin(3.141592653589793 * (h - 6) / 13.0));
        double pm25 = std::max(1.0, pm_day * diurnal * (1 + 0.12 * rng.normal()));
        double pm10 = pm25 * (1.45 + 0.15 * rng.uniform()) + 4 * rng.uniform();
        double so2 = std::max(1.0, (7 + 3 * winter) * site * (1 + 0.2 * rng.normal()));
        double no2 = std::max(1.0, (19 + 6 * winter) * site * rush * (1 + 0.15 * rng.normal()));
        double co = std::max(0.1, (0.55 + 0.25 * winter) * site * diurnal * (1 + 0.1 * rng.normal()));
        double o3 = std::max(2.0, (12 + o3_peak * sun) * (1 + 0.1 * rng.normal()) - 0.2 * no2);
        char* p = buf.data() + used;
        // NOLINTNEXTLINE(bugprone-not-null-terminated-result): a CSV row, not a C string
        std::memcpy(p, name.data(), name.size());
        p += name.size();
        *p++ = ',';
        std::memcpy(p, date.data(), 10);  // NOLINT(bugprone-not-null-terminated-result): as above
        p += 10;
        *p++ = ' ';
        p = put2(p, h);
        std::memcpy(p, ":00:00,", 7);  // NOLINT(bugprone-not-null-terminated-result): as above
        p += 7;
        for (double v : {so2, no2, pm10}) {
          p = put_uint(p, static_cast<uint64_t>(std::lround(v)));
          *p++ = ',';
        }
        long co100 = std::lround(co * 100);
        p = put_uint(p, static_cast<uint64_t>(co100 / 100));
        *p++ = '.';
        p = put2(p, static_cast<int>(co100 % 100));
        *p++ = ',';
        p = put_uint(p, static_cast<uint64_t>(std::lround(o3)));
        *p++ = ',';
        p = put_uint(p, static_cast<uint64_t>(std::lround(pm25)));
        *p++ = ',';
        *p++ = flag[0];
        *p++ = '\n';
        used = static_cast<size_t>(p - buf.data());
        ++rows;
        if (used > buf.size() - 512) {
          if (std::fwrite(buf.data(), 1, used, out) != used) return fail("write failed");
          used = 0;
        }
      }
    }
  }
  if (used && std::fwrite(buf.data(), 1, used, out) != used) return fail("write failed");
  return rows;
}

}  // namespace shanshui::service
