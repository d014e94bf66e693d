// cli_plan.cpp: `shanshui plan import|lint|show`.
#include <cstdlib>
#include <iostream>

#include "app/commands.h"
#include "app/context.h"
#include "core/file.h"
#include "export/exports.h"
#include "plan/lint.h"
#include "plan/loader.h"

namespace shanshui::app {

namespace {

void print_findings(const std::vector<plan::Finding>& findings, std::ostream& os) {
  for (const auto& f : findings)
    os << f.severity << " [" << f.rule << "] " << f.where << (f.line ? " (line " + std::to_string(f.line) + ")" : "")
       << ": " << f.message << "\n";
}

}  // namespace

int plan_import(const Common& c, const std::string& file) {
  auto text = read_file(file);
  if (!text) return refuse(text.error().message);
  auto p = plan::load_plan_text(*text, file);
  if (!p) return refuse(p.error().message);
  auto findings = plan::lint(*p);
  if (plan::has_errors(findings)) {
    print_findings(findings, std::cerr);
    return refuse(file + ": plan has lint errors; nothing imported");
  }
  auto store = open_store(c);
  if (!store) return refuse(store.error().message);
  auto outcome = (*store)->import_plan(*p, *text, file);
  if (!outcome) return refuse(outcome.error().message);
  std::cerr << (outcome->changed ? "imported " : "unchanged: already in force as ") << p->id << " version "
            << outcome->version << " (" << p->items().size() << " work items, " << p->targets.size() << " targets)\n";
  return 0;
}

int plan_lint(const Common& c, const std::string& file) {
  auto p = file.empty() ? current_plan(c) : plan::load_plan_file(file);
  if (!p) return refuse(p.error().message);
  auto findings = plan::lint(*p);
  if (c.json) {
    std::cout << exporting::lint_json(findings) << "\n";
  } else {
    print_findings(findings, std::cout);
    int e = 0, w = 0, i = 0;
    for (const auto& f : findings) (f.severity == "error" ? e : f.severity == "warning" ? w : i)++;
    std::cout << e << " errors, " << w << " warnings, " << i << " notes\n";
  }
  return plan::has_errors(findings) ? 1 : 0;
}

int plan_show(const Common& c, const std::string& file) {
  auto p = file.empty() ? current_plan(c) : plan::load_plan_file(file);
  if (!p) return refuse(p.error().message);
  if (c.json) {
    std::cout << exporting::plan_json(*p) << "\n";
    return 0;
  }
  std::cout << p->title << "\n";
  for (const auto& a : p->actions) {
    std::cout << a.id << " " << a.name << "\n";
    for (const auto& t : a.tasks) {
      std::cout << "  " << t.id << " " << t.name << "  [牵头: ";
      for (size_t k = 0; k < t.lead.size(); ++k) std::cout << (k ? "、" : "") << t.lead[k].written;
      std::cout << "]\n";
      for (const auto& i : t.items)
        std::cout << "    " << i.id << " " << i.text.substr(0, 90) << (i.text.size() > 90 ? "…" : "") << "\n";
    }
  }
  std::cout << p->targets.size() << " targets, " << p->items().size() << " work items, " << p->departments.size()
            << " departments and townships\n";
  return 0;
}

}  // namespace shanshui::app
