// decimal.cpp: parsing, printing and comparing exact decimals.
#include "core/decimal.h"

#include <cstdlib>

namespace shanshui {

Result<Decimal> Decimal::parse(std::string_view s) {
  auto bad = [&](const char* why) {
    return fail(std::string("not a number (") + why + "): '" + std::string(s) + "'");
  };
  if (s.empty()) return bad("empty");
  size_t i = 0;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  Decimal d;
  bool digits = false, point = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (d.mantissa > (INT64_MAX - 9) / 10) return bad("too many digits");
      d.mantissa = d.mantissa * 10 + (c - '0');
      if (point) ++d.scale;
      digits = true;
    } else {
      return bad("unexpected character");
    }
  }
  if (!digits) return bad("no digits");
  if (d.scale > 18) return bad("too many decimals");
  if (neg) d.mantissa = -d.mantissa;
  return d;
}

std::string Decimal::str() const {
  int64_t m = mantissa < 0 ? -mantissa : mantissa;
  std::string digits = std::to_string(m);
  if (scale > 0) {
    while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
    digits.insert(digits.end() - scale, '.');
  }
  return (mantissa < 0 ? "-" : "") + digits;
}

double Decimal::to_double() const { return std::strtod(str().c_str(), nullptr); }

Decimal Decimal::rescaled(int new_scale) const {
  Decimal d = *this;
  while (d.scale < new_scale) {
    d.mantissa *= 10;
    ++d.scale;
  }
  return d;
}

int Decimal::compare(const Decimal& other) const {
  int s = scale > other.scale ? scale : other.scale;
  auto a = rescaled(s).mantissa, b = other.rescaled(s).mantissa;
  return a < b ? -1 : a > b ? 1 : 0;
}

}  // namespace shanshui
