// open_data_xlsx.cpp: an open dataset as a workbook — sheet 数据 (the rows, values as numbers where
// they are numbers) and sheet 说明 (title, description, licence, publisher, source, date).
#include <xlsxwriter.h>

#include <charconv>

#include "export/exports.h"
#include "export/xlsx_style.h"
#include "service/open_data.h"

namespace shanshui::exporting {

Status write_dataset_xlsx(const service::OpenDataset& d, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return fail(path + ": cannot create workbook");
  const xlsx::Formats f = xlsx::add_formats(wb);
  lxw_worksheet* data = workbook_add_worksheet(wb, "数据");
  for (size_t c = 0; c < d.columns.size(); ++c) {
    worksheet_set_column(data, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), 16, nullptr);
    xlsx::text(data, 0, static_cast<lxw_col_t>(c), d.columns[c].second, f.head);
  }
  worksheet_freeze_panes(data, 1, 0);
  lxw_row_t row = 1;
  for (const auto& r : d.rows) {
    for (size_t c = 0; c < r.size() && c < d.columns.size(); ++c) {
      const std::string& v = r[c];
      double number = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), number);
      bool numeric = (d.columns[c].first == "value") && !v.empty() && ec == std::errc() && end == v.data() + v.size();
      if (numeric)
        worksheet_write_number(data, row, static_cast<lxw_col_t>(c), number, nullptr);
      else
        xlsx::text(data, row, static_cast<lxw_col_t>(c), v, nullptr);
    }
    ++row;
  }
  lxw_worksheet* about = workbook_add_worksheet(wb, "说明");
  worksheet_set_column(about, 0, 0, 14, nullptr);
  worksheet_set_column(about, 1, 1, 90, nullptr);
  xlsx::text(about, 0, 0, d.title, f.title);
  const std::pair<const char*, std::string> facts[] = {{"说明", d.description},
                                                       {"许可", d.licence},
                                                       {"许可全文", d.licence_url},
                                                       {"发布单位", d.publisher},
                                                       {"来源", d.source},
                                                       {"更新时间", d.updated},
                                                       {"行数", std::to_string(d.rows.size())}};
  lxw_row_t at = 2;
  for (const auto& [k, v] : facts) {
    xlsx::text(about, at, 0, k, f.head);
    xlsx::text(about, at++, 1, v, f.cell);
  }
  if (lxw_error e = workbook_close(wb); e != LXW_NO_ERROR) return fail(path + ": " + lxw_strerror(e));
  return {};
}

}  // namespace shanshui::exporting
