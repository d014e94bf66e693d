// csv_export.cpp: the progress table as CSV, one row per work item, for Excel: UTF-8 with a BOM
// (without it Excel reads the Chinese as GBK and garbles it), Chinese headers and labels, target
// names rather than ids. Machines read the JSON export.
#include <cstdio>

#include "core/text.h"
#include "export/exports.h"
#include "plan/item_status.h"
#include "service/csv.h"

namespace shanshui::exporting {

std::string progress_csv(const plan::Plan& p, const service::TrackingView& view) {
  using service::csv_escape;
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

}  // namespace shanshui::exporting
