// decimal.cpp: parsing, printing and comparing exact decimals.
#include "core/decimal.h"

#include <cstdlib>

namespace shanshui {

Result<Decimal> Decimal::parse(std::string_view s) {
  auto bad = [&](const char* why) { return fail(std::string("not a number (") + why + "): '" + std::string(s) + "'"); };
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

Decimal Decimal::round_half_even(int digits) const {
  if (scale <= digits) return rescaled(digits);
  int64_t div = 1;
  for (int i = digits; i < scale; ++i) div *= 10;
  return Decimal{div_round_half_even(mantissa, div), digits};
}

int64_t floor_div(int64_t num, int64_t den) {
  int64_t q = num / den;
  return (num % den != 0 && num < 0) ? q - 1 : q;
}

int64_t ceil_div(int64_t num, int64_t den) { return -floor_div(-num, den); }

int64_t div_round_half_even(int64_t num, int64_t den) {
  int64_t q = floor_div(num, den);
  int64_t r = num - q * den;  // 0 <= r < den
  if (2 * r > den || (2 * r == den && (q % 2 != 0))) ++q;
  return q;
}

std::string fixed_str(int64_t units, int digits) { return Decimal{units, digits}.str(); }

}  // namespace shanshui
