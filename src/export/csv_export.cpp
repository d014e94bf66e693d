// csv_export.cpp: the progress table as CSV, one row per work item.
#include <cstdio>

#include "core/text.h"
#include "export/exports.h"
#include "plan/item_status.h"
#include "service/csv.h"

namespace shanshui::exporting {

std::string progress_csv(const plan::Plan& p, const service::TrackingView& view) {
  using service::csv_escape;
  std::string out =
      "action,task,item,text,lead,responsible,status,percent,latest_period,latest_narrative,evidence,targets\n";
  for (const auto& a : p.actions)
    for (const auto& t : a.tasks)
      for (const auto& i : t.items) {
        const auto* iv = view.find_item(i.id);
        std::vector<std::string> lead, resp;
        for (const auto& r : i.lead) lead.push_back(r.written);
        for (const auto& r : i.responsible) resp.push_back(r.written);
        char pct[32];
        std::snprintf(pct, sizeof pct, "%g", iv->status.percent);
        std::vector<std::string> row = {a.name,
                                        t.name,
                                        i.id,
                                        i.text,
                                        text::join(lead, "、"),
                                        text::join(resp, "、"),
                                        iv->status.code,
                                        pct,
                                        iv->latest ? iv->latest->period : "",
                                        iv->latest ? iv->latest->narrative : "",
                                        iv->latest ? iv->latest->evidence : "",
                                        text::join(iv->targets, " ")};
        for (size_t k = 0; k < row.size(); ++k) out += (k ? "," : "") + csv_escape(row[k]);
        out += "\n";
      }
  return out;
}

}  // namespace shanshui::exporting
