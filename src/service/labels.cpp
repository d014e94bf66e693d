// labels.cpp: the label catalogue (see labels.h). The Chinese ratings and statuses are those of
// plan/lenses.cpp and plan/item_status.cpp, so the CLI, the exports and the dashboard agree.
#include "service/labels.h"

#include "plan/item_status.h"
#include "plan/lenses.h"

namespace shanshui::service {
namespace {

using Catalogue = std::map<std::string, std::map<std::string, std::string>>;

Catalogue chinese() {
  Catalogue c;
  for (const char* r :
       {"achieved", "on_schedule", "slightly_behind", "behind", "on_track", "acceleration_needed",
        "stagnation_or_regression", "not_yet_achieved", "not_achieved", "target_pending", "unable", "stale"})
    c["rating"][r] = plan::lens_rating_label(r);
  for (const char* s : {"not_started", "on_schedule", "lagging", "overdue", "done", "closed"})
    c["status"][s] = plan::item_status_label(s);
  c["lens"] = {{"schedule", "序时进度"}, {"unsd", "趋势预测"}, {"current", "当前达标"}};
  c["role"] = {{"admin", "管理员"}, {"office", "领导小组办公室"},    {"department", "部门"}, {"township", "乡镇"},
               {"auditor", "审计"}, {"partner", "协作方（毗邻县）"}, {"public", "公众"}};
  c["station_kind"] = {{"air", "空气"}, {"water", "水质"}, {"noise", "噪声"}, {"source", "污染源"}};
  c["supervision_kind"] = {{"overdue_item", "逾期"},
                           {"lagging_item", "滞后"},
                           {"missing_report", "未按期报送"},
                           {"lagging_target", "指标滞后"}};
  c["audit_action"] = {
      {"plan.import", "导入计划"},      {"measurement.add", "录入指标值"}, {"report.add", "报送进展"},
      {"item.close", "销号"},           {"input.rejected", "拒收输入行"},  {"station.add", "登记站点"},
      {"station.remove", "注销站点"},   {"user.add", "添加用户"},          {"ingest.batch", "监测数据入库"},
      {"denied", "拒绝越权操作"},       {"login.failed", "登录失败"},      {"refused.invalid", "拒收不实数据"},
      {"assessment.run", "评估运行"},   {"audit.seal", "封存既有数据"},    {"notice.issue", "下发督办"},
      {"notice.answer", "答复督办"},    {"notice.resolve", "督办办结"},    {"notice.escalate", "督办通报"},
      {"evidence.add", "上传证明材料"}, {"layer.import", "导入图层"},      {"partner.harvest", "采集毗邻县数据"},
      {"outbox.add", "消息待发送"},     {"feedback.add", "公众留言"},      {"feedback.decide", "留言审核"},
      {"outbox.attempt", "消息发送"},   {"db.backup", "数据库备份"}};
  c["notice_state"] = {{"issued", "待答复"}, {"answered", "待办结"}, {"escalated", "已通报"}, {"resolved", "已办结"}};
  // The named inputs of a lens (plan/lenses.cpp) and the bounds of a target.
  c["lens_input"] = {{"b", "基准年"},
                     {"v_b", "基准值"},
                     {"t", "最新年份"},
                     {"v_t", "最新值"},
                     {"T", "目标年"},
                     {"v_T", "目标值"},
                     {"bound", "约束"},
                     {"achieved", "完成进度"},
                     {"elapsed", "时间进度"},
                     {"CAGR_a", "实际年均增速"},
                     {"v_T^e", "预期目标年值"},
                     {"pace_per_year", "年均增量"},
                     {"latest_year", "最新年份"},
                     {"latest", "最新值"},
                     {"target", "目标"},
                     {"years_meeting", "达标年数"},
                     {"years", "年数"},
                     {"verdict", "结论"},
                     {"reference", "参照值"}};
  c["bound"] = {{">=", "不低于"},   {"<=", "不高于"},       {"=", "等于"},
                {"~", "约为"},      {"range", "区间"},      {"water_class", "水质类别"},
                {"binary", "是否"}, {"qualitative", "定性"}};
  c["method"] = {
      {"schedule/v1", "序时进度法（第1版）"},
      {"unsd-progress-chart-2023/v1", "联合国统计司进展图法（2023，第1版）"},
      {"current/v1", "现状达标判定（第1版）"},
      {"scorecard/v2", "部门评分（第2版）"},
      {"air.county_year", "县域空气质量年度评价（HJ 633、HJ 663）"},
      {"air.good_days_ratio", "优良天数比率（HJ 663）"},
      {"air.pm25_annual", "PM2.5 年均浓度（HJ 663）"},
      {"air.pm10_annual", "PM10 年均浓度（HJ 663）"},
      {"water.station_month", "断面月度水质类别（GB 3838—2002）"},
      {"water.section_class", "断面水质类别（GB 3838—2002）"},
      {"water.drinking_source_compliance", "饮用水水源地达标率"},
      {"water.outbound_vs_inbound", "出境断面与入境断面对比"},
      {"noise.zone_month", "功能区月度声环境（GB 3096—2008）"},
      {"noise.regional_average", "区域声环境平均等效声级"},
      {"noise.traffic_average", "道路交通噪声平均等效声级"},
      {"gep.both_grow", "生态系统核算：GEP（不变价）与 GDP 双增长"},
      {"gep.gdp_ratio", "生态系统核算：GEP 的 GDP 转化率（已实现价值占比）"},
      {"reported.carbon_inventory", "部门报送：碳排放清单"},
      {"reported.designation", "部门报送：命名认定"},
      {"reported.energy_statistics", "部门报送：能源统计"},
      {"reported.forest_inspection", "部门报送：森林督查"},
      {"reported.forest_resource_survey", "部门报送：森林资源调查"},
      {"reported.forestry_projects", "部门报送：林业工程统计"},
      {"reported.land_survey", "部门报送：国土调查"},
      {"reported.project_count", "部门报送：项目数量"},
      {"reported.soil_erosion_survey", "部门报送：水土流失调查"},
      {"reported.soil_survey", "部门报送：土壤调查"},
      {"reported.statistics", "部门报送：统计数据"},
      {"reported.urban_statistics", "部门报送：城建统计"},
      {"geo.protected_area_share", "图层计算：自然保护地占县域面积（椭球面积）"},
      {"geo.park_5min_coverage", "图层计算：公园绿地、广场 300 米服务半径覆盖居住用地"},
      {"geo.park_5min_network", "图层计算：沿步行网络 300 米可达公园绿地、广场的居住用地"},
      {"geo.forest_share", "图层计算：土地利用现状林地（GB/T 21010）占县域面积"},
      {"eco.soil_conservation_rate", "生态系统核算：土壤侵蚀模数低于容许土壤流失量的面积占比（SL 190—2007）"},
      {"reported.water_function_zones", "部门报送：水功能区监测"}};
  c["scorecard_component"] = {{"item_progress", "事项进度"},
                              {"no_overdue", "无逾期事项"},
                              {"on_time_reporting", "按时报送"},
                              {"targets_on_track", "指标按期"}};
  c["verdict"] = {{"yes", "是"}, {"no", "否"}};
  c["layer_kind"] = {{"county", "县界"},
                     {"township", "乡镇（街道）"},
                     {"ecological_red_line", "生态保护红线"},
                     {"permanent_farmland", "永久基本农田"},
                     {"urban_boundary", "城镇开发边界"},
                     {"control_unit", "生态环境管控单元"},
                     {"nature_reserve", "自然保护地"},
                     {"heritage_site", "世界遗产地"},
                     {"water_source", "饮用水水源保护区"},
                     {"river", "河流"},
                     {"park", "公园绿地与广场"},
                     {"road", "道路"},
                     {"land_cover", "地表覆盖"},
                     {"residential", "居住用地"},
                     {"other", "其他图层"}};
  c["screen_verdict"] = {
      {"compliant", "符合"}, {"conditional", "有条件符合"}, {"review", "需人工研判"}, {"non_compliant", "不符合"}};
  c["clause_dimension"] = {{"space_layout", "空间布局约束"},
                           {"discharge", "污染物排放管控"},
                           {"risk", "环境风险防控"},
                           {"resource", "资源开发效率要求"}};
  c["clause_rule"] = {{"prohibit", "禁止"}, {"restrict", "限制"}, {"require", "要求"}, {"encourage", "鼓励"}};
  // A feature's zone, by layer kind: "kind:zone" (docs/geo.md).
  c["layer_zone"] = {{"nature_reserve:core", "核心保护区"},
                     {"nature_reserve:general", "一般控制区"},
                     {"nature_reserve:natural_park", "自然公园"},
                     {"water_source:1", "一级保护区"},
                     {"water_source:2", "二级保护区"},
                     {"water_source:quasi", "准保护区"},
                     {"control_unit:1", "优先保护单元"},
                     {"control_unit:2", "重点管控单元"},
                     {"control_unit:3", "一般管控单元"},
                     {"river:mainstem", "干流"},
                     {"river:tributary", "支流"},
                     {"park:park", "公园"},
                     {"park:square", "广场"},
                     {"road:expressway", "高速公路"},
                     {"road:county", "县道"},
                     {"heritage_site:property", "遗产地"}};
  c["read"] = {{"indicators", "查看公开指标"}, {"internal", "查看内部台账"}, {"audit", "查看审计日志"}};
  c["write"] = {{"report", "报送进展"},
                {"close_item", "销号"},
                {"import_plan", "导入计划"},
                {"add_measurement", "录入指标值"},
                {"manage_station", "管理站点"},
                {"manage_user", "管理用户"},
                {"supervise", "下发和办结督办"},
                {"answer_notice", "答复督办"},
                {"upload_evidence", "上传证明材料"}};
  return c;
}

Catalogue english() {
  Catalogue c;
  c["rating"] = {{"achieved", "achieved"},
                 {"on_schedule", "on schedule"},
                 {"slightly_behind", "slightly behind"},
                 {"behind", "behind"},
                 {"on_track", "on track"},
                 {"acceleration_needed", "acceleration needed"},
                 {"stagnation_or_regression", "stagnation or regression"},
                 {"not_yet_achieved", "not yet achieved"},
                 {"not_achieved", "not achieved"},
                 {"target_pending", "target pending"},
                 {"unable", "cannot be assessed"},
                 {"stale", "out of date"}};
  c["status"] = {{"not_started", "not started"},
                 {"on_schedule", "on schedule"},
                 {"lagging", "lagging"},
                 {"overdue", "overdue"},
                 {"done", "done"},
                 {"closed", "closed"}};
  c["lens"] = {{"schedule", "time-proportional"}, {"unsd", "trend (UNSD)"}, {"current", "current status"}};
  c["role"] = {{"admin", "administrator"},   {"office", "leading-group office"},
               {"department", "department"}, {"township", "township"},
               {"auditor", "auditor"},       {"partner", "partner (neighbouring county)"},
               {"public", "public"}};
  c["station_kind"] = {{"air", "air"}, {"water", "water"}, {"noise", "noise"}, {"source", "pollution source"}};
  c["supervision_kind"] = {{"overdue_item", "overdue"},
                           {"lagging_item", "lagging"},
                           {"missing_report", "report missing"},
                           {"lagging_target", "target lagging"}};
  c["audit_action"] = {{"plan.import", "plan imported"},
                       {"measurement.add", "value recorded"},
                       {"report.add", "progress reported"},
                       {"item.close", "item closed"},
                       {"input.rejected", "input row refused"},
                       {"station.add", "station registered"},
                       {"station.remove", "station removed"},
                       {"user.add", "user added"},
                       {"ingest.batch", "monitoring ingest"},
                       {"denied", "access denied"},
                       {"login.failed", "login failed"},
                       {"refused.invalid", "value refused as impossible"},
                       {"assessment.run", "assessment run"},
                       {"audit.seal", "existing rows sealed"},
                       {"notice.issue", "notice issued"},
                       {"notice.answer", "notice answered"},
                       {"notice.resolve", "notice resolved"},
                       {"notice.escalate", "notice escalated"},
                       {"evidence.add", "evidence uploaded"},
                       {"layer.import", "layer imported"},
                       {"partner.harvest", "partner data harvested"},
                       {"outbox.add", "message queued"},
                       {"feedback.add", "public feedback"},
                       {"feedback.decide", "feedback moderated"},
                       {"outbox.attempt", "message sent"},
                       {"db.backup", "database backed up"}};
  c["notice_state"] = {{"issued", "awaiting answer"},
                       {"answered", "awaiting decision"},
                       {"escalated", "escalated"},
                       {"resolved", "resolved"}};
  c["lens_input"] = {{"b", "b (baseline year)"},
                     {"v_b", "v_b (baseline value)"},
                     {"t", "t (latest year)"},
                     {"v_t", "v_t (latest value)"},
                     {"T", "T (target year)"},
                     {"v_T", "v_T (target value)"},
                     {"bound", "bound"},
                     {"achieved", "achieved"},
                     {"elapsed", "elapsed"},
                     {"CAGR_a", "CAGR_a"},
                     {"v_T^e", "v_T^e (expected)"},
                     {"pace_per_year", "pace per year"},
                     {"latest_year", "latest year"},
                     {"latest", "latest"},
                     {"target", "target"},
                     {"years_meeting", "years meeting"},
                     {"years", "years"},
                     {"verdict", "verdict"},
                     {"reference", "reference value"}};
  c["bound"] = {{">=", "at least"},   {"<=", "at most"},
                {"=", "equal"},       {"~", "about"},
                {"range", "range"},   {"water_class", "water class"},
                {"binary", "yes/no"}, {"qualitative", "qualitative"}};
  c["method"] = {
      {"schedule/v1", "time-proportional (v1)"},
      {"unsd-progress-chart-2023/v1", "UNSD progress chart 2023 (v1)"},
      {"current/v1", "current status (v1)"},
      {"scorecard/v2", "scorecard (v2)"},
      {"air.county_year", "county air quality of the year (HJ 633, HJ 663)"},
      {"air.good_days_ratio", "share of good days (HJ 663)"},
      {"air.pm25_annual", "PM2.5 annual mean (HJ 663)"},
      {"air.pm10_annual", "PM10 annual mean (HJ 663)"},
      {"water.station_month", "monthly class of a section (GB 3838-2002)"},
      {"water.section_class", "class of a section (GB 3838-2002)"},
      {"water.drinking_source_compliance", "drinking-water sources in compliance"},
      {"water.outbound_vs_inbound", "outbound against inbound sections"},
      {"noise.zone_month", "monthly noise by functional zone (GB 3096-2008)"},
      {"noise.regional_average", "regional noise average"},
      {"noise.traffic_average", "road traffic noise average"},
      {"gep.both_grow", "ecosystem account: GEP (constant prices) and GDP both grow"},
      {"gep.gdp_ratio", "ecosystem account: GEP-to-GDP conversion (realised share)"},
      {"reported.carbon_inventory", "reported: carbon inventory"},
      {"reported.designation", "reported: designation"},
      {"reported.energy_statistics", "reported: energy statistics"},
      {"reported.forest_inspection", "reported: forest inspection"},
      {"reported.forest_resource_survey", "reported: forest resource survey"},
      {"reported.forestry_projects", "reported: forestry projects"},
      {"reported.land_survey", "reported: land survey"},
      {"reported.project_count", "reported: project count"},
      {"reported.soil_erosion_survey", "reported: soil erosion survey"},
      {"reported.soil_survey", "reported: soil survey"},
      {"reported.statistics", "reported: statistics"},
      {"reported.urban_statistics", "reported: urban statistics"},
      {"geo.protected_area_share", "from the layers: protected areas over the county (ellipsoidal areas)"},
      {"geo.park_5min_coverage", "from the layers: residential land within 300 m of parks and squares"},
      {"geo.park_5min_network", "from the layers: residential land within a 300 m walk of parks and squares"},
      {"geo.forest_share", "from the layers: forest land classes (GB/T 21010) over the county"},
      {"eco.soil_conservation_rate",
       "ecosystem account: land whose RUSLE erosion is below the allowable loss (SL 190-2007)"},
      {"reported.water_function_zones", "reported: water function zones"}};
  c["scorecard_component"] = {{"item_progress", "item progress"},
                              {"no_overdue", "no overdue items"},
                              {"on_time_reporting", "on-time reporting"},
                              {"targets_on_track", "targets on track"}};
  c["verdict"] = {{"yes", "yes"}, {"no", "no"}};
  c["layer_kind"] = {{"county", "county boundary"},
                     {"township", "townships"},
                     {"ecological_red_line", "ecological protection red line"},
                     {"permanent_farmland", "permanent basic farmland"},
                     {"urban_boundary", "urban development boundary"},
                     {"control_unit", "environmental control units"},
                     {"nature_reserve", "protected areas"},
                     {"heritage_site", "world heritage"},
                     {"water_source", "drinking-water source zones"},
                     {"river", "rivers"},
                     {"park", "parks and squares"},
                     {"road", "roads"},
                     {"land_cover", "land cover"},
                     {"residential", "residential land"},
                     {"other", "other layers"}};
  c["screen_verdict"] = {{"compliant", "compliant"},
                         {"conditional", "compliant with conditions"},
                         {"review", "needs review"},
                         {"non_compliant", "not compliant"}};
  c["clause_dimension"] = {{"space_layout", "spatial layout"},
                           {"discharge", "pollutant discharge"},
                           {"risk", "risk prevention"},
                           {"resource", "resource efficiency"}};
  c["clause_rule"] = {
      {"prohibit", "prohibit"}, {"restrict", "restrict"}, {"require", "require"}, {"encourage", "encourage"}};
  c["layer_zone"] = {{"nature_reserve:core", "core zone"},
                     {"nature_reserve:general", "general control zone"},
                     {"nature_reserve:natural_park", "natural park"},
                     {"water_source:1", "grade I zone"},
                     {"water_source:2", "grade II zone"},
                     {"water_source:quasi", "quasi-protection zone"},
                     {"control_unit:1", "priority protection unit"},
                     {"control_unit:2", "key control unit"},
                     {"control_unit:3", "general control unit"},
                     {"river:mainstem", "main stem"},
                     {"river:tributary", "tributary"},
                     {"park:park", "park"},
                     {"park:square", "square"},
                     {"road:expressway", "expressway"},
                     {"road:county", "county road"},
                     {"heritage_site:property", "heritage property"}};
  c["read"] = {{"indicators", "read published indicators"},
               {"internal", "read internal tracking"},
               {"audit", "read the audit log"}};
  c["write"] = {{"report", "report progress"},
                {"close_item", "close items"},
                {"import_plan", "import the plan"},
                {"add_measurement", "record values"},
                {"manage_station", "manage stations"},
                {"manage_user", "manage users"},
                {"supervise", "issue and decide notices"},
                {"answer_notice", "answer notices"},
                {"upload_evidence", "upload evidence"}};
  return c;
}

}  // namespace

const Catalogue& labels(Lang lang) {
  static const Catalogue kZh = chinese(), kEn = english();
  return lang == Lang::zh ? kZh : kEn;
}

std::string label(Lang lang, const std::string& group, const std::string& code) {
  const auto& c = labels(lang);
  auto g = c.find(group);
  if (g == c.end()) return code;
  auto it = g->second.find(code);
  return it == g->second.end() ? code : it->second;
}

}  // namespace shanshui::service
