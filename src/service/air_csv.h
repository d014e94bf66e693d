// air_csv.h: reads hourly air data (station,time,so2,no2,pm10,co,o3,pm25[,flag]) from a CSV file
// into the quality engine's accumulator, fast (memory-mapped, one thread per chunk) and strict.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "quality/air_assess.h"

namespace shanshui::service {

struct AirCsvOptions {
  int threads = 2;
  bool skip_bad_rows = false;  // exclude malformed rows (listed) instead of refusing the file
  size_t max_errors = 20;      // how many row errors a refusal lists
  bool hash = false;           // compute the file's SHA-256 (for provenance when results are recorded)
};

/// What was read: the accumulated hours, the hours and rows excluded (with reasons), the first
/// and last hour seen, counts.
struct AirCsvData {
  quality::AirAccumulator hours;
  std::vector<quality::Exclusion> excluded;
  std::string first_time, last_time;
  size_t rows = 0;
  std::string sha256;  // of the file's bytes when options.hash: the data set's identity in provenance
};

/// Reads the file. Columns are found by header name (any order; `flag` optional). Times are
/// Beijing time, "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS", optionally "+08:00", at the start
/// of an hour (the row covers that hour). An empty cell is a missing value. A malformed row
/// (bad time, negative or non-numeric value, wrong field count, duplicate hour) refuses the file
/// with "file:line: field: reason" for each, unless skip_bad_rows.
Result<AirCsvData> read_air_csv(const std::string& path, const AirCsvOptions& options);

/// Reads and assesses a file: the excluded list holds the refused rows and flag-excluded hours
/// (in file order) followed by the days that could not be assessed. `data` (optional) receives
/// what was read, for provenance.
Result<quality::AirAssessment> assess_air_csv(const std::string& path, const AirCsvOptions& options,
                                              AirCsvData* data = nullptr);

}  // namespace shanshui::service
