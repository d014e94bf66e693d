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
  for (const char* r : {"achieved", "on_schedule", "slightly_behind", "behind", "on_track", "acceleration_needed",
                        "stagnation_or_regression", "not_achieved", "unable", "stale"})
    c["rating"][r] = plan::lens_rating_label(r);
  for (const char* s : {"not_started", "on_schedule", "lagging", "overdue", "done", "closed"})
    c["status"][s] = plan::item_status_label(s);
  c["lens"] = {{"schedule", "序时进度"}, {"unsd", "趋势预测"}, {"current", "当前达标"}};
  c["role"] = {{"admin", "管理员"},  {"office", "领导小组办公室"}, {"department", "部门"},
               {"township", "乡镇"}, {"auditor", "审计"},          {"public", "公众"}};
  c["station_kind"] = {{"air", "空气"}, {"water", "水质"}, {"noise", "噪声"}, {"source", "污染源"}};
  c["supervision_kind"] = {{"overdue_item", "逾期"},
                           {"lagging_item", "滞后"},
                           {"missing_report", "未按期报送"},
                           {"lagging_target", "指标滞后"}};
  c["audit_action"] = {
      {"plan.import", "导入计划"},    {"measurement.add", "录入指标值"}, {"report.add", "报送进展"},
      {"item.close", "销号"},         {"input.rejected", "拒收输入行"},  {"station.add", "登记站点"},
      {"station.remove", "注销站点"}, {"user.add", "添加用户"},          {"ingest.batch", "监测数据入库"},
      {"denied", "拒绝越权操作"},     {"login.failed", "登录失败"},      {"refused.invalid", "拒收不实数据"},
      {"assessment.run", "评估运行"}, {"audit.seal", "封存既有数据"},    {"notice.issue", "下发督办"},
      {"notice.answer", "答复督办"},  {"notice.resolve", "督办办结"},    {"notice.escalate", "督办通报"}};
  c["notice_state"] = {{"issued", "待答复"}, {"answered", "待办结"}, {"escalated", "已通报"}, {"resolved", "已办结"}};
  c["read"] = {{"indicators", "查看公开指标"}, {"internal", "查看内部台账"}, {"audit", "查看审计日志"}};
  c["write"] = {{"report", "报送进展"},          {"close_item", "销号"},
                {"import_plan", "导入计划"},     {"add_measurement", "录入指标值"},
                {"manage_station", "管理站点"},  {"manage_user", "管理用户"},
                {"supervise", "下发和办结督办"}, {"answer_notice", "答复督办"}};
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
                 {"not_achieved", "not achieved"},
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
               {"auditor", "auditor"},       {"public", "public"}};
  c["station_kind"] = {{"air", "air"}, {"water", "water"}, {"noise", "noise"}, {"source", "pollution source"}};
  c["supervision_kind"] = {{"overdue_item", "overdue"},
                           {"lagging_item", "lagging"},
                           {"missing_report", "report missing"},
                           {"lagging_target", "target lagging"}};
  c["audit_action"] = {{"plan.import", "plan imported"},        {"measurement.add", "value recorded"},
                       {"report.add", "progress reported"},     {"item.close", "item closed"},
                       {"input.rejected", "input row refused"}, {"station.add", "station registered"},
                       {"station.remove", "station removed"},   {"user.add", "user added"},
                       {"ingest.batch", "monitoring ingest"},   {"denied", "access denied"},
                       {"login.failed", "login failed"},        {"refused.invalid", "value refused as impossible"},
                       {"assessment.run", "assessment run"},    {"audit.seal", "existing rows sealed"},
                       {"notice.issue", "notice issued"},       {"notice.answer", "notice answered"},
                       {"notice.resolve", "notice resolved"},   {"notice.escalate", "notice escalated"}};
  c["notice_state"] = {{"issued", "awaiting answer"},
                       {"answered", "awaiting decision"},
                       {"escalated", "escalated"},
                       {"resolved", "resolved"}};
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
                {"answer_notice", "answer notices"}};
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
