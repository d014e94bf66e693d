// live_test.cpp: live evaluation on a real SQLite store — the year so far recorded as computed
// measurements with their assessment run, equal to the batch assessment of the same observations,
// idempotent, and incremental (a new hour recomputes one station-day).
#include <gtest/gtest.h>

#include <filesystem>

#include "core/decimal.h"
#include "core/file.h"
#include "core/text.h"
#include "plan/loader.h"
#include "quality/water.h"
#include "service/evaluator.h"
#include "service/monitoring.h"
#include "service/tracking.h"
#include "support/test_store.h"

namespace shanshui::service {
namespace {

namespace fs = std::filesystem;

// Hourly CN 2061 frames for two air stations, Jan 1 – Feb 10 2026, values varying by hour.
std::vector<store::IngestFrame> hours(const std::string& mn, long first_day, long last_day, int offset) {
  const char* factors[] = {"a21026", "a21004", "a34002", "a21005", "a05024", "a34004"};
  std::vector<store::IngestFrame> out;
  for (long d = first_day; d <= last_day; ++d)
    for (int h = 0; h < 24; ++h) {
      char when[40];
      std::snprintf(when, sizeof when, "%sT%02d:00:00+08:00", Date::from_days(d).iso().c_str(), h);
      store::IngestFrame f{"##" + mn + when, "10.0.0.1:1", mn, "2061", {}};
      for (int i = 0; i < 6; ++i) {
        long v = 5 + (d * 7 + h * 3 + i * 11 + offset) % (i == 3 ? 2 : 60);
        std::string value =
            i == 3 ? "0." + std::to_string(5 + v) : std::to_string(i == 4 ? v + 40 : v + (i == 5 ? 15 : 0));
        f.observations.push_back(
            {0, mn, factors[i], "2061", when, "Avg", value, "N", i == 3 ? "mg/m3" : "ug/m3", 0, "", ""});
      }
      out.push_back(std::move(f));
    }
  return out;
}

class Live : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("shanshui-live-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto opened = store::open_store(testing::fresh_store(dir_));
    ASSERT_TRUE(opened) << opened.error().message;
    store_ = std::move(*opened);
    auto yaml = *read_file(std::string(SHANSHUI_TEST_DATA) + "/../../data/plans/wushan-2023-2027.yaml");
    plan_ = *plan::load_plan_text(yaml, "wushan.yaml");
    ASSERT_TRUE(store_->import_plan(plan_, yaml, "wushan.yaml"));
    for (const char* mn : {"AIR01", "AIR02"})
      ASSERT_TRUE(
          store_->add_station({mn, "air", mn, "", "", "", std::nullopt, std::nullopt, "", "standard", "", "", ""}));
    long jan1 = Date{2026, 1, 1}.days(), feb10 = Date{2026, 2, 10}.days();
    ASSERT_TRUE(store_->ingest(hours("AIR01", jan1, feb10, 0), {}));
    ASSERT_TRUE(store_->ingest(hours("AIR02", jan1, feb10, 17), {}));
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::vector<store::Measurement> ytd(const std::string& method) {
    std::vector<store::Measurement> out;
    auto all = store_->measurements();
    for (const auto& m : *all)
      if (m.method == method && m.period == "2026-YTD") out.push_back(m);
    return out;
  }
  fs::path dir_;
  plan::Plan plan_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(Live, TheYearSoFarEqualsTheBatchAssessmentAndIsRecordedOnce) {
  LiveAir live;
  auto st = live.cycle(*store_, Date{2026, 2, 11});
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(st->station_days, 82);
  EXPECT_EQ(st->station_days_recomputed, 82);
  EXPECT_EQ(st->runs_recorded, 1);

  // The batch assessment of the same observations gives the same county values.
  auto obs = *store_->observations("");
  auto hrs = air_hours_from_observations(obs, *store_->stations());
  ASSERT_TRUE(hrs);
  auto batch = quality::assess_air(hrs->hours);
  ASSERT_EQ(batch.county.size(), 1u);
  const auto& b = batch.county[0];
  auto good = ytd("air.good_days_ratio");
  ASSERT_EQ(good.size(), 1u);
  EXPECT_EQ(good[0].value, fixed_str(*b.good_days_ratio_permille, 1));
  EXPECT_EQ(good[0].kind, "computed");
  EXPECT_EQ(good[0].note,
            "截至 2026-02-10：有效天数 " + std::to_string(b.valid_days) + " 天 / 已过 41 天（年内累计，暂定）");
  auto pm25 = ytd("air.pm25_annual");
  ASSERT_EQ(pm25.size(), 1u);
  EXPECT_EQ(pm25[0].value, std::to_string(*b.pm25_annual));
  // Its source names the run, whose input hash anyone can recompute from the observations.
  ASSERT_EQ(pm25[0].source.rfind("run:", 0), 0u) << pm25[0].source;
  auto run = *store_->assessment_run(std::stoll(pm25[0].source.substr(4)));
  ASSERT_TRUE(run);
  EXPECT_EQ(run->completeness, std::to_string(b.valid_days) + "/41");
  text::Sha256 input;
  for (const char* mn : {"AIR01", "AIR02"})
    for (long d = Date{2026, 1, 1}.days(); d <= Date{2026, 2, 10}.days(); ++d) {
      auto day = *store_->observations_between(mn, Date::from_days(d).iso() + "T00:00:00+08:00",
                                               Date::from_days(d).iso() + "T23:59:59+08:00");
      input.update(std::string(mn) + "\t" + Date::from_days(d).iso() + "\t" + observations_digest(day) + "\n");
    }
  EXPECT_EQ(run->input_sha256, input.hex());

  // Nothing new: nothing recomputed, nothing recorded (also by a fresh evaluator after a restart).
  auto again = live.cycle(*store_, Date{2026, 2, 11});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->station_days_recomputed, 0);
  EXPECT_EQ(again->runs_recorded, 1);
  LiveAir restarted;
  ASSERT_TRUE(restarted.cycle(*store_, Date{2026, 2, 11}));
  EXPECT_EQ(ytd("air.good_days_ratio").size(), 1u);
}

// Stations sending before any plan is imported (a new deployment, the provincial benchmark): the
// pass assesses and records the run, with no target to give a value to — and does not crash.
TEST(LiveWithoutPlan, RecordsTheRunAndNoMeasurement) {
  auto dir = fs::temp_directory_path() / ("shanshui-live-noplan-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto opened = store::open_store(testing::fresh_store(dir));
  ASSERT_TRUE(opened) << opened.error().message;
  auto& st = **opened;
  ASSERT_TRUE(
      st.add_station({"AIR01", "air", "AIR01", "", "", "", std::nullopt, std::nullopt, "", "standard", "", "", ""}));
  ASSERT_TRUE(st.ingest(hours("AIR01", Date{2026, 1, 1}.days(), Date{2026, 1, 5}.days(), 0), {}));
  LiveAir live;
  auto s = live.cycle(st, Date{2026, 1, 6});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_GT(s->runs_recorded, 0);
  EXPECT_TRUE(st.measurements()->empty());
  EXPECT_FALSE(st.assessment_runs("air.county", "", 10)->empty());
  opened->reset();
  fs::remove_all(dir);
}

TEST_F(Live, ANewHourRecomputesOneStationDay) {
  LiveAir live;
  ASSERT_TRUE(live.cycle(*store_, Date{2026, 2, 12}));
  // Feb 11 arrives for one station, hour by hour: only that station-day is recomputed.
  auto feb11 = hours("AIR01", Date{2026, 2, 11}.days(), Date{2026, 2, 11}.days(), 0);
  for (int h = 0; h < 24; ++h) ASSERT_TRUE(store_->ingest({feb11[static_cast<size_t>(h)]}, {}));
  auto st = live.cycle(*store_, Date{2026, 2, 12});
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(st->station_days_recomputed, 1);
  EXPECT_EQ(st->station_days, 83);
  const StationDay* day = live.state().station_day("AIR01", Date{2026, 2, 11}.days());
  ASSERT_NE(day, nullptr);
  EXPECT_EQ(day->observations, 144);
  ASSERT_TRUE(day->values);
  EXPECT_TRUE(day->values->valid);
}

// Water sections' monthly classes and noise points' monthly levels follow their stations' data:
// recorded as runs, and a new value recomputes its station-month only.
TEST_F(Live, WaterAndNoiseMonthsFollowTheirData) {
  ASSERT_TRUE(store_->add_station(
      {"WAT01", "water", "断面", "", "长江", "培石", std::nullopt, std::nullopt, "", "standard", "", "", ""}));
  ASSERT_TRUE(store_->add_station(
      {"NOI01", "noise", "测点", "", "", "", std::nullopt, std::nullopt, "", "standard", "", "", "1"}));
  std::vector<store::IngestFrame> frames;
  for (int d = 1; d <= 10; ++d)
    for (int h = 0; h < 24; h += 4) {
      char when[40];
      std::snprintf(when, sizeof when, "2026-01-%02dT%02d:00:00+08:00", d, h);
      store::IngestFrame w{std::string("##W") + when, "10.0.0.2:1", "WAT01", "2061", {}};
      for (auto [f, v] : {std::pair{"w01009", "7.9"}, {"w21003", "0.21"}, {"w21011", "0.04"}, {"w01018", "9"}})
        w.observations.push_back({0, "WAT01", f, "2061", when, "Avg", v, "N", "mg/L", 0, "", ""});
      frames.push_back(std::move(w));
      store::IngestFrame n{std::string("##N") + when, "10.0.0.3:1", "NOI01", "2061", {}};
      n.observations.push_back(
          {0, "NOI01", "Leq", "2061", when, "Avg", h >= 6 && h < 22 ? "52.0" : "43.0", "N", "dB", 0, "", ""});
      frames.push_back(std::move(n));
    }
  ASSERT_TRUE(store_->ingest(frames, {}));
  LiveAir live;
  auto st = live.cycle(*store_, Date{2026, 2, 11});
  ASSERT_TRUE(st) << st.error().message;
  // January for both, and December 2025 for the noise point: Jan 1's early hours close its last night.
  EXPECT_EQ(st->station_months_recomputed, 3);
  auto water = *store_->assessment_runs("water.station_month:WAT01", "2026-01", 5);
  ASSERT_EQ(water.size(), 1u);
  auto month = *store_->observations_between("WAT01", "2026-01-01T00:00:00+08:00", "2026-01-31T23:59:59+08:00");
  EXPECT_EQ(water[0].value, quality::water_class_name(water_period(month, 2).verdict.cls));
  EXPECT_EQ(water[0].value, "II");  // NH3-N 0.21 mg/L: class II (0.5), DO 7.9: class I
  auto noise = *store_->assessment_runs("noise.zone_month:NOI01", "2026-01", 5);
  ASSERT_EQ(noise.size(), 1u);
  EXPECT_EQ(noise[0].value, "Ld=52.0;Ln=43.0");
  // An ammonia pulse in January: only that station-month is recomputed, and its class changes.
  store::IngestFrame pulse{
      "##pulse",
      "10.0.0.2:1",
      "WAT01",
      "2061",
      {{0, "WAT01", "w21003", "2061", "2026-01-11T00:00:00+08:00", "Avg", "40", "N", "mg/L", 0, "", ""}}};
  ASSERT_TRUE(store_->ingest({pulse}, {}));
  auto again = live.cycle(*store_, Date{2026, 2, 11});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->station_months_recomputed, 1);
  water = *store_->assessment_runs("water.station_month:WAT01", "2026-01", 5);
  ASSERT_EQ(water.size(), 2u);
  EXPECT_EQ(water[0].value, "III");  // newest first: mean NH3-N (60 × 0.21 + 40) / 61 = 0.86 mg/L ≤ 1.0 → III
}

}  // namespace
}  // namespace shanshui::service
