// civil_time.h: calendar dates and reporting periods in Beijing time (UTC+8), the plan's clock.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace shanshui {

/// A calendar date (proleptic Gregorian). Plain value type.
struct Date {
  int year = 0, month = 1, day = 1;
  auto operator<=>(const Date&) const =
      default;  // NOLINT(modernize-use-nullptr): clang-tidy 14 misreads a defaulted <=>
  /// Days since 1970-01-01.
  long days() const;
  static Date from_days(long days);
  /// "YYYY-MM-DD".
  std::string iso() const;
  /// Accepts "YYYY-MM-DD", optionally followed by a time ("T10:00:00", " 10:00:00", "+08:00").
  static Result<Date> parse(std::string_view s);
  /// Today's date in Beijing time.
  static Date today_beijing();
};

/// Seconds since 1970-01-01T00:00:00Z, now.
int64_t unix_now();
/// A Unix time as ISO 8601 in Beijing time: "2026-12-05T20:05:00+08:00". The one place this
/// platform formats "now" (records, sessions, audit entries, the DataTime window).
std::string beijing_iso8601(int64_t unix_seconds);

/// A reporting period: a year ("2024"), half ("2024-H1"), quarter ("2024-Q3") or month ("2024-07").
struct Period {
  enum class Kind { year, half, quarter, month };
  Kind kind = Kind::year;
  int year = 0;
  int index = 0;  // half 1-2, quarter 1-4, month 1-12; 0 for a year
  Date first() const;
  Date last() const;
  std::string label() const;
  /// As a Chinese clerk writes it: "2024年", "2024年上半年", "2024年第3季度", "2024年7月".
  std::string chinese() const;
  auto operator<=>(const Period&) const = default;
  static Result<Period> parse(std::string_view s);
  /// The quarter containing d.
  static Period quarter_of(Date d);
};

/// Whether y is a leap year.
bool is_leap_year(int y);
/// Days in month m of year y.
int days_in_month(int y, int m);

}  // namespace shanshui
