// lineage.cpp: the chain from a target value to its frames (see lineage.h).
#include "service/lineage.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/civil_time.h"
#include "core/csv.h"
#include "core/decimal.h"
#include "core/text.h"
#include "hj212/crc.h"
#include "hj212/packet.h"
#include "service/live_air.h"

namespace shanshui::service {
namespace {

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json quality_json(const std::optional<quality::DailyValues>& v) {
  if (!v) return nullptr;
  json items = json::object();
  for (quality::Pollutant p : quality::kAllPollutants) {
    const auto& x = v->v[static_cast<size_t>(p)];
    std::string key = quality::key(p);
    if (!x)
      items[key] = nullptr;
    else if (p == quality::Pollutant::co)
      items[key] = fixed_str(*x, 1);
    else
      items[key] = *x;
  }
  return {{"aqi", v->aqi ? json(*v->aqi) : json(nullptr)},
          {"valid", v->valid},
          {"standard", v->rules == quality::AirRules::hj633_2026 ? "HJ 633—2026" : "HJ 633—2012"},
          {"items", items}};
}

// A run of the live air evaluation, with what defines its input set.
struct RunInput {
  store::AssessmentRun run;
  json detail;
  int64_t upto = 0;
  std::string first, through;
};

Result<std::optional<RunInput>> run_input(store::Store& s, int64_t id) {
  auto run = s.assessment_run(id);
  SS_TRY(run);
  if (!*run) return std::optional<RunInput>();
  RunInput in{**run, json::parse((*run)->detail, nullptr, false), 0, "", ""};
  if (in.detail.is_discarded() || !in.detail.is_object())
    return fail("run " + std::to_string(id) + ": detail is not JSON");
  in.upto = in.detail.value("observations_through_id", int64_t{0});
  in.first = in.detail.value("first_day", std::string());
  in.through = in.detail.value("through", std::string());
  return std::optional<RunInput>(std::move(in));
}

// The station's observations in the run's input set: its days first..through, ids ≤ upto.
Result<std::vector<store::Observation>> input_observations(store::Store& s, const RunInput& in, const std::string& mn,
                                                           const std::string& first, const std::string& last) {
  auto obs = s.observations_between(mn, first + "T00:00:00+08:00", last + "T23:59:59+08:00");
  SS_TRY(obs);
  std::vector<store::Observation> out;
  for (auto& o : *obs)
    if (o.id <= in.upto) out.push_back(std::move(o));
  return out;
}

bool in_run(const RunInput& in, const std::string& mn) {
  if (!in.detail.contains("stations")) return false;
  for (const auto& st : in.detail["stations"])
    if (st.value("mn", "") == mn) return true;
  return false;
}

json observations_doc(const std::vector<store::Observation>& obs) {
  json out = json::array();
  for (const auto& o : obs)
    out.push_back({{"id", o.id},
                   {"factor", o.factor},
                   {"cn", o.cn},
                   {"time", o.data_time},
                   {"kind", o.kind},
                   {"value", o.value},
                   {"flag", o.flag},
                   {"unit", o.unit},
                   {"raw_id", o.raw_id},
                   {"received_at", o.received_at},
                   {"invalid", o.invalid}});
  return out;
}

}  // namespace

Result<std::optional<std::string>> lineage_indicator_json(store::Store& s, const plan::Plan& plan,
                                                          const std::string& indicator, const std::string& period) {
  const plan::Target* target = nullptr;
  for (const auto& t : plan.targets)
    if (t.indicator == indicator || t.id == indicator) target = &t;
  if (!target) return std::optional<std::string>();
  auto all = s.measurements();
  SS_TRY(all);
  json values = json::array();
  for (const auto& m : *all) {
    if (m.indicator != target->indicator || (!period.empty() && m.period != period)) continue;
    json v = {{"measurement_id", m.id}, {"period", m.period},
              {"value", m.value},       {"kind", m.kind},
              {"method", m.method},     {"method_version", m.method_version},
              {"source", m.source},     {"reporter", m.reporter},
              {"note", m.note},         {"recorded_at", m.recorded_at}};
    if (m.source.rfind("run:", 0) == 0) {
      int64_t id = std::stoll(m.source.substr(4));
      auto run = s.assessment_run(id);
      SS_TRY(run);
      if (*run)
        v["run"] = {{"id", id},
                    {"method", (*run)->method},
                    {"method_version", (*run)->method_version},
                    {"rules", (*run)->rules},
                    {"input_sha256", (*run)->input_sha256},
                    {"completeness", (*run)->completeness},
                    {"computed_at", (*run)->computed_at}};
    }
    values.push_back(v);
  }
  // The value in force is the most recently recorded one of each period: last in this list.
  return std::optional<std::string>(dump({{"target", target->id},
                                          {"indicator", target->indicator},
                                          {"name", target->name},
                                          {"unit", target->unit},
                                          {"values", values}}));
}

Result<std::optional<std::string>> lineage_run_json(store::Store& s, int64_t id) {
  auto in = run_input(s, id);
  SS_TRY(in);
  if (!*in) return std::optional<std::string>();
  const auto& r = (*in)->run;
  return std::optional<std::string>(dump({{"id", r.id},
                                          {"assessment", r.indicator},
                                          {"period", r.period},
                                          {"method", r.method},
                                          {"method_version", r.method_version},
                                          {"rules", r.rules},
                                          {"input_sha256", r.input_sha256},
                                          {"value", r.value},
                                          {"completeness", r.completeness},
                                          {"computed_at", r.computed_at},
                                          {"detail", (*in)->detail}}));
}

Result<std::optional<std::string>> lineage_days_json(store::Store& s, int64_t id, const std::string& mn) {
  auto in = run_input(s, id);
  SS_TRY(in);
  if (!*in || !in_run(**in, mn)) return std::optional<std::string>();
  auto obs = input_observations(s, **in, mn, (*in)->first, (*in)->through);
  SS_TRY(obs);
  auto stations = s.stations();
  SS_TRY(stations);
  std::set<long> days;
  for (const auto& o : *obs)
    if (auto d = Date::parse(o.data_time.substr(0, 10))) days.insert(d->days());
  AirLive live;
  if (auto st = live.replace_days(mn, {days.begin(), days.end()}, *obs, *stations); !st)
    return tl::unexpected(st.error());
  json out = json::array();
  for (long d : days) {
    const StationDay* sd = live.station_day(mn, d);
    if (!sd) continue;
    json excluded = json::array();
    for (const auto& e : sd->excluded) excluded.push_back({{"when", e.when}, {"reason", e.reason}});
    out.push_back({{"day", Date::from_days(d).iso()},
                   {"observations", sd->observations},
                   {"digest", sd->digest},
                   {"daily", quality_json(sd->values)},
                   {"excluded", excluded}});
  }
  return std::optional<std::string>(dump({{"run", id}, {"mn", mn}, {"days", out}}));
}

Result<std::optional<std::string>> lineage_hours_json(store::Store& s, int64_t id, const std::string& mn,
                                                      const std::string& day) {
  auto in = run_input(s, id);
  SS_TRY(in);
  auto d = Date::parse(day);
  if (!*in || !in_run(**in, mn) || !d || day.size() != 10 || day < (*in)->first || day > (*in)->through)
    return std::optional<std::string>();
  auto obs = input_observations(s, **in, mn, day, day);
  SS_TRY(obs);
  return std::optional<std::string>(dump({{"run", id},
                                          {"mn", mn},
                                          {"day", day},
                                          {"digest", observations_digest(*obs)},
                                          {"observations", observations_doc(*obs)}}));
}

std::string observations_json(const std::vector<store::Observation>& obs) { return dump(observations_doc(obs)); }

Result<std::optional<std::string>> lineage_frame_json(store::Store& s, int64_t id, bool with_bytes) {
  auto f = s.raw_frame(id);
  SS_TRY(f);
  if (!*f) return std::optional<std::string>();
  const auto& fr = **f;
  std::string mode = "standard";
  auto stations = s.stations();
  SS_TRY(stations);
  for (const auto& st : *stations)
    if (st.mn == fr.mn) mode = st.crc_mode;
  json doc = {{"id", fr.id},
              {"mn", fr.mn},
              {"cn", fr.cn},
              {"peer", with_bytes ? fr.peer : std::string("(internal)")},
              {"received_at", fr.received_at},
              {"sha256", fr.sha256},
              {"sha256_recomputed", text::sha256_hex(fr.bytes)},
              {"length", fr.bytes.size()},
              {"crc_mode", mode}};
  if (fr.bytes.rfind("##", 0) == 0) {
    auto decoded = hj212::decode_frame(fr.bytes, hj212::crc_mode_from_string(mode).value_or(hj212::CrcMode::standard));
    if (decoded) doc["crc"] = {{"carried", decoded->crc}, {"computed", decoded->crc_expected}, {"ok", decoded->crc_ok}};
  } else {
    doc["crc"] = nullptr;  // an observation-file row: no frame, no CRC
  }
  std::string bytes = fr.bytes;
  if (!with_bytes) {  // the station password travels in the frame: masked for the public
    auto pw = bytes.find("PW=");
    if (pw != std::string::npos) {
      auto end = bytes.find(';', pw);
      bytes.replace(pw + 3, (end == std::string::npos ? bytes.size() : end) - pw - 3, "******");
    }
    doc["bytes_masked"] = true;
  }
  doc["bytes"] = bytes;
  return std::optional<std::string>(dump(doc));
}

Result<size_t> export_run(store::Store& s, int64_t id, const std::string& dir) {
  auto in = run_input(s, id);
  SS_TRY(in);
  if (!*in) return fail("no assessment run " + std::to_string(id));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(dir + ": " + ec.message());
  auto run = lineage_run_json(s, id);
  SS_TRY(run);
  std::ofstream(dir + "/run.json") << **run << "\n";
  std::ofstream obs_out(dir + "/observations.csv"), frames_out(dir + "/frames.csv");
  obs_out << "id,mn,factor,cn,data_time,kind,value,flag,unit,raw_id\n";
  frames_out << "id,sha256,received_at,peer,mn,cn,bytes\n";
  std::set<int64_t> frames;
  size_t n = 0;
  for (const auto& st : (*in)->detail["stations"]) {
    std::string mn = st.value("mn", "");
    auto obs = input_observations(s, **in, mn, (*in)->first, (*in)->through);
    SS_TRY(obs);
    for (const auto& o : *obs) {
      // Plain CSV: the values are codes, numbers and times (no formula neutralising, which would
      // change the bytes a recomputation hashes).
      obs_out << o.id << ',' << o.mn << ',' << o.factor << ',' << o.cn << ',' << o.data_time << ',' << o.kind << ','
              << o.value << ',' << o.flag << ',' << o.unit << ',' << o.raw_id << '\n';
      if (o.raw_id) frames.insert(o.raw_id);
      ++n;
    }
  }
  for (int64_t f : frames) {
    auto fr = s.raw_frame(f);
    SS_TRY(fr);
    if (!*fr) continue;
    // The bytes exactly as received (CR LF included), quoted: sha256 of the field is the frame's.
    std::string quoted = "\"";
    for (char ch : (*fr)->bytes) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    frames_out << (*fr)->id << ',' << (*fr)->sha256 << ',' << (*fr)->received_at << ',' << csv_escape((*fr)->peer)
               << ',' << (*fr)->mn << ',' << (*fr)->cn << ',' << quoted << "\"\n";
  }
  if (!obs_out || !frames_out) return fail(dir + ": cannot write the export");
  return n;
}

}  // namespace shanshui::service
