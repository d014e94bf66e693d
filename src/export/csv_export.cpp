// csv_export.cpp: the progress table as CSV, one row per work item, for Excel: UTF-8 with a BOM
// (without it Excel reads the Chinese as GBK and garbles it), Chinese headers and labels, target
// names rather than ids. Machines read the JSON export.
#include <cstdio>
#include <map>

#include "core/csv.h"
#include "core/text.h"
#include "export/exports.h"
#include "plan/item_status.h"

namespace shanshui::exporting {

std::string progress_csv(const plan::Plan& p, const service::TrackingView& view) {
  std::string out =
      "\xEF\xBB\xBF"  // UTF-8 byte order mark
      "行动,重点任务,编号,工作事项,牵头单位,责任单位,状态,完成百分比,最新报送期,最新进展,佐证材料,关联指标\n";
  for (const auto& a : p.actions)
    for (const auto& t : a.tasks)
      for (const auto& i : t.items) {
        const auto* iv = view.find_item(i.id);
        std::vector<std::string> lead, resp;
        for (const auto& r : i.lead) lead.push_back(r.written);
        for (const auto& r : i.responsible) resp.push_back(r.written);
        char pct[32];
        std::snprintf(pct, sizeof pct, "%g%%", iv->status.percent);
        std::vector<std::string> targets;
        for (const auto& id : iv->targets)
          if (const auto* t = p.find_target(id)) targets.push_back(t->name);
        std::vector<std::string> row = {a.name,
                                        t.name,
                                        i.id,
                                        i.text,
                                        text::join(lead, "、"),
                                        text::join(resp, "、"),
                                        plan::item_status_label(iv->status.code),
                                        pct,
                                        iv->latest ? iv->latest->period : "",
                                        iv->latest ? iv->latest->narrative : "",
                                        iv->latest ? iv->latest->evidence : "",
                                        text::join(targets, "、")};
        for (size_t k = 0; k < row.size(); ++k) out += (k ? "," : "") + csv_escape(row[k]);
        out += "\n";
      }
  return out;
}

std::string notices_csv(const plan::Plan& p, const std::vector<service::NoticeView>& notices) {
  static const std::map<std::string, std::string> kState = {
      {"issued", "待答复"}, {"answered", "待办结"}, {"escalated", "已通报"}, {"resolved", "已办结"}};
  static const std::map<std::string, std::string> kStep = {
      {"answer", "答复"}, {"resolve", "办结"}, {"escalate", "通报"}};
  std::string out =
      "\xEF\xBB\xBF"  // UTF-8 byte order mark (Excel)
      "编号,对象类型,对象编号,对象,承办单位,办理期限,督办要求,下发人,下发时间,状态,是否逾期,办理记录\n";
  for (const auto& v : notices) {
    const auto& n = v.notice;
    std::string subject = n.subject;
    if (const auto* item = n.subject_kind == "item" ? p.find_item(n.subject) : nullptr) subject = item->text;
    if (const auto* t = n.subject_kind == "target" ? p.find_target(n.subject) : nullptr) subject = t->name;
    const auto* d = p.find_department(n.department);
    std::vector<std::string> steps;
    for (const auto& e : v.events) {
      auto step = kStep.find(e.action);
      steps.push_back(e.at.substr(0, 16) + " " + e.actor + " " + (step != kStep.end() ? step->second : e.action) +
                      "：" + e.text);
    }
    auto state = kState.find(v.state);
    std::vector<std::string> row = {std::to_string(n.id),
                                    n.subject_kind == "item" ? "工作事项" : "指标",
                                    n.subject,
                                    subject,
                                    d ? d->name : n.department,
                                    n.due,
                                    n.request,
                                    n.issued_by,
                                    n.issued_at.substr(0, 16),
                                    state != kState.end() ? state->second : v.state,
                                    v.overdue ? "是" : "否",
                                    text::join(steps, "\n")};
    for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_escape(row[i]);
    out += "\n";
  }
  return out;
}

}  // namespace shanshui::exporting
