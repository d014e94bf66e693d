// cli_quality.cpp: `shanshui aqi`, `shanshui air assess`, `shanshui demo air`.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/context.h"
#include "core/file.h"
#include "core/text.h"
#include "export/quality_json.h"
#include "plan/loader.h"
#include "quality/aqi.h"
#include "quality/noise.h"
#include "quality/water.h"
#include "service/air_csv.h"
#include "service/air_demo.h"
#include "service/monitoring.h"
#include "service/noise_assess.h"
#include "service/record.h"
#include "service/water_assess.h"

namespace shanshui::app {
namespace {

std::string fixed(int64_t units, int digits) { return fixed_str(units, digits); }

std::string opt_str(const std::optional<int64_t>& v, int digits = 0) { return v ? fixed(*v, digits) : "—"; }

}  // namespace

int aqi(const Common& c, const std::string& standard, const std::string& date, bool hourly,
        const std::vector<std::string>& values) {
  quality::AirRules rules;
  if (standard == "2012") {
    rules = quality::AirRules::hj633_2012;
  } else if (standard == "2026") {
    rules = quality::AirRules::hj633_2026;
  } else {
    auto d = date.empty() ? Result<Date>(Date::today_beijing()) : Date::parse(date);
    if (!d) return refuse("--date: " + d.error().message);
    rules = quality::air_rules_for(*d);
  }
  static const std::map<std::string, quality::Pollutant> kKeys = {
      {"so2", quality::Pollutant::so2},  {"no2", quality::Pollutant::no2}, {"pm10", quality::Pollutant::pm10},
      {"co", quality::Pollutant::co},    {"o3", quality::Pollutant::o3},   {"o3_8h", quality::Pollutant::o3_8h},
      {"pm25", quality::Pollutant::pm25}};
  quality::AqiInput in;
  for (const auto& kv : values) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return refuse("'" + kv + "': expected key=value, e.g. pm25=35");
    std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    auto d = Decimal::parse(v);
    if (!d) return refuse(k + ": " + d.error().message);
    if (d->mantissa < 0) return refuse(k + ": negative concentration " + v);
    if (k == "so2_24h") {
      if (!hourly) return refuse("so2_24h= belongs to --hourly (the HJ 633—2012 rule for SO2 1-h above 800)");
      in.so2_24h = *d;
      continue;
    }
    auto it = kKeys.find(k);
    if (it == kKeys.end()) return refuse("unknown pollutant '" + k + "' (so2 no2 pm10 co o3 o3_8h pm25 so2_24h)");
    if (in.at(it->second)) return refuse(k + " given twice");
    in.at(it->second) = *d;
  }
  auto r = quality::compute_aqi(rules, hourly ? quality::AqiMode::hourly : quality::AqiMode::daily, in);
  if (c.json) {
    std::cout << exporting::aqi_json(r) << "\n";
    return 0;
  }
  std::cout << quality::rules_name(rules) << (hourly ? " 实时报" : " 日报") << "\n";
  for (auto p : quality::kAllPollutants) {
    const auto& u = r.used[static_cast<size_t>(p)];
    std::cout << "  " << text::pad_right(quality::display_name(p), 7) << text::pad_right(u ? u->str() : "—", 8)
              << "IAQI " << (r.at(p) ? std::to_string(*r.at(p)) : "—") << "\n";
  }
  if (r.aqi) {
    auto level = quality::aqi_level(*r.aqi);
    std::cout << "AQI " << *r.aqi << "  " << level.roman << "级 " << level.category;
    std::vector<std::string> primary;
    for (auto p : r.primary) primary.push_back(quality::display_name(p));
    std::cout << "  首要污染物: " << (primary.empty() ? "—" : text::join(primary, "、")) << "\n";
  } else {
    std::cout << "AQI NA\n";
  }
  for (const auto& n : r.notes) std::cout << "  note: " << n << "\n";
  return 0;
}

