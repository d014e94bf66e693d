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
};

}  // namespace shanshui
