// noise.cpp: GB 3096—2008 limits and HJ 640—2012 averaging and grading.
#include "quality/noise.h"

#include <cmath>

namespace shanshui::quality {
namespace {

// Sum of decimals at a common scale: returns (sum of mantissas, scale).
std::pair<int64_t, int> sum_at_scale(const std::vector<Decimal>& v, int scale) {
  int64_t s = 0;
  for (const auto& d : v) s += d.rescaled(scale).mantissa;
  return {s, scale};
}

int max_scale(const std::vector<Decimal>& v) {
  int s = 0;
  for (const auto& d : v) s = std::max(s, d.scale);
  return s;
}

int64_t pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

}  // namespace

std::optional<int> zone_limit(const std::string& zone, NoisePeriod period) {
  struct Row {
    const char* zone;
    int day, night;
  };
  static const Row kLimits[] = {{"0", 50, 40}, {"1", 55, 45},  {"2", 60, 50},
                                {"3", 65, 55}, {"4a", 70, 55}, {"4b", 70, 60}};
  for (const auto& r : kLimits)
    if (zone == r.zone) return period == NoisePeriod::day ? r.day : r.night;
  return std::nullopt;
}

int noise_grade(NoiseKind kind, NoisePeriod period, const Decimal& v) {
  static const int kBounds[2][2][4] = {{{50, 55, 60, 65}, {40, 45, 50, 55}}, {{68, 70, 72, 74}, {58, 60, 62, 64}}};
  const int* b = kBounds[kind == NoiseKind::traffic][period == NoisePeriod::night];
  for (int g = 0; g < 4; ++g)
    if (v.compare(Decimal{b[g], 0}) <= 0) return g + 1;
  return 5;
}

const char* noise_grade_label(int g) {
  static const char* const kLabels[] = {"好", "较好", "一般", "较差", "差"};
  return g >= 1 && g <= 5 ? kLabels[g - 1] : "?";
}

Decimal energy_average(const std::vector<Decimal>& levels) {
  double sum = 0;
  for (const auto& l : levels) sum += std::pow(10.0, 0.1 * l.to_double());
  double leq = 10 * std::log10(sum / static_cast<double>(levels.size()));
  // Round the double through a fine decimal so an exact tie rounds half-even.
  auto d = Decimal::parse(std::to_string(std::round(leq * 1e6) / 1e6));
  return d->round_half_even(1);
}

Decimal arithmetic_mean(const std::vector<Decimal>& levels) {
  int s = max_scale(levels);
  auto [sum, scale] = sum_at_scale(levels, s);
  // mean at one decimal: sum / n / 10^(s−1)
  int64_t den = static_cast<int64_t>(levels.size()) * (s >= 1 ? pow10(s - 1) : 1);
  int64_t num = s >= 1 ? sum : sum * 10;
  return Decimal{div_round_half_even(num, den), 1};
}

Result<Decimal> length_weighted_mean(const std::vector<Decimal>& levels, const std::vector<Decimal>& lengths) {
  if (levels.size() != lengths.size() || levels.empty()) return fail("each traffic point needs its road length");
  int sl = max_scale(levels), sw = max_scale(lengths);
  int64_t num = 0, wsum = 0;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (lengths[i].mantissa <= 0) return fail("road length must be positive");
    int64_t w = lengths[i].rescaled(sw).mantissa;
    num += levels[i].rescaled(sl).mantissa * w;
    wsum += w;
  }
  // value = num / (wsum · 10^sl); at one decimal: num·10 / (wsum·10^sl)
  return Decimal{div_round_half_even(num * 10, wsum * pow10(sl)), 1};
}

}  // namespace shanshui::quality