int air_assess(const Common& c, const std::string& input, int threads, bool skip_bad_rows, bool record) {
  service::AirCsvOptions opt;
  opt.threads = threads;
  opt.skip_bad_rows = skip_bad_rows;
  opt.hash = record;
  service::AirCsvData data;
  auto assessed = service::assess_air_csv(input, opt, &data);
  if (!assessed) return refuse(assessed.error().message);
  auto& a = *assessed;
  service::DataSet ds{std::filesystem::path(input).filename().string(),
                      data.sha256,
                      data.first_time,
                      data.last_time,
                      data.rows,
                      data.hours.stations().size()};
  nlohmann::json input_json = {
      {"file", input}, {"rows", ds.rows}, {"stations", ds.stations}, {"first", ds.first}, {"last", ds.last}};
  if (record) input_json["sha256"] = ds.sha256;
  if (record) {
    auto s = open_store(c);
    if (!s) return refuse(s.error().message);
    auto p = current_plan(**s);
    if (!p) return refuse(p.error().message);
    std::vector<std::string> skipped;
    auto rows = service::air_measurements(*p, a, ds, &skipped);
    for (const auto& line : skipped) std::cerr << "not recorded: " << line << "\n";
    auto added = (*s)->add_measurements(rows);
    if (!added) return refuse(added.error().message);
    std::cerr << "recorded " << *added << " measurements (" << rows.size() - static_cast<size_t>(*added)
              << " already present) from " << ds.describe() << "\n";
  }
  if (c.json) {
    std::cout << exporting::air_assessment_json(a, input_json.dump()) << "\n";
    return 0;
  }
  std::cout << "空气质量年度评价 " << input << " (" << ds.rows << " rows, " << ds.stations << " stations, " << ds.first
            << " .. " << ds.last << ")\n";
  std::cout << text::pad_right("站点", 14) << text::pad_right("年", 6) << text::pad_right("有效天", 8)
            << text::pad_right("优良天", 8) << text::pad_right("优良率%", 9) << text::pad_right("PM2.5", 7)
            << text::pad_right("PM10", 6) << text::pad_right("SO2", 5) << text::pad_right("NO2", 5)
            << text::pad_right("CO-95", 7) << text::pad_right("O3-8h-90", 9) << "综合指数\n";
  auto row = [](const quality::AnnualAir& y, const std::string& name) {
    std::cout << text::pad_right(name, 14) << text::pad_right(std::to_string(y.year), 6)
              << text::pad_right(std::to_string(y.valid_days), 8) << text::pad_right(std::to_string(y.good_days), 8)
              << text::pad_right(opt_str(y.good_days_ratio_permille, 1), 9)
              << text::pad_right(opt_str(y.pm25_annual), 7) << text::pad_right(opt_str(y.pm10_annual), 6)
              << text::pad_right(opt_str(y.so2_annual), 5) << text::pad_right(opt_str(y.no2_annual), 5)
              << text::pad_right(opt_str(y.co_p95, 1), 7) << text::pad_right(opt_str(y.o3_8h_p90), 9)
              << opt_str(y.composite_index_centi, 2) << "\n";
  };
  for (const auto& y : a.stations) row(y, y.station);
  for (const auto& y : a.county) row(y, "全县");
  std::cout << a.excluded.size() << " exclusions (hours and days; see --json)\n";
  return 0;
}

namespace {

// Stores computed measurements in the plan's store, reporting what landed.
int record_rows(const Common& c, const std::vector<store::Measurement>& rows, const service::DataSet& ds) {
  auto s = open_store(c);
  if (!s) return refuse(s.error().message);
  auto added = (*s)->add_measurements(rows);
  if (!added) return refuse(added.error().message);
  std::cerr << "recorded " << *added << " measurements (" << rows.size() - static_cast<size_t>(*added)
            << " already present) from " << ds.describe() << "\n";
  return 0;
}

Result<service::DataSet> data_set(const std::string& path, size_t rows, size_t stations, const std::string& first,
                                  const std::string& last) {
  auto bytes = read_file(path);
  SS_TRY(bytes);
  return service::DataSet{
      std::filesystem::path(path).filename().string(), text::sha256_hex(*bytes), first, last, rows, stations};
}

}  // namespace

