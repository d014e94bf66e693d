// lint.cpp: the plan lint rules. Each rule is one function; docs/plan.md ("Lint rules") lists them.
#include "plan/lint.h"

#include <cmath>
#include <map>
#include <set>

#include "core/decimal.h"
#include "core/text.h"

namespace shanshui::plan {
namespace {

using Findings = std::vector<Finding>;

void add(Findings& out, const char* sev, const char* rule, const std::string& where, int line, std::string msg) {
  out.push_back({sev, rule, where, line, std::move(msg)});
}

// Every department list the plan writes, with its owner for messages.
struct DeptList {
  std::string where;
  int line;
  const char* role;
  const std::vector<DeptRef>* refs;
};

std::vector<DeptList> dept_lists(const Plan& plan) {
  std::vector<DeptList> out;
  for (const auto& a : plan.actions)
    for (const auto& t : a.tasks) {
      out.push_back({t.id, t.line, "lead", &t.lead});
      out.push_back({t.id, t.line, "responsible", &t.responsible});
      for (const auto& i : t.items) {
        // Items that inherit their task's lists are checked once, at the task.
        auto same = [](const std::vector<DeptRef>& a, const std::vector<DeptRef>& b) {
          if (a.size() != b.size()) return false;
          for (size_t k = 0; k < a.size(); ++k)
            if (a[k].written != b[k].written) return false;
          return true;
        };
        if (!same(i.lead, t.lead)) out.push_back({i.id, i.line, "lead", &i.lead});
        if (!same(i.responsible, t.responsible)) out.push_back({i.id, i.line, "responsible", &i.responsible});
      }
    }
  return out;
}

void rule_unknown_departments(const Plan& plan, Findings& out) {
  for (const auto& l : dept_lists(plan))
    for (const auto& r : *l.refs)
      if (r.id.empty())
        add(out, "error", "department-unknown", l.where, l.line,
            std::string(l.role) + " department '" + r.written +
                "' is not in the department registry (add it, or an alias, under 'departments')");
  for (const auto& t : plan.targets) {
    if (!t.lead.written.empty() && t.lead.id.empty())
      add(out, "error", "department-unknown", t.id, t.line,
          "target lead '" + t.lead.written + "' is not in the department registry");
    if (!t.measure.by.empty() && t.measure.by_id.empty())
      add(out, "error", "department-unknown", t.id, t.line,
          "measuring department '" + t.measure.by + "' is not in the department registry");
  }
  if (!plan.office_host.written.empty() && plan.office_host.id.empty())
    add(out, "error", "department-unknown", "plan.office", 0,
        "office host '" + plan.office_host.written + "' is not in the department registry");
}

void rule_ambiguous_names(const Plan& plan, Findings& out) {
  std::map<std::string, std::vector<std::string>> owners;  // name or alias -> department ids
  for (const auto& d : plan.departments) {
    std::set<std::string> names(d.aliases.begin(), d.aliases.end());
    names.insert(d.name);
    for (const auto& n : names) owners[n].push_back(d.id);
  }
  for (const auto& [name, ids] : owners)
    if (ids.size() > 1) {
      const Department* d = plan.find_department(ids[1]);
      add(out, "error", "department-name-ambiguous", ids[1], d ? d->line : 0,
          "'" + name + "' names more than one department: " + text::join(ids, ", "));
    }
}

void rule_duplicate_departments(const Plan& plan, Findings& out) {
  for (const auto& l : dept_lists(plan)) {
    std::map<std::string, std::vector<std::string>> seen;
    for (const auto& r : *l.refs)
      if (!r.id.empty()) seen[r.id].push_back(r.written);
    for (const auto& [id, names] : seen)
      if (names.size() > 1)
        add(out, "warning", "department-duplicate", l.where, l.line,
            std::string(l.role) + " list names the same department " + std::to_string(names.size()) +
                " times: " + text::join(names, "、"));
  }
}

void rule_alias_mixed(const Plan& plan, Findings& out) {
  // department id -> spelling -> first place it is used
  std::map<std::string, std::map<std::string, std::pair<std::string, int>>> spellings;
  auto note = [&](const DeptRef& r, const std::string& where, int line) {
    if (!r.id.empty()) spellings[r.id].emplace(r.written, std::make_pair(where, line));
  };
  for (const auto& l : dept_lists(plan))
    for (const auto& r : *l.refs) note(r, l.where, l.line);
  for (const auto& t : plan.targets) {
    note(t.lead, t.id, t.line);
    if (!t.measure.by.empty()) note({t.measure.by, t.measure.by_id}, t.id, t.line);
  }
  note(plan.office_host, "plan.office", 0);
  for (const auto& [id, names] : spellings) {
    if (names.size() < 2) continue;
    std::vector<std::string> parts;
    int line = 0;
    for (const auto& [name, at] : names) {
      parts.push_back("'" + name + "' (first in " + at.first + ")");
      if (!line) line = at.second;
    }
    const Department* d = plan.find_department(id);
    add(out, "warning", "department-alias-mixed", id, d ? d->line : line,
        "one department is written " + std::to_string(names.size()) + " ways: " + text::join(parts, ", ") +
            "; use one name (" + (d ? d->name : id) + ")");
  }
}

void rule_placeholders(const Plan& plan, Findings& out) {
  for (const auto* i : plan.items())
    if (i->text.find("XX") != std::string::npos)
      add(out, "warning", "placeholder-unspecified", i->id, i->line, "work item text still has an 'XX' placeholder");
  for (const auto& t : plan.targets) {
    if (!t.unspecified) continue;
    bool xx = t.written.find("XX") != std::string::npos;
    add(out, xx ? "warning" : "info", "placeholder-unspecified", t.id, t.line,
        xx ? "target value is a placeholder ('" + t.written + "'): the draft never fixes it"
           : "target value is not stated in the plan ('" + t.written + "'); record the value once it is set");
  }
}

std::string describe(const Target& t) {
  std::string v = t.written.empty() ? std::string(to_string(t.bound)) + " " + t.value : t.written;
  return t.id + " [" + t.clause + "] " + v;
}

void rule_conflicting_targets(const Plan& plan, Findings& out) {
  std::map<std::pair<std::string, int>, std::vector<const Target*>> groups;
  std::vector<std::pair<std::string, int>> order;
  for (const auto& t : plan.targets) {
    auto key = std::make_pair(t.indicator, t.year);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(&t);
  }
  for (const auto& key : order) {
    const auto& ts = groups[key];
    bool differ = false;
    for (const auto* t : ts) {
      const auto* f = ts.front();
      if (t->bound != f->bound || t->unspecified != f->unspecified) differ = true;
      auto a = Decimal::parse(t->value), b = Decimal::parse(f->value);
      if (a && b ? a->compare(*b) != 0 : t->value != f->value) differ = true;
    }
    std::vector<std::string> superseded;
    for (const auto* t : ts)
      for (const auto& am : t->amendments)
        superseded.push_back(am.from + " (" + am.where + ", amended to " + am.to + ")");
    if (!differ && superseded.empty()) continue;
    std::vector<std::string> parts;
    for (const auto* t : ts) parts.push_back(describe(*t));
    std::string msg = "targets on indicator '" + key.first + "' for " + std::to_string(key.second);
    if (differ) {
      msg += " disagree: " + text::join(parts, " vs ");
    } else {
      msg += " were amended in the draft: " + text::join(parts, "; ");
    }
    if (!superseded.empty()) msg += "; superseded values still in the text: " + text::join(superseded, ", ");
    add(out, differ ? "warning" : "info", "target-conflict", ts.front()->id, ts.front()->line, msg);
  }
}

void rule_note_contradicts_lead(const Plan& plan, Findings& out) {
  static const std::string kShould = "应由", kLead = "牵头";
  for (const auto* i : plan.items())
    for (const auto& n : i->notes) {
      auto a = n.find(kShould);
      auto b = n.find(kLead, a == std::string::npos ? 0 : a);
      if (a == std::string::npos || b == std::string::npos) continue;
      std::string named = text::trim(n.substr(a + kShould.size(), b - a - kShould.size()));
      std::string id = plan.resolve_department(named);
      bool leads = false;
      for (const auto& r : i->lead) leads |= (!id.empty() && r.id == id);
      if (leads) continue;
      std::vector<std::string> lead_names;
      for (const auto& r : i->lead) lead_names.push_back(r.written);
      add(out, "warning", "note-contradicts-lead", i->id, i->line,
          "editorial note '" + n + "' names " + (id.empty() ? "'" + named + "' (unknown)" : id) +
              " as lead, but the item is led by " + text::join(lead_names, "、"));
    }
}

void rule_editorial_notes(const Plan& plan, Findings& out) {
  for (const auto* i : plan.items())
    for (const auto& n : i->notes)
      if (n.find("应由") == std::string::npos)
        add(out, "info", "editorial-note", i->id, i->line, "the draft carries an editorial note: " + n);
}

void rule_target_contract(const Plan& plan, Findings& out) {
  for (const auto& t : plan.targets) {
    if (t.lead.written.empty())
      add(out, "error", "target-no-owner", t.id, t.line, "target '" + t.name + "' has no lead department");
    if (t.measure.kind.empty() || t.measure.method.empty())
      add(out, "error", "target-no-method", t.id, t.line,
          "target '" + t.name + "' has no measuring method (measure: kind + method)");
    for (const auto& id : t.items)
      if (!plan.find_item(id))
        add(out, "error", "target-unknown-item", t.id, t.line, "linked work item '" + id + "' does not exist");
    if (t.year < plan.start_year || t.year > plan.end_year + 10)
      add(out, "warning", "target-year", t.id, t.line,
          "target year " + std::to_string(t.year) + " lies outside the plan period");
  }
}

void rule_names_match(const Plan& plan, Findings& out) {
  for (const auto& a : plan.actions) {
    if (a.text_name.empty()) continue;
    std::string normalized = a.text_name;
    static const std::string kBrand = "“巫山样板”";
    if (auto p = normalized.find(kBrand); p != std::string::npos) normalized.replace(p, kBrand.size(), "样板");
    if (normalized != a.name)
      add(out, "info", "action-name-mismatch", a.id, a.line,
          "the task list calls this line '" + a.name + "' but part 三 calls it '" + a.text_name + "'");
  }
  for (const auto& s : plan.sections) {
    for (const auto& id : s.key_tasks)
      if (!plan.find_task(id))
        add(out, "error", "section-unknown-task", "三." + std::to_string(s.number), s.line,
            "section links unknown key task '" + id + "'");
    if (s.key_tasks.size() == 1)
      if (const KeyTask* t = plan.find_task(s.key_tasks.front()); t && t->name != s.name)
        add(out, "info", "section-name-mismatch", "三." + std::to_string(s.number), s.line,
            "part 三 names task " + std::to_string(s.number) + " '" + s.name + "' but the task list names it '" +
                t->name + "' (" + t->id + ")");
  }
}

void rule_scorecard(const Plan& plan, Findings& out) {
  if (plan.scorecard.empty()) return;
  double sum = 0;
  for (const auto& c : plan.scorecard) sum += c.weight;
  if (std::fabs(sum - 1.0) > 1e-9)
    add(out, "error", "scorecard-weights", "scorecard", 0,
        "scorecard weights add up to " + std::to_string(sum) + ", not 1");
  static const std::set<std::string> kKnown = {"item_progress", "on_time_reporting", "targets_on_track", "no_overdue"};
  for (const auto& c : plan.scorecard)
    if (!kKnown.count(c.id))
      add(out, "error", "scorecard-component", "scorecard", 0,
          "unknown scorecard component '" + c.id +
              "' (item_progress, on_time_reporting, targets_on_track, no_overdue)");
}

}  // namespace

std::vector<Finding> lint(const Plan& plan) {
  Findings out;
  rule_unknown_departments(plan, out);
  rule_ambiguous_names(plan, out);
  rule_duplicate_departments(plan, out);
  rule_alias_mixed(plan, out);
  rule_placeholders(plan, out);
  rule_conflicting_targets(plan, out);
  rule_note_contradicts_lead(plan, out);
  rule_editorial_notes(plan, out);
  rule_target_contract(plan, out);
  rule_names_match(plan, out);
  rule_scorecard(plan, out);
  return out;
}

bool has_errors(const std::vector<Finding>& findings) {
  for (const auto& f : findings)
    if (f.severity == "error") return true;
  return false;
}

}  // namespace shanshui::plan
