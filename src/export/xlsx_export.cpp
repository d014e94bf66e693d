// xlsx_export.cpp: the 打表 workbook, written with libxlsxwriter (one workbook per call).
#include <xlsxwriter.h>

#include "core/csv.h"
#include "core/text.h"
#include "export/exports.h"
#include "export/xlsx_style.h"
#include "plan/item_status.h"

namespace shanshui::exporting {
namespace {

lxw_error write_text(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const char* text, lxw_format* format) {
  return xlsx::text(ws, row, col, text ? text : "", format);
}

std::string depts(const std::vector<plan::DeptRef>& refs) {
  std::vector<std::string> names;
  names.reserve(refs.size());
  for (const auto& r : refs) names.push_back(r.written);
  return text::join(names, "、");
}

std::string lens_summary(const plan::Plan& p, const service::TrackingView& view, const std::vector<std::string>& ids,
                         size_t lens) {
  std::vector<std::string> lines;
  for (const auto& id : ids) {
    const auto* tv = view.find_target(id);
    if (!tv) continue;
    (void)p;
    lines.push_back(tv->target->name + "：" + plan::lens_rating_label(tv->lenses[lens].rating));
  }
  return text::join(lines, "\n");
}

}  // namespace

Status write_progress_xlsx(const plan::Plan& p, const service::TrackingView& view,
                           const std::vector<service::SupervisionEntry>& supervision, const std::string& path,
                           const service::AuditDigest* digest) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) return fail(path + ": cannot create workbook");
  const xlsx::Formats formats = xlsx::add_formats(wb);
  lxw_format* head = formats.head;
  lxw_format* cell = formats.cell;
  lxw_format* title = formats.title;
  lxw_format* pct = workbook_add_format(wb);
  format_set_border(pct, LXW_BORDER_THIN);
  format_set_num_format(pct, "0\"%\"");
  format_set_align(pct, LXW_ALIGN_VERTICAL_TOP);

  // Sheet 1: the task list in the draft's layout, plus progress.
  lxw_worksheet* ws = workbook_add_worksheet(wb, "重点任务清单");
  const char* headers[] = {"行动计划", "重点任务", "编号",     "主要内容", "牵头部门",         "责任部门", "状态",
                           "完成率",   "最新报告", "证明材料", "序时进度", "联合国统计司方法", "当前达成"};
  double widths[] = {14, 14, 7, 60, 16, 24, 10, 8, 30, 18, 22, 22, 22};
  worksheet_merge_range(ws, 0, 0, 0, 12, (p.title + "  重点任务清单（截至 " + view.as_of.iso() + "）").c_str(), title);
  for (int c = 0; c < 13; ++c) {
    write_text(ws, 1, static_cast<lxw_col_t>(c), headers[c], head);
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c], nullptr);
  }
  worksheet_freeze_panes(ws, 2, 0);
  lxw_row_t row = 2;
  for (const auto& a : p.actions) {
    lxw_row_t action_first = row;
    for (const auto& t : a.tasks) {
      lxw_row_t task_first = row;
      for (const auto& i : t.items) {
        const auto* iv = view.find_item(i.id);
        write_text(ws, row, 2, i.id.c_str(), cell);
        write_text(ws, row, 3, i.text.c_str(), cell);
        write_text(ws, row, 4, depts(i.lead).c_str(), cell);
        write_text(ws, row, 5, depts(i.responsible).c_str(), cell);
        write_text(ws, row, 6, plan::item_status_label(iv->status.code), cell);
        worksheet_write_number(ws, row, 7, iv->status.percent, pct);
        std::string latest = iv->latest ? iv->latest->period + " " + iv->latest->narrative : "";
        write_text(ws, row, 8, latest.c_str(), cell);
        write_text(ws, row, 9, iv->latest ? iv->latest->evidence.c_str() : "", cell);
        for (size_t lens = 0; lens < 3; ++lens)
          write_text(ws, row, static_cast<lxw_col_t>(10 + lens), lens_summary(p, view, iv->targets, lens).c_str(),
                     cell);
        ++row;
      }
      if (row - 1 > task_first)
        worksheet_merge_range(ws, task_first, 1, row - 1, 1, t.name.c_str(), cell);
      else
        write_text(ws, task_first, 1, t.name.c_str(), cell);
    }
    if (row - 1 > action_first)
      worksheet_merge_range(ws, action_first, 0, row - 1, 0, a.name.c_str(), cell);
    else
      write_text(ws, action_first, 0, a.name.c_str(), cell);
  }
  worksheet_autofilter(ws, 1, 0, row - 1, 12);

  // Sheet 2: targets and their lenses.
  lxw_worksheet* ts = workbook_add_worksheet(wb, "目标");
  const char* theads[] = {
      "编号",     "指标",     "目标",     "年份", "基期值", "最新值", "最新年份", "序时进度", "联合国统计司方法",
      "当前达成", "牵头部门", "测算方法", "出处"};
  double twidths[] = {26, 30, 14, 6, 10, 10, 8, 12, 16, 10, 16, 30, 14};
  for (int c = 0; c < 13; ++c) {
    write_text(ts, 0, static_cast<lxw_col_t>(c), theads[c], head);
    worksheet_set_column(ts, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), twidths[c], nullptr);
  }
  worksheet_freeze_panes(ts, 1, 0);
  row = 1;
  for (const auto& tv : view.targets) {
    const auto& t = *tv.target;
    std::string base = t.baseline_value ? *t.baseline_value + " (" + std::to_string(t.baseline_year) + ")" : "未知";
    std::string latest = tv.series.empty() ? "" : tv.series.back().value;
    std::string latest_year = tv.series.empty() ? "" : std::to_string(tv.series.back().year);
    std::vector<std::string> cells = {t.id,
                                      t.name,
                                      target_label(t),
                                      std::to_string(t.year),
                                      base,
                                      latest,
                                      latest_year,
                                      plan::lens_rating_label(tv.lenses[0].rating),
                                      plan::lens_rating_label(tv.lenses[1].rating),
                                      plan::lens_rating_label(tv.lenses[2].rating),
                                      t.lead.written,
                                      t.measure.kind + ": " + t.measure.method + " " + t.measure.version,
                                      t.clause};
    for (size_t c = 0; c < cells.size(); ++c) write_text(ts, row, static_cast<lxw_col_t>(c), cells[c].c_str(), cell);
    ++row;
  }
  worksheet_autofilter(ts, 0, 0, row - 1, 12);

  // Sheet 3: the supervision list.
  lxw_worksheet* ss = workbook_add_worksheet(wb, "督办");
  const char* sheads[] = {"部门", "类型", "对象", "说明"};
  double swidths[] = {18, 14, 24, 60};
  for (int c = 0; c < 4; ++c) {
    write_text(ss, 0, static_cast<lxw_col_t>(c), sheads[c], head);
    worksheet_set_column(ss, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), swidths[c], nullptr);
  }
  row = 1;
  for (const auto& e : supervision) {
    const auto* d = p.find_department(e.department);
    const char* kind = e.kind == "lagging_target" ? "目标滞后"
                       : e.kind == "overdue_item" ? "任务逾期"
                       : e.kind == "lagging_item" ? "任务滞后"
                                                  : "未按期报告";
    write_text(ss, row, 0, d ? d->name.c_str() : e.department.c_str(), cell);
    write_text(ss, row, 1, kind, cell);
    write_text(ss, row, 2, e.ref.c_str(), cell);
    write_text(ss, row, 3, e.message.c_str(), cell);
    ++row;
  }

  // Sheet 4: the signed digest of the audit log's head (service/audit_digest.h).
  if (digest) {
    lxw_worksheet* ds = workbook_add_worksheet(wb, "审计摘要");
    worksheet_set_column(ds, 0, 0, 18, nullptr);
    worksheet_set_column(ds, 1, 1, 100, nullptr);
    std::string json = service::digest_json(*digest);
    const std::pair<const char*, std::string> rows[] = {
        {"日志条目", std::to_string(digest->head_id)},
        {"条目哈希", digest->head_hash},
        {"签名时间", digest->at},
        {"公钥（Ed25519）", digest->public_key},
        {"签名", digest->signature},
        {"核验方法", "将下一行存为 digest.json，运行 shanshui audit verify --digest digest.json --public-key <公钥>"},
        {"摘要 JSON", json}};
    lxw_row_t r = 0;
    for (const auto& [label, value] : rows) {
      write_text(ds, r, 0, label, head);
      write_text(ds, r, 1, value.c_str(), cell);
      ++r;
    }
  }

  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) return fail(path + ": cannot write workbook: " + lxw_strerror(err));
  return {};
}

}  // namespace shanshui::exporting
