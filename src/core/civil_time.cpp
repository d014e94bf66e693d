// civil_time.cpp: date arithmetic (Howard Hinnant's days-from-civil) and period labels.
#include "core/civil_time.h"

#include <chrono>
#include <cstdio>

namespace shanshui {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

bool is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

long Date::days() const {
  int y = year - (month <= 2);
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date Date::from_days(long z) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return Date{static_cast<int>(y + (m <= 2)), m, d};
}

std::string Date::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

Result<Date> Date::parse(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-' || !all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) ||
      !all_digits(s.substr(8, 2))) {
    return fail("not a date (expected YYYY-MM-DD): '" + std::string(s) + "'");
  }
  Date d{to_int(s.substr(0, 4)), to_int(s.substr(5, 2)), to_int(s.substr(8, 2))};
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month)) {
    return fail("no such date: '" + std::string(s) + "'");
  }
  return d;
}

Date Date::today_beijing() {
  int64_t t = unix_now() + 8 * 3600;  // Beijing time is UTC+8 all year (no daylight saving since 1991)
  return from_days(static_cast<long>(t / 86400));
}

int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string beijing_iso8601(int64_t unix_seconds) {
  int64_t t = unix_seconds + 8 * 3600;
  Date d = Date::from_days(static_cast<long>(t >= 0 ? t / 86400 : (t - 86399) / 86400));
  int64_t s = ((t % 86400) + 86400) % 86400;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+08:00", d.iso().c_str(), static_cast<int>(s / 3600),
                static_cast<int>(s / 60 % 60), static_cast<int>(s % 60));
  return buf;
}

Date Period::first() const {
  switch (kind) {
    case Kind::year:
      return {year, 1, 1};
    case Kind::half:
      return {year, index == 1 ? 1 : 7, 1};
    case Kind::quarter:
      return {year, (index - 1) * 3 + 1, 1};
    case Kind::month:
      return {year, index, 1};
  }
  return {year, 1, 1};
}

Date Period::last() const {
  int m = 12;
  switch (kind) {
    case Kind::year:
      m = 12;
      break;
    case Kind::half:
      m = index * 6;
      break;
    case Kind::quarter:
      m = index * 3;
      break;
    case Kind::month:
      m = index;
      break;
  }
  return {year, m, days_in_month(year, m)};
}

std::string Period::chinese() const {
  std::string y = std::to_string(year) + "年";
  switch (kind) {
    case Kind::year:
      return y;
    case Kind::half:
      return y + (index == 1 ? "上半年" : "下半年");
    case Kind::quarter:
      return y + "第" + std::to_string(index) + "季度";
    case Kind::month:
      return y + std::to_string(index) + "月";
  }
  return y;
}

std::string Period::label() const {
  char buf[16];
  switch (kind) {
    case Kind::year:
      std::snprintf(buf, sizeof buf, "%04d", year);
      break;
    case Kind::half:
      std::snprintf(buf, sizeof buf, "%04d-H%d", year, index);
      break;
    case Kind::quarter:
      std::snprintf(buf, sizeof buf, "%04d-Q%d", year, index);
      break;
    case Kind::month:
      std::snprintf(buf, sizeof buf, "%04d-%02d", year, index);
      break;
  }
  return buf;
}

Result<Period> Period::parse(std::string_view s) {
  auto bad = [&] {
    return fail("not a period (expected YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM): '" + std::string(s) + "'");
  };
  if (s.size() < 4 || !all_digits(s.substr(0, 4))) return bad();
  int y = to_int(s.substr(0, 4));
  if (s.size() == 4) return Period{Kind::year, y, 0};
  if (s.size() != 7 || s[4] != '-') return bad();
  auto rest = s.substr(5);
  if ((rest[0] == 'Q' || rest[0] == 'q') && rest[1] >= '1' && rest[1] <= '4')
    return Period{Kind::quarter, y, rest[1] - '0'};
  if ((rest[0] == 'H' || rest[0] == 'h') && (rest[1] == '1' || rest[1] == '2'))
    return Period{Kind::half, y, rest[1] - '0'};
  if (all_digits(rest)) {
    int m = to_int(rest);
    if (m >= 1 && m <= 12) return Period{Kind::month, y, m};
  }
  return bad();
}

Period Period::quarter_of(Date d) { return Period{Kind::quarter, d.year, (d.month - 1) / 3 + 1}; }

}  // namespace shanshui
