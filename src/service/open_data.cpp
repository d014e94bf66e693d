// open_data.cpp: the open-data catalogue (see open_data.h).
#include "service/open_data.h"

#include <nlohmann/json.hpp>

#include "core/civil_time.h"
#include "core/csv.h"
#include "hj212/factors.h"
#include "plan/lenses.h"
#include "service/labels.h"

namespace shanshui::service {

using json = nlohmann::json;

const std::vector<std::string>& open_dataset_ids() {
  static const std::vector<std::string> kIds = {"indicators", "monitoring"};
  return kIds;
}

OpenDataset indicators_dataset(const Tracking& t) {
  OpenDataset d;
  d.id = "indicators";
  d.title = t.plan.title + "：目标指标年度值";
  d.title_en = "Targets of the action plan: annual values";
  d.description =
      "行动计划每项目标指标的目标值、目标年和各年度生效数值，以及按期推进评价。数值来自部门报送和平台按国家标准的计算，"
      "出处见平台数据溯源。";
  d.description_en =
      "Every target of the action plan with its target value and year, each year's value in force, and "
      "its on-schedule rating. Values come from departments' reports and the platform's computations "
      "by the national standards; their provenance is on the platform.";
  d.licence = "CC BY 4.0（署名）";
  d.licence_url = "https://creativecommons.org/licenses/by/4.0/deed.zh-hans";
  d.publisher = "巫山县生态优先绿色发展行动计划领导小组办公室";
  d.source = "山水平台 /api/progress";
  d.updated = t.view.as_of.iso();
  d.columns = {{"target", "目标编号"},    {"name", "指标"}, {"unit", "单位"},  {"target_value", "目标值"},
               {"target_year", "目标年"}, {"year", "年份"}, {"value", "数值"}, {"provisional", "当年累计"},
               {"rating", "按期推进评价"}};
  for (const auto& tv : t.view.targets) {
    const plan::Target& target = *tv.target;
    std::string rating;
    for (const auto& l : tv.lenses)
      if (l.lens == "schedule") rating = label(Lang::zh, "rating", l.rating);
    std::string goal = target.written.empty() ? target.value : target.written;
    if (tv.series.empty())
      d.rows.push_back({target.id, target.name, target.unit, goal, std::to_string(target.year), "", "", "", rating});
    for (const auto& o : tv.series)
      d.rows.push_back({target.id, target.name, target.unit, goal, std::to_string(target.year), std::to_string(o.year),
                        o.value, o.provisional ? "是" : "否", rating});
  }
  return d;
}

Result<OpenDataset> monitoring_dataset(store::Store& store, const sta::Sharing& sharing, int64_t now_unix, int days,
                                       bool with_rows) {
  OpenDataset d;
  d.id = "monitoring";
  d.title = "自动监测站小时均值（近 " + std::to_string(days) + " 天）";
  d.title_en = "Automatic stations' hourly averages (last " + std::to_string(days) + " days)";
  d.description =
      "向公众发布的自动监测数据（HJ 212 小时均值），未经审核的实时数据，仅供参考；以生态环境部门发布的审核数据为准。";
  d.description_en =
      "The automatic monitoring data published to the public (HJ 212 hourly averages): real-time, not "
      "yet audited, for reference only; the ecological environment bureau's audited data prevail.";
  d.publisher = "巫山县生态环境局";
  d.source = "山水平台 SensorThings API /api/sta/v1.1";
  d.updated = beijing_iso8601(now_unix);
  d.columns = {{"mn", "站点编码"},    {"station", "站点"},    {"kind", "类型"},
               {"time", "时间"},      {"factor", "因子编码"}, {"factor_name", "因子"},
               {"value", "小时均值"}, {"unit", "单位"},       {"flag", "数据标记"}};
  auto stations = store.stations();
  SS_TRY(stations);
  std::string from = beijing_iso8601(now_unix - int64_t{days} * 86400), to = beijing_iso8601(now_unix);
  sta::Audience everyone;
  for (const auto& st : with_rows ? *stations : std::vector<store::Station>{}) {
    auto obs = store.observations_between(st.mn, from, to);
    SS_TRY(obs);
    for (const auto& o : *obs) {
      if (o.kind != "Avg" || o.cn != "2061" || !o.invalid.empty()) continue;
      const sta::Grant* g = sharing.grant(everyone, st, {o.mn, o.factor, o.cn, o.kind});
      if (!g) continue;
      if (d.licence.empty()) d.licence = g->licence, d.licence_url = g->licence_url;
      const auto* f = hj212::find_factor(o.factor);
      d.rows.push_back({o.mn, st.name, label(Lang::zh, "station_kind", st.kind), o.data_time, o.factor,
                        f ? f->name : o.factor, o.value, o.unit, o.flag});
      if (d.rows.size() >= 500000) break;  // a download's budget
    }
  }
  if (d.licence.empty()) {  // nothing published yet: the licence the table would give
    for (const auto& g : sharing.grants())
      if (g.published()) {
        d.licence = g.licence, d.licence_url = g.licence_url;
        break;
      }
  }
  return d;
}

std::string dataset_csv(const OpenDataset& d) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < d.columns.size(); ++i) out += (i ? "," : "") + csv_escape(d.columns[i].second);
  out += "\r\n";
  for (const auto& r : d.rows) {
    for (size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_escape(r[i]);
    out += "\r\n";
  }
  return out;
}

std::string dataset_json(const OpenDataset& d, bool with_rows) {
  json meta = {{"id", d.id},
               {"title", d.title},
               {"title_en", d.title_en},
               {"description", d.description},
               {"description_en", d.description_en},
               {"licence", d.licence},
               {"licence_url", d.licence_url},
               {"publisher", d.publisher},
               {"source", d.source},
               {"updated", d.updated},
               {"rows", d.rows.size()},
               {"formats", {"csv", "xlsx", "json"}}};
  if (!with_rows) return meta.dump();
  json columns = json::array();
  for (const auto& [k, v] : d.columns) columns.push_back({{"key", k}, {"title", v}});
  json rows = json::array();
  for (const auto& r : d.rows) {
    json row = json::object();
    for (size_t i = 0; i < d.columns.size() && i < r.size(); ++i) row[d.columns[i].first] = r[i];
    rows.push_back(std::move(row));
  }
  return json{{"metadata", meta}, {"columns", columns}, {"rows", rows}}.dump(-1, ' ', false,
                                                                             json::error_handler_t::replace);
}

}  // namespace shanshui::service
