// decimal.h: exact decimal numbers for values a plan or a standard writes down ("64.5", "0.1").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace shanshui {

/// A decimal as an integer mantissa and a count of fractional digits: 64.5 = {645, 1}.
/// Exact for parsing, printing and comparing what people write; plain value type.
struct Decimal {
  int64_t mantissa = 0;
  int scale = 0;  // digits after the point, 0..18

  /// Parses "-12", "64.5", "0.10" (keeps the written scale). No exponents, no separators.
  static Result<Decimal> parse(std::string_view s);
  /// Prints with exactly `scale` fractional digits.
  std::string str() const;
  double to_double() const;
  /// Rescales up (exact) to `new_scale` >= scale.
  Decimal rescaled(int new_scale) const;
  /// Compares numerically (64.5 == 64.50).
  int compare(const Decimal& other) const;
  bool operator==(const Decimal& o) const { return compare(o) == 0; }
  /// Rounds to `digits` fractional digits by GB/T 8170 (四舍六入五成双): above half up, below
  /// half down, exactly half to the even neighbour (74.5 → 74, 75.5 → 76, 2.25 → 2.2).
  Decimal round_half_even(int digits) const;
  /// The value in units of 10^-digits, rounded by GB/T 8170 (e.g. CO 2.25 at 1 digit → 22).
  int64_t units(int digits) const { return round_half_even(digits).rescaled(digits).mantissa; }
};

/// num / den rounded by GB/T 8170 (exact half to even); den > 0.
int64_t div_round_half_even(int64_t num, int64_t den);
/// ⌈num / den⌉ for den > 0.
int64_t ceil_div(int64_t num, int64_t den);
/// ⌊num / den⌋ for den > 0.
int64_t floor_div(int64_t num, int64_t den);
/// A fixed-point number printed with `digits` decimals: (1234, 2) → "12.34", (-5, 1) → "-0.5".
std::string fixed_str(int64_t units, int digits);

}  // namespace shanshui