// Records what `rows_for(plan, data set)` derives from `input`, whose results span the years of
// `items` (each with .year) and count `count(item)` input rows.
template <class Items, class Count, class Rows>
int record_from_file(const Common& c, const std::string& input, const Items& items, size_t stations, Count count,
                     Rows rows_for) {
  auto p = current_plan(c);
  if (!p) return refuse(p.error().message);
  int first = 9999, last = 0;
  size_t rows = 0;
  for (const auto& x : items) {
    first = std::min(first, x.year);
    last = std::max(last, x.year);
    rows += count(x);
  }
  auto ds = data_set(input, rows, stations, std::to_string(first), std::to_string(last));
  if (!ds) return refuse(ds.error().message);
  return record_rows(c, rows_for(*p, *ds), *ds);
}

std::string water_item_keys() {
  std::string out;
  int table = 0;
  for (const auto& item : quality::water_items()) {
    if (item.table != table) {
      table = item.table;
      out += std::string(table == 1 ? "" : "\n") + "GB 3838—2002 Table " + std::to_string(table) + ":";
    }
    out += std::string(" ") + item.key + "(" + item.name + ")";
  }
  return out;
}

int water_class(const Common& c, const std::string& waterbody, const std::string& target,
                const std::vector<std::string>& values) {
  auto body = waterbody == "lake" ? quality::Waterbody::lake : quality::Waterbody::river;
  int t = quality::parse_water_class(target);
  if (t < 1 || t > 5) return refuse("--target '" + target + "' is not a class I–V");
  std::vector<std::pair<std::string, Decimal>> items;
  for (const auto& kv : values) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) return refuse("'" + kv + "': expected item=value, e.g. tp=0.12");
    std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
    if (!quality::find_water_item(k)) return refuse("unknown item '" + k + "' (see --help for the GB 3838 item keys)");
    auto d = Decimal::parse(v);
    if (!d) return refuse(k + ": " + d.error().message);
    if (d->mantissa < 0) return refuse(k + ": negative value " + v);
    for (const auto& [seen, _] : items)
      if (seen == k) return refuse(k + " given twice");
    items.push_back({k, *d});
  }
  if (items.empty()) return refuse("no item given (e.g. do=6.5 codmn=3.1 nh3n=0.4 tp=0.12)");
  auto v = quality::classify_water(items, body, t);
  if (c.json) {
    std::cout << exporting::water_class_json(v) << "\n";
    return 0;
  }
  for (const auto& it : v.items) {
    const auto* item = quality::find_water_item(it.key);
    std::cout << "  " << text::pad_right(item->name, 26) << text::pad_right(it.value.str(), 10)
              << (it.cls ? std::string(quality::water_class_name(*it.cls)) + "类" : std::string(""))
              << (it.within_limit ? (*it.within_limit ? "达标" : "超标") : "") << (it.assessed ? "" : "  (参考)")
              << "\n";
  }
  if (v.cls)
    std::cout << "水质类别 " << quality::water_class_name(v.cls) << " (" << v.grade() << ")  " << v.explanation << "\n";
  for (const auto& m : v.main_pollutants)
    std::cout << "  主要污染指标 " << quality::find_water_item(m.key)->name << "(" << fixed_str(m.exceedance_centi, 2)
              << ")\n";
  return 0;
}

int water_assess(const Common& c, const std::string& input, const std::string& sections, bool skip_bad_rows,
                 bool record) {
  std::vector<service::Section> registry;
  if (!sections.empty()) {
    auto r = service::read_sections(sections);
    if (!r) return refuse(r.error().message);
    registry = std::move(*r);
  }
  auto a = service::assess_water_csv(input, std::move(registry), skip_bad_rows);
  if (!a) return refuse(a.error().message);
  if (record) {
    int rc = record_from_file(
        c, input, a->sections, a->registry.size(), [](const auto& s) { return static_cast<size_t>(s.samples); },
        [&](const plan::Plan& p, const service::DataSet& ds) { return service::water_measurements(p, *a, ds); });
    if (rc) return rc;
  }
  if (c.json) {
    std::cout << exporting::water_assessment_json(*a) << "\n";
    return 0;
  }
  std::cout << text::pad_right("断面", 16) << text::pad_right("河流", 8) << text::pad_right("年", 6)
            << text::pad_right("样品", 6) << text::pad_right("类别", 6) << text::pad_right("目标", 6) << "说明\n";
  for (const auto& s : a->sections)
    std::cout << text::pad_right(s.section->name, 16) << text::pad_right(s.section->river, 8)
              << text::pad_right(std::to_string(s.year), 6) << text::pad_right(std::to_string(s.samples), 6)
              << text::pad_right(quality::water_class_name(s.verdict.cls), 6)
              << text::pad_right(quality::water_class_name(s.section->target), 6) << s.verdict.explanation << "\n";
  for (const auto& r : a->rivers)
    std::cout << r.river << " " << r.year << ": " << r.grade.grade
              << (r.outbound_not_worse ? (*r.outbound_not_worse ? "，出境不劣于入境" : "，出境劣于入境") : "") << "\n";
  for (const auto& d : a->drinking)
    std::cout << "集中式饮用水水源地 " << d.year << ": " << d.compliant << "/" << d.sources << " 达标 ("
              << fixed_str(d.rate_permille, 1) << "%)\n";
  return 0;
}

