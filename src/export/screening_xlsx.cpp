// screening_xlsx.cpp: a screening (三线一单 pre-assessment) as a workbook the applicant and the
// bureau can file: the verdict with every finding and its basis, the layers touched, the protected
// features nearby and the access-list clauses, in Chinese.
#include <xlsxwriter.h>

#include <cstdio>

#include "core/csv.h"
#include "export/exports.h"
#include "export/xlsx_style.h"
#include "service/labels.h"
#include "service/zoning.h"

namespace shanshui::exporting {
namespace {

using xlsx::text;

std::string zh(const char* group, const std::string& code) { return service::label(service::Lang::zh, group, code); }

}  // namespace

Status write_screening_xlsx(const geo::Screening& r, const std::string& industry, const std::string& as_of,
                            const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return fail(path + ": cannot create workbook");
  const xlsx::Formats formats = xlsx::add_formats(wb);
  lxw_format* head = formats.head;
  lxw_format* cell = formats.cell;
  lxw_format* title = formats.title;
  lxw_format* num = workbook_add_format(wb);
  format_set_border(num, LXW_BORDER_THIN);
  format_set_num_format(num, "#,##0.00");

  auto table = [&](const char* name, std::vector<std::pair<const char*, double>> columns) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, name);
    for (size_t c = 0; c < columns.size(); ++c) {
      worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), columns[c].second, nullptr);
      text(ws, 0, static_cast<lxw_col_t>(c), columns[c].first, head);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
  };

  lxw_worksheet* summary = workbook_add_worksheet(wb, "研判结论");
  worksheet_set_column(summary, 0, 0, 16, nullptr);
  worksheet_set_column(summary, 1, 1, 60, nullptr);
  worksheet_set_column(summary, 2, 2, 60, nullptr);
  text(summary, 0, 0, "三线一单项目预筛查", title);
  char area[64];
  std::snprintf(area, sizeof area, "%.2f 公顷（%.0f 平方米）", r.project_area_m2 / 1e4, r.project_area_m2);
  const std::pair<const char*, std::string> facts[] = {
      {"研判结论", service::screening_verdict_label(r.verdict)},
      {"项目用地面积", area},
      {"行业代码", industry.empty() ? "未提供（GB/T 4754-2017）" : industry},
      {"研判日期", as_of},
      {"说明", "依据一张图图层与生态环境准入清单自动预判，仅供参考，不作为审批结论；图层与清单版本见平台审计日志"}};
  lxw_row_t row = 2;
  for (const auto& [k, v] : facts) {
    text(summary, row, 0, k, head);
    text(summary, row++, 1, v, cell);
  }
  ++row;
  text(summary, row, 0, "结论", head);
  text(summary, row, 1, "发现", head);
  text(summary, row++, 2, "依据", head);
  for (const auto& f : r.findings) {
    text(summary, row, 0, service::screening_verdict_label(f.verdict), cell);
    text(summary, row, 1, f.reason, cell);
    text(summary, row++, 2, f.basis, cell);
  }
  if (r.findings.empty()) text(summary, row, 1, "未发现与空间管控要求冲突之处", cell);

  lxw_worksheet* ov = table("涉及图层", {{"图层类型", 18},
                                         {"图层", 22},
                                         {"要素", 40},
                                         {"编码", 18},
                                         {"分区", 14},
                                         {"重叠面积（平方米）", 18},
                                         {"占项目比例（%）", 14}});
  row = 1;
  for (const auto& o : r.overlaps) {
    text(ov, row, 0, zh("layer_kind", o.kind), cell);
    text(ov, row, 1, o.layer, cell);
    text(ov, row, 2, o.name.empty() ? o.feature : o.name, cell);
    text(ov, row, 3, o.code, cell);
    text(ov, row, 4, o.zone.empty() ? "" : zh("layer_zone", o.kind + ":" + o.zone), cell);
    worksheet_write_number(ov, row, 5, o.area_m2, num);
    worksheet_write_number(ov, row++, 6, 100 * o.share, num);
  }
  lxw_worksheet* nb = table("周边保护要素", {{"图层类型", 18}, {"图层", 22}, {"最近要素", 40}, {"距离（米）", 14}});
  row = 1;
  for (const auto& n : r.nearby) {
    text(nb, row, 0, zh("layer_kind", n.kind), cell);
    text(nb, row, 1, n.layer, cell);
    text(nb, row, 2, n.name.empty() ? n.feature : n.name, cell);
    worksheet_write_number(nb, row++, 3, n.distance_m, num);
  }
  lxw_worksheet* cl = table(
      "准入清单条款", {{"管控单元", 18}, {"维度", 16}, {"类型", 8}, {"条款", 60}, {"出处", 36}, {"适用原因", 30}});
  row = 1;
  for (const auto& c : r.clauses) {
    text(cl, row, 0, c.clause.unit_code, cell);
    text(cl, row, 1, zh("clause_dimension", c.clause.dimension), cell);
    text(cl, row, 2, zh("clause_rule", c.clause.rule), cell);
    text(cl, row, 3, c.clause.text, cell);
    text(cl, row, 4, c.clause.source, cell);
    text(cl, row++, 5, c.applies, cell);
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return fail(path + ": cannot write workbook");
  return {};
}

}  // namespace shanshui::exporting
