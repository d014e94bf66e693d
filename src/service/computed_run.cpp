// computed_run.cpp: see computed_run.h.
#include "service/computed_run.h"

#include <cstdio>

#include "core/decimal.h"

namespace shanshui::service {

Result<int64_t> record_computed_run(store::Store& s, const plan::Target& t, const ComputedRun& r) {
  auto runs = s.assessment_runs(t.indicator, r.period, 50);
  if (!runs) return tl::unexpected(runs.error());
  for (const auto& x : *runs)  // newest first
    if (x.method == r.method) {
      if (x.value == r.value && x.input_sha256 == r.input_sha256) return 0;
      break;
    }
  store::AssessmentRun run{0,       t.indicator, r.period, r.method, r.version, r.rules, r.input_sha256,
                           r.value, r.inputs,    r.detail, ""};
  std::vector<store::Measurement> rows;
  if (r.as_measurement)
    rows.push_back({0, t.indicator, r.period, r.value, "computed", r.method, r.version,
                    "inputs sha256:" + r.input_sha256, t.measure.by_id, r.note, ""});
  return s.record_assessment(run, rows);
}

std::string percent_one_decimal(double share) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", 100 * share);
  auto exact = Decimal::parse(buf);
  return exact ? exact->round_half_even(1).str() : "";
}

}  // namespace shanshui::service