int noise_grade(const Common& c, const std::string& kind, const std::string& period, const std::string& value) {
  auto v = Decimal::parse(value);
  if (!v) return refuse("value: " + v.error().message);
  if (v->mantissa < 0) return refuse("value: negative sound level " + value);
  auto k = kind == "traffic" ? quality::NoiseKind::traffic : quality::NoiseKind::regional;
  auto p = period == "night" ? quality::NoisePeriod::night : quality::NoisePeriod::day;
  if (c.json) {
    std::cout << exporting::noise_grade_json(k, p, *v) << "\n";
    return 0;
  }
  int g = quality::noise_grade(k, p, *v);
  std::cout << (k == quality::NoiseKind::traffic ? "道路交通" : "区域")
            << (p == quality::NoisePeriod::day ? "昼间 " : "夜间 ") << v->str() << " dB(A): " << g << "级 "
            << quality::noise_grade_label(g) << " (HJ 640—2012)\n";
  return 0;
}

int noise_assess(const Common& c, const std::string& input, bool skip_bad_rows, bool record) {
  auto a = service::assess_noise_csv(input, skip_bad_rows);
  if (!a) return refuse(a.error().message);
  if (record) {
    int rc = record_from_file(
        c, input, a->averages, 0, [](const auto& x) { return static_cast<size_t>(x.points); },
        [&](const plan::Plan& p, const service::DataSet& ds) { return service::noise_measurements(p, *a, ds); });
    if (rc) return rc;
  }
  if (c.json) {
    std::cout << exporting::noise_assessment_json(*a) << "\n";
    return 0;
  }
  for (const auto& x : a->averages)
    std::cout << x.year << " " << (x.kind == quality::NoiseKind::regional ? "区域" : "道路交通")
              << (x.period == quality::NoisePeriod::day ? "昼间 " : "夜间 ") << x.average.str() << " dB(A) " << x.grade
              << "级 " << quality::noise_grade_label(x.grade) << " (" << x.points << " 点)\n";
  for (const auto& z : a->zones)
    std::cout << z.year << " " << z.zone << "类区" << (z.period == quality::NoisePeriod::day ? "昼间" : "夜间")
              << " 达标率 " << fixed_str(z.rate_permille, 1) << "% (" << z.compliant << "/" << z.measurements
              << ", 限值 " << z.limit << ")\n";
  return 0;
}

