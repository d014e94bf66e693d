// cli_tracking.cpp: reports, measurements, closures, the progress table, supervision, scorecard, exports.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "core/file.h"
#include "core/text.h"
#include "export/exports.h"
#include "plan/item_status.h"
#include "plan/loader.h"
#include "service/scorecard.h"
#include "service/supervision.h"
#include "service/tracking.h"

namespace shanshui::app {
namespace {

// The plan, the store's data and the view, loaded once per command.
struct Loaded {
  std::unique_ptr<store::Store> store;
  plan::Plan plan;
  std::vector<store::ProgressReport> reports;
  service::TrackingView view;
};

Result<Loaded> load(const Common& c, const std::string& as_of) {
  auto date = as_of_date(as_of);
  if (!date) return fail("--as-of: " + date.error().message);
  auto s = open_store(c);
  SS_TRY(s);
  auto p = current_plan(**s);
  SS_TRY(p);
  auto t = service::load_tracking(**s, std::move(*p), *date);
  SS_TRY(t);
  return Loaded{std::move(*s), std::move(t->plan), std::move(t->reports), std::move(t->view)};
}

// Reads and validates an input file, then stores it: all rows or none unless accept_valid,
// in which case good rows land and refused rows are kept in rejected_rows for inspection.
template <class Row, class Intake, class Add>
int ingest(const Common& c, const std::string& file, bool accept_valid, const char* what, Intake intake, Add add) {
  auto text = read_file(file);
  if (!text) return refuse(text.error().message);
  auto csv = parse_csv(*text, file);
  if (!csv) return refuse(csv.error().message);
  auto s = open_store(c);
  if (!s) return refuse(s.error().message);
  auto p = current_plan(**s);
  if (!p) return refuse(p.error().message);
  auto checked = intake(*p, *csv, file);
  if (!checked) return refuse(checked.error().message);
  for (const auto& r : checked->rejected) std::cerr << "refused: " << r.reason << "\n";
  if (!checked->rejected.empty() && !accept_valid)
    return refuse(file + ": " + std::to_string(checked->rejected.size()) + " of " +
                  std::to_string(csv->records.size()) + " " + what +
                  " refused; nothing stored (fix them, or pass --accept-valid to store the valid rows " +
                  "and keep the refused ones for inspection)");
  auto added = add(**s, checked->accepted);
  if (!added) return refuse(added.error().message);
  if (!checked->rejected.empty())
    if (auto st = (*s)->add_rejected(checked->rejected); !st) return refuse(st.error().message);
  std::cerr << file << ": " << *added << " " << what << " stored, "
            << (checked->accepted.size() - static_cast<size_t>(*added)) << " already present, "
            << checked->rejected.size() << " refused\n";
  return checked->rejected.empty() ? 0 : 2;
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

void print_row(const std::vector<std::pair<std::string, int>>& cells) {
  std::string line;
  for (const auto& [s, w] : cells) line += text::pad_right(text::ellipsize(s, w), w) + " ";
  std::cout << text::trim(line) << "\n";
}

}  // namespace

int report_submit(const Common& c, const std::string& file, bool accept_valid, bool claim_reported_at) {
  service::ReportIntakeOptions options;
  options.claim_reported_at = claim_reported_at;
  if (claim_reported_at) {  // a claimed time may not go back before what is already on record
    auto s = open_store(c);
    if (!s) return refuse(s.error().message);
    auto stored = (*s)->reports();
    if (!stored) return refuse(stored.error().message);
    for (const auto& r : *stored) {
      auto& last = options.last_reported_at[r.item_id + "|" + r.reporter];
      if (r.reported_at > last) last = r.reported_at;
      options.stored.insert(service::report_key(r));
    }
  }
  auto intake = [&options](const plan::Plan& p, const CsvTable& csv, const std::string& origin) {
    return service::intake_reports(p, csv, origin, options);
  };
  return ingest<store::ProgressReport>(c, file, accept_valid, "reports", intake,
                                       [](store::Store& s, const auto& rows) { return s.add_reports(rows); });
}

int measure_import(const Common& c, const std::string& file, bool accept_valid) {
  return ingest<store::Measurement>(c, file, accept_valid, "measurements", service::intake_measurements,
                                    [](store::Store& s, const auto& rows) { return s.add_measurements(rows); });
}

int report_rejected(const Common& c) {
  auto s = open_store(c);
  if (!s) return refuse(s.error().message);
  auto rows = (*s)->rejected();
  if (!rows) return refuse(rows.error().message);
  for (const auto& r : *rows) std::cout << r.at << "  " << r.reason << "\n    " << r.raw << "\n";
  std::cout << rows->size() << " refused rows kept\n";
  return 0;
}

int item_close(const Common& c, const std::string& item, const std::string& evidence, const std::string& approver,
               const std::string& note, const std::string& date) {
  auto l = load(c, date);
  if (!l) return refuse(l.error().message);
  const auto* iv = l->view.find_item(item);
  if (!iv) return refuse("unknown work item '" + item + "'");
  if (evidence.empty()) return refuse("closing " + item + " needs --evidence (销号 only with evidence)");
  std::string approver_id = l->plan.resolve_department(approver);
  if (approver_id.empty()) return refuse("unknown department '" + approver + "'");
  if (approver_id != l->plan.office_host.id)
    return refuse(approver + " cannot approve a closure: only the leading-group office (" +
                  l->plan.office_host.written + ") approves 销号");
  if (iv->status.code == "closed") return refuse(item + " is already closed");
  if (iv->status.code != "done")
    return refuse(item + " is " + plan::item_status_label(iv->status.code) + ", not done: close only completed items");
  store::Closure cl{0, item, evidence, approver_id, date.empty() ? "" : date + "T00:00:00+08:00", note};
  if (auto s = l->store->add_closure(cl); !s) return refuse(s.error().message);
  std::cerr << item << " closed (销号), approved by " << approver << "\n";
  return 0;
}

int progress(const Common& c, const std::string& as_of, bool csv) {
  auto l = load(c, as_of);
  if (!l) return refuse(l.error().message);
  if (c.json) {
    std::cout << exporting::progress_json(l->plan, l->view) << "\n";
    return 0;
  }
  if (csv) {
    std::cout << exporting::progress_csv(l->plan, l->view);
    return 0;
  }
  std::cout << l->plan.title << "\n截至 " << l->view.as_of.iso() << "\n\n目标（" << l->view.targets.size() << "）\n";
  print_row({{"编号", 28}, {"指标", 30}, {"目标", 14}, {"最新值", 14}, {"序时进度", 10}, {"UNSD", 10}, {"当前", 8}});
  for (const auto& tv : l->view.targets) {
    std::string latest =
        tv.series.empty() ? "—" : tv.series.back().value + " (" + std::to_string(tv.series.back().year) + ")";
    print_row({{tv.target->id, 28},
               {tv.target->name, 30},
               {exporting::target_label(*tv.target), 14},
               {latest, 14},
               {plan::lens_rating_label(tv.lenses[0].rating), 10},
               {plan::lens_rating_label(tv.lenses[1].rating), 10},
               {plan::lens_rating_label(tv.lenses[2].rating), 8}});
  }
  std::cout << "\n主要内容（" << l->view.items.size() << "）\n";
  print_row({{"编号", 7}, {"牵头部门", 18}, {"状态", 10}, {"完成率", 6}, {"最新报告", 60}});
  std::map<std::string, int> counts;
  for (const auto& iv : l->view.items) {
    std::vector<std::string> lead;
    for (const auto& r : iv.item->lead) lead.push_back(r.written);
    ++counts[iv.status.code];
    print_row({{iv.item->id, 7},
               {text::join(lead, "、"), 18},
               {plan::item_status_label(iv.status.code), 10},
               {fixed(iv.status.percent, 0) + "%", 6},
               {iv.latest ? iv.latest->period + " " + iv.latest->narrative : "—", 60}});
  }
  std::cout << "\n";
  for (const char* code : {"not_started", "on_schedule", "lagging", "overdue", "done", "closed"})
    std::cout << plan::item_status_label(code) << " " << counts[code] << "  ";
  std::cout << "\n";
  return 0;
}

int explain_target(const Common& c, const std::string& as_of, const std::string& target_id) {
  auto l = load(c, as_of);
  if (!l) return refuse(l.error().message);
  const auto* tv = l->view.find_target(target_id);
  if (!tv) return refuse("unknown target '" + target_id + "'");
  const auto& t = *tv->target;
  std::cout << t.id << "  " << t.name << "\n目标: " << exporting::target_label(t) << " (" << t.year
            << ")  出处: " << t.clause << "  牵头: " << t.lead.written << "\n原文: " << t.quote
            << "\n测算: " << t.measure.kind << " " << t.measure.method << " " << t.measure.version << " ("
            << t.measure.by << ")\n基期: "
            << (t.baseline_value
                    ? *t.baseline_value + " (" + std::to_string(t.baseline_year) + ", " + t.baseline_source + ")"
                    : std::string("未知"))
            << "\n\n数据:\n";
  for (size_t i = 0; i < tv->series.size(); ++i) {
    const auto& m = tv->provenance[i];
    std::cout << "  " << tv->series[i].year << "  " << tv->series[i].value << "  [" << m.kind << " " << m.method << " "
              << m.method_version << "; " << m.source << "; #" << m.id << "]\n";
  }
  if (tv->series.empty()) std::cout << "  (none)\n";
  for (const auto& lens : tv->lenses) {
    std::cout << "\n"
              << lens.lens << ": " << plan::lens_rating_label(lens.rating) << " (" << lens.rating << ")  ["
              << lens.method << "]\n";
    if (!lens.inputs.empty()) {
      std::cout << "  inputs:";
      for (const auto& [k, v] : lens.inputs) std::cout << " " << k << "=" << v;
      std::cout << "\n";
    }
    if (lens.value) std::cout << "  value: " << fixed(*lens.value, 4) << "\n";
    if (!lens.formula.empty()) std::cout << "  formula: " << lens.formula << "\n";
    if (!lens.thresholds.empty()) std::cout << "  thresholds: " << lens.thresholds << "\n";
    if (!lens.reason.empty()) std::cout << "  why: " << lens.reason << "\n";
  }
  return 0;
}

int supervision(const Common& c, const std::string& as_of) {
  auto l = load(c, as_of);
  if (!l) return refuse(l.error().message);
  auto list = service::supervision_list(l->plan, l->view, l->reports);
  if (c.json) {
    std::cout << exporting::supervision_json(l->plan, list) << "\n";
    return 0;
  }
  std::string current;
  for (const auto& e : list) {
    if (e.department != current) {
      current = e.department;
      const auto* d = l->plan.find_department(current);
      std::cout << "\n" << (d ? d->name : current) << "\n";
    }
    std::cout << "  " << text::pad_right(e.kind, 15) << " " << text::pad_right(e.ref, 28) << " " << e.message << "\n";
  }
  std::cout << "\n" << list.size() << " entries (督办) as of " << l->view.as_of.iso() << "\n";
  return 0;
}

int scorecard(const Common& c, const std::string& as_of) {
  auto l = load(c, as_of);
  if (!l) return refuse(l.error().message);
  auto rows = service::scorecard(l->plan, l->view, l->reports);
  if (c.json) {
    std::cout << exporting::scorecard_json(l->plan, rows) << "\n";
    return 0;
  }
  std::cout << "赛马比拼 (" << l->plan.scorecard_method << ") as of " << l->view.as_of.iso() << "; weights:";
  for (const auto& w : l->plan.scorecard) std::cout << " " << w.id << "=" << w.weight;
  std::cout << "\n";
  print_row({{"名次", 4}, {"部门", 20}, {"得分", 6}, {"进度", 6}, {"按时报告", 8}, {"目标达标", 8}, {"未逾期", 6}});
  auto comp = [](const service::ScoreRow& r, const char* id) {
    return r.applicable.at(id) ? fixed(100 * r.components.at(id), 0) : std::string("—");
  };
  for (const auto& r : rows)
    print_row({{std::to_string(r.rank), 4},
               {r.name, 20},
               {fixed(r.score, 1), 6},
               {comp(r, "item_progress"), 6},
               {comp(r, "on_time_reporting"), 8},
               {comp(r, "targets_on_track"), 8},
               {comp(r, "no_overdue"), 6}});
  return 0;
}

int export_table(const Common& c, const std::string& format, const std::string& out, const std::string& as_of) {
  auto l = load(c, as_of);
  if (!l) return refuse(l.error().message);
  if (format == "xlsx") {
    auto list = service::supervision_list(l->plan, l->view, l->reports);
    // The workbook carries a signed digest of the audit head (the key is created on first use).
    auto digest = service::sign_audit_head(*l->store, audit_key_path(c, ""));
    if (!digest) std::cerr << "shanshui: no audit digest in the workbook: " << digest.error().message << "\n";
    if (auto s = exporting::write_progress_xlsx(l->plan, l->view, list, out, digest ? &*digest : nullptr); !s)
      return refuse(s.error().message);
  } else {
    std::ofstream f(out, std::ios::binary);
    if (!f) return refuse(out + ": cannot write");
    f << (format == "csv" ? exporting::progress_csv(l->plan, l->view)
                          : exporting::progress_json(l->plan, l->view) + "\n");
    if (!f) return refuse(out + ": write failed");
  }
  std::cerr << "wrote " << out << "\n";
  return 0;
}

}  // namespace shanshui::app
