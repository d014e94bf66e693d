// evaluator.h: live evaluation — when ingest commits, the assessments that depend on the new
// hours are brought up to date off the ingest thread, debounced, incrementally and idempotently,
// and the county's year so far becomes computed measurements of the plan's air indicators
// (period "2026-YTD"; "2025" once a year is complete and valid), each with its assessment run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/civil_time.h"
#include "core/result.h"
#include "service/live_air.h"
#include "store/store.h"

namespace shanshui::service {

struct LiveOptions {
  std::chrono::milliseconds quiet{1500};      // evaluate once ingest has been quiet this long …
  std::chrono::milliseconds max_wait{10000};  // … or this long after the first new data, whichever first
  std::chrono::minutes tick{10};              // and at least this often (the year so far moves with the date)
};

/// What the evaluator has done, for /api/live and the tests.
struct LiveStatus {
  bool caught_up = false;  // the first pass over the stored observations is done
  int64_t cycles = 0;
  int64_t observations_through = 0;     // the input sets cover observations with id ≤ this
  int64_t station_days = 0;             // station-days held
  int64_t station_days_recomputed = 0;  // in the last cycle
  int64_t runs_recorded = 0;
  int64_t station_months_recomputed = 0;  // water sections and noise points, in the last cycle
  std::string last_cycle_at;
  std::vector<std::string> notes;  // years not recorded and why, errors
};

/// One evaluation pass: the days observations with id in (state.through, max] touched (all days
/// on the first pass), then the county's years so far. Usable without a thread (tests, CLI).
class LiveAir {
 public:
  /// `today` decides which year is "so far" and which are complete.
  Result<LiveStatus> cycle(store::Store& store, Date today);
  const AirLive& state() const { return air_; }

 private:
  Status recompute(store::Store& store, const std::vector<store::Station>& stations, int64_t upto,
                   const std::vector<std::pair<std::string, std::string>>& changed_days, std::vector<int>* years);
  Status record_year(store::Store& store, int year, Date today, LiveStatus& status);
  /// Water sections' monthly class (GB 3838) and noise points' monthly day/night levels (GB 3096)
  /// for the (station, month) pairs new observations fall in, recorded as runs when they change.
  Status recompute_months(store::Store& store, const std::vector<store::Station>& stations, int64_t upto,
                          const std::vector<std::pair<std::string, std::string>>& changed_days);
  Status record_run(store::Store& store, const store::AssessmentRun& run);
  AirLive air_;
  bool caught_up_ = false;
  int64_t through_ = 0;
  int64_t cycles_ = 0, runs_ = 0, recomputed_ = 0, months_recomputed_ = 0;
  std::map<std::string, std::string> last_recorded_;  // assessment@period → value and completeness of the last run
};

/// The evaluator thread of `serve`: woken by the listener after each commit.
class LiveEvaluator {
 public:
  LiveEvaluator(std::string db_path, LiveOptions options);
  ~LiveEvaluator();
  Status start();
  /// New data was committed (cheap; any thread).
  void wake();
  void stop();
  LiveStatus status() const;

 private:
  void loop();
  std::string db_path_;
  LiveOptions options_;
  std::unique_ptr<store::Store> store_;
  LiveAir live_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false, woken_ = false;
  LiveStatus status_;
  std::thread thread_;
};

}  // namespace shanshui::service