int air_assess_observations(const Common& c, bool record) {
  auto s = open_store(c);
  if (!s) return refuse(s.error().message);
  auto obs = (*s)->observations("");
  if (!obs) return refuse(obs.error().message);
  auto stations = (*s)->stations();
  if (!stations) return refuse(stations.error().message);
  auto hours = service::air_hours_from_observations(*obs, *stations);
  if (!hours) return refuse(hours.error().message);
  auto a = quality::assess_air(hours->hours);
  std::vector<quality::Exclusion> excluded = std::move(hours->excluded);
  excluded.insert(excluded.end(), a.excluded.begin(), a.excluded.end());
  a.excluded = std::move(excluded);
  service::DataSet ds{"observations",
                      hours->digest,
                      hours->first,
                      hours->last,
                      hours->observations_used,
                      hours->hours.stations().size()};
  if (record) {
    auto p = current_plan(**s);
    if (!p) return refuse(p.error().message);
    std::vector<std::string> skipped;
    auto rows = service::air_measurements(*p, a, ds, &skipped);
    for (const auto& line : skipped) std::cerr << "not recorded: " << line << "\n";
    auto added = (*s)->add_measurements(rows);
    if (!added) return refuse(added.error().message);
    std::cerr << "recorded " << *added << " measurements from " << ds.describe() << "\n";
  }
  nlohmann::json input = {{"source", "observations"}, {"observations", ds.rows}, {"stations", ds.stations},
                          {"first", ds.first},        {"last", ds.last},         {"sha256", ds.sha256}};
  if (c.json) {
    std::cout << exporting::air_assessment_json(a, input.dump()) << "\n";
    return 0;
  }
  for (const auto& y : a.county)
    std::cout << "全县 " << y.year << ": " << y.valid_days << " valid days, " << y.good_days << " good ("
              << opt_str(y.good_days_ratio_permille, 1) << "%), PM2.5 " << opt_str(y.pm25_annual) << "\n";
  std::cout << ds.rows << " observations from " << ds.stations << " air stations; " << a.excluded.size()
            << " exclusions\n";
  return 0;
}

int alarms(const Common& c, const std::string& as_of, int silent_hours, int maintenance_hours) {
  auto s = open_store(c);
  if (!s) return refuse(s.error().message);
  auto obs = (*s)->observations("");
  if (!obs) return refuse(obs.error().message);
  auto stations = (*s)->stations();
  if (!stations) return refuse(stations.error().message);
  std::string when = as_of;
  if (when.empty())
    when = store::now_iso8601();
  else if (when.size() == 10)
    when += "T23:59:59+08:00";
  auto list = service::alarms(*obs, *stations, when, {silent_hours, maintenance_hours});
  if (c.json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& x : list) a.push_back({{"mn", x.mn}, {"kind", x.kind}, {"time", x.time}, {"detail", x.detail}});
    std::cout << a.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  for (const auto& x : list)
    std::cout << text::pad_right(x.mn, 22) << text::pad_right(x.kind, 15) << text::pad_right(x.time, 27) << x.detail
              << "\n";
  std::cout << list.size() << " alarms as of " << when << "\n";
  return 0;
}

int obs_import(const Common& c, const std::string& file, bool accept_valid) {
  auto s = open_store(c);
  if (!s) return refuse(s.error().message);
  auto stations = (*s)->stations();
  if (!stations) return refuse(stations.error().message);
  auto f = service::read_observation_file(file, *stations);
  if (!f) return refuse(f.error().message);
  for (const auto& r : f->refused) std::cerr << "refused: " << r.reason << "\n";
  if (!f->refused.empty() && !accept_valid)
    return refuse(file + ": " + std::to_string(f->refused.size()) +
                  " rows refused; nothing stored (fix them, or pass " +
                  "--accept-valid to store the valid rows and quarantine the others)");
  auto r = (*s)->ingest(f->rows, f->refused);
  if (!r) return refuse(r.error().message);
  std::cerr << file << ": " << r->values_added << " observations stored, " << r->values_duplicate
            << " already present, " << r->quarantined << " quarantined\n";
  return f->refused.empty() ? 0 : 2;
}

int demo_air(const std::string& out, int stations, const std::string& from, const std::string& to, uint64_t seed) {
  service::AirDemoOptions o;
  if (stations <= 0) {
    o.stations = service::wushan_air_stations();
  } else {
    for (int i = 1; i <= stations; ++i) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "S%04d", i);
      o.stations.push_back(buf);
    }
  }
  auto f = Date::parse(from), t = Date::parse(to);
  if (!f) return refuse("--from: " + f.error().message);
  if (!t) return refuse("--to: " + t.error().message);
  o.from = *f;
  o.to = *t;
  o.seed = seed;
  std::FILE* file = out == "-" ? stdout : std::fopen(out.c_str(), "wb");
  if (!file) return refuse(out + ": cannot write");
  auto rows = service::write_air_demo(o, file);
  if (file != stdout && std::fclose(file) != 0) return refuse(out + ": write failed");
  if (!rows) return refuse(rows.error().message);
  std::cerr << "wrote " << *rows << " hourly rows for " << o.stations.size() << " stations to " << out << "\n";
  return 0;
}

}  // namespace shanshui::app
