// loader.cpp: YAML → Plan with yaml-cpp. Every structural problem is reported as origin:line.
#include "plan/loader.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "core/decimal.h"
#include "core/file.h"
#include "core/text.h"

namespace shanshui::plan {
namespace {

const std::vector<std::string> kDeptSeparators = {"、", "，", ","};

// Thrown inside the loader only; converted to a Result at the boundary.
struct LoadError {
  std::string message;
};

class Reader {
 public:
  explicit Reader(std::string origin) : origin_(std::move(origin)) {}

  [[noreturn]] void error(const YAML::Node& n, const std::string& what) const {
    throw LoadError{origin_ + ":" + std::to_string(line(n)) + ": " + what};
  }
  static int line(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

  std::string str(const YAML::Node& parent, const char* key, bool required = true) const {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) {
      if (required) error(parent, std::string("missing '") + key + "'");
      return "";
    }
    if (!n.IsScalar()) error(n, std::string("'") + key + "' must be a single value");
    return n.Scalar();
  }

  int integer(const YAML::Node& parent, const char* key, bool required = true) const {
    std::string s = str(parent, key, required);
    if (s.empty()) return 0;
    try {
      size_t used = 0;
      int v = std::stoi(s, &used);
      if (used != s.size()) throw std::invalid_argument(s);
      return v;
    } catch (const std::exception&) {
      error(parent[key], std::string("'") + key + "' must be a whole number, not '" + s + "'");
    }
  }

  double number(const YAML::Node& parent, const char* key) const {
    std::string s = str(parent, key);
    auto d = Decimal::parse(s);
    if (!d) error(parent[key], std::string("'") + key + "': " + d.error().message);
    return d->to_double();
  }

  std::vector<std::string> strings(const YAML::Node& parent, const char* key) const {
    std::vector<std::string> out;
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) return out;
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence()) error(n, std::string("'") + key + "' must be a list");
    for (const auto& e : n) {
      if (!e.IsScalar()) error(e, std::string("'") + key + "' entries must be single values");
      out.push_back(e.Scalar());
    }
    return out;
  }

  // Department lists may be written as a YAML list or as the draft writes them ("县林业局、县水利局").
  std::vector<DeptRef> depts(const YAML::Node& parent, const char* key) const {
    std::vector<DeptRef> out;
    for (const auto& s : strings(parent, key))
      for (const auto& name : text::split_any(s, kDeptSeparators)) out.push_back({name, ""});
    return out;
  }

  // Refuses keys a mapping may not have: a typo (or a comma inside an unquoted flow value,
  // which YAML splits into a second key) must not pass silently.
  void only(const YAML::Node& n, std::initializer_list<const char*> keys, const char* what) const {
    if (!n.IsMap()) error(n, std::string(what) + " must be a mapping (key: value)");
    for (const auto& kv : n) {
      std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      bool known = false;
      for (const char* allowed : keys) known |= k == allowed;
      if (!known) {
        std::string list;
        for (const char* allowed : keys) list += std::string(list.empty() ? "" : ", ") + allowed;
        error(kv.first,
              "unknown key '" + k + "' in " + what + " (allowed: " + list + "; quote a value that contains a comma)");
      }
    }
  }

  YAML::Node seq(const YAML::Node& parent, const char* key, bool required = true) const {
    YAML::Node n = parent[key];
    if (!n || n.IsNull()) {
      if (required) error(parent, std::string("missing list '") + key + "'");
      return YAML::Node(YAML::NodeType::Sequence);
    }
    if (!n.IsSequence()) error(n, std::string("'") + key + "' must be a list");
    return n;
  }

 private:
  std::string origin_;
};

void check_unique(const Reader& r, std::set<std::string>& seen, const YAML::Node& n, const std::string& id,
                  const char* what) {
  if (!seen.insert(id).second) r.error(n, std::string("duplicate ") + what + " id '" + id + "'");
}

void load_departments(const Reader& r, const YAML::Node& root, Plan& plan) {
  std::set<std::string> ids;
  for (const auto& n : r.seq(root, "departments")) {
    r.only(n, {"id", "name", "aliases", "kind"}, "a department");
    Department d;
    d.id = r.str(n, "id");
    d.name = r.str(n, "name");
    d.aliases = r.strings(n, "aliases");
    d.kind = n["kind"] ? r.str(n, "kind") : "department";
    d.line = Reader::line(n);
    check_unique(r, ids, n, d.id, "department");
    plan.departments.push_back(d);
  }
  YAML::Node tw = root["townships"];
  if (tw) {
    YAML::Node g = tw["group"];
    if (!g) r.error(tw, "'townships' needs a 'group' (the name the plan uses for all townships)");
    Department group{r.str(g, "id"), r.str(g, "name"), r.strings(g, "aliases"), "township_group", "", Reader::line(g)};
    check_unique(r, ids, g, group.id, "department");
    plan.departments.push_back(group);
    r.only(tw, {"group", "units"}, "townships");
    r.only(g, {"id", "name", "aliases"}, "the township group");
    for (const auto& n : r.seq(tw, "units")) {
      r.only(n, {"id", "name", "aliases", "code"}, "a township");
      Department d{r.str(n, "id"), r.str(n, "name"), r.strings(n, "aliases"), "township", group.id, Reader::line(n)};
      check_unique(r, ids, n, d.id, "department");
      plan.departments.push_back(d);
    }
  }
}

void resolve(const Plan& plan, std::vector<DeptRef>& refs) {
  for (auto& ref : refs) ref.id = plan.resolve_department(ref.written);
}

Target load_target(const Reader& r, const YAML::Node& n, const Plan& plan) {
  r.only(n, {"id",      "indicator", "name",     "unit",    "bound",      "value",      "value_hi",
             "written", "year",      "baseline", "limit",   "direction",  "cumulative", "clause",
             "quote",   "lead",      "items",    "measure", "amendments", "notes",      "reference"},
         "a target");
  Target t;
  t.line = Reader::line(n);
  t.id = r.str(n, "id");
  t.name = r.str(n, "name");
  t.indicator = n["indicator"] ? r.str(n, "indicator") : t.id;
  t.unit = r.str(n, "unit", false);
  std::string bound = r.str(n, "bound");
  auto b = bound_from_string(bound);
  if (!b) {
    r.error(n["bound"], "unknown bound '" + bound + "' (use >=, <=, =, ~, range, water_class, binary or qualitative)");
  }
  t.bound = *b;
  t.written = r.str(n, "written", false);
  std::string value = r.str(n, "value", false);
  if (value == "unspecified") {
    t.unspecified = true;
  } else {
    t.value = value;
  }
  t.value_hi = r.str(n, "value_hi", false);
  bool numeric = t.bound == Bound::at_least || t.bound == Bound::at_most || t.bound == Bound::equal ||
                 t.bound == Bound::approx || t.bound == Bound::range;
  if (numeric && !t.unspecified) {
    if (t.value.empty()) r.error(n, "target '" + t.id + "' needs a 'value' (or 'unspecified')");
    if (auto d = Decimal::parse(t.value); !d) r.error(n["value"], d.error().message);
    if (t.bound == Bound::range) {
      if (auto d = Decimal::parse(t.value_hi); !d) r.error(n, "range target needs 'value_hi'");
    }
  }
  if (t.bound == Bound::water_class) {
    static const std::set<std::string> kClasses = {"I", "II", "III", "IV", "V"};
    if (!kClasses.count(t.value)) r.error(n["value"], "water class must be I, II, III, IV or V");
  }
  t.year = r.integer(n, "year");
  if (YAML::Node bl = n["baseline"]; bl && !bl.IsNull()) {
    r.only(bl, {"value", "year", "source"}, "a baseline");
    std::string v = r.str(bl, "value", false);
    if (!v.empty() && v != "unknown") {
      if (numeric) {
        if (auto d = Decimal::parse(v); !d) r.error(bl["value"], d.error().message);
      }
      t.baseline_value = v;
    }
    t.baseline_year = r.integer(bl, "year", false);
    t.baseline_source = r.str(bl, "source", false);
  }
  if (YAML::Node ref = n["reference"]; ref && !ref.IsNull()) {
    r.only(ref, {"value", "source", "source_en"}, "a reference");
    Reference rf;
    rf.value = r.str(ref, "value");
    rf.source = r.str(ref, "source");
    rf.source_en = r.str(ref, "source_en", false);
    if (!t.unspecified) r.error(ref, "a reference is for an unspecified target only (this one has a value)");
    if (!numeric) r.error(ref, "a reference needs a numeric bound (>=, <=, =, ~)");
    if (rf.value == "baseline") {
      rf.of_baseline = true;
      if (!t.baseline_value) r.error(ref["value"], "reference 'baseline' but the target has no baseline value");
      rf.value = t.baseline_value.value_or("");
    } else if (auto d = Decimal::parse(rf.value); !d) {
      r.error(ref["value"], d.error().message);
    }
    t.reference = rf;
  }
  if (n["limit"]) t.limit = r.number(n, "limit");
  std::string dir = r.str(n, "direction", false);
  if (dir.empty()) {
    t.direction = t.bound == Bound::at_most                                  ? Direction::decrease
                  : (t.bound == Bound::at_least || t.bound == Bound::binary) ? Direction::increase
                                                                             : Direction::none;
  } else if (auto d = direction_from_string(dir)) {
    t.direction = *d;
  } else {
    r.error(n["direction"], "unknown direction '" + dir + "' (increase, decrease or none)");
  }
  t.cumulative = r.str(n, "cumulative", false) == "true";
  t.clause = r.str(n, "clause");
  t.quote = r.str(n, "quote", false);
  std::string lead = r.str(n, "lead", false);
  t.lead = {lead, lead.empty() ? "" : plan.resolve_department(lead)};
  t.items = r.strings(n, "items");
  if (YAML::Node m = n["measure"]; m && !m.IsNull()) {
    r.only(m, {"kind", "method", "version", "by", "check"}, "a measuring method");
    t.measure.kind = r.str(m, "kind");
    if (t.measure.kind != "computed" && t.measure.kind != "reported") {
      r.error(m["kind"], "measure kind must be 'computed' or 'reported'");
    }
    t.measure.method = r.str(m, "method");
    t.measure.version = r.str(m, "version", false);
    t.measure.by = r.str(m, "by", false);
    t.measure.by_id = t.measure.by.empty() ? "" : plan.resolve_department(t.measure.by);
    if (YAML::Node c = m["check"]; c && !c.IsNull()) {
      r.only(c, {"method", "version"}, "a cross-check method");
      t.measure.check_method = r.str(c, "method");
      t.measure.check_version = r.str(c, "version", false);
    }
  }
  for (const auto& a : r.seq(n, "amendments", false)) {
    r.only(a, {"from", "to", "where", "note"}, "an amendment");
    t.amendments.push_back({r.str(a, "from"), r.str(a, "to"), r.str(a, "where", false), r.str(a, "note", false)});
  }
  t.notes = r.strings(n, "notes");
  return t;
}

Plan load(const Reader& r, const YAML::Node& root) {
  if (!root.IsMap()) r.error(root, "a plan file is a mapping with 'plan', 'departments', 'actions', 'targets'");
  r.only(root, {"plan", "tracking", "scorecard", "departments", "townships", "sections", "actions", "targets"},
         "the plan file");
  Plan plan;
  YAML::Node meta = root["plan"];
  if (!meta) r.error(root, "missing 'plan' (id, title, period)");
  r.only(meta, {"id", "title", "status", "period", "source", "leading_group", "office"}, "'plan'");
  plan.id = r.str(meta, "id");
  plan.title = r.str(meta, "title");
  plan.status = r.str(meta, "status", false);
  YAML::Node period = r.seq(meta, "period");
  if (period.size() != 2) r.error(period, "'period' is [first year, last year]");
  plan.start_year = period[0].as<int>();
  plan.end_year = period[1].as<int>();
  plan.source = r.str(meta, "source", false);
  plan.leading_group = r.str(meta, "leading_group", false);
  if (YAML::Node off = meta["office"]) {
    r.only(off, {"name", "host"}, "'office'");
    plan.office_name = r.str(off, "name");
    plan.office_host.written = r.str(off, "host");
  }

  load_departments(r, root, plan);
  plan.office_host.id = plan.resolve_department(plan.office_host.written);

  if (YAML::Node tr = root["tracking"]) {
    r.only(tr, {"period", "due_day", "lag_tolerance"}, "'tracking'");
    plan.tracking.period = r.str(tr, "period");
    if (plan.tracking.period != "quarter" && plan.tracking.period != "month" && plan.tracking.period != "half") {
      r.error(tr["period"], "tracking period must be quarter, month or half");
    }
    plan.tracking.due_day = r.integer(tr, "due_day");
    plan.tracking.lag_tolerance = r.number(tr, "lag_tolerance");
  }
  if (YAML::Node sc = root["scorecard"]) {
    plan.scorecard_method = r.str(sc, "method");
    r.only(sc, {"method", "components"}, "'scorecard'");
    for (const auto& c : r.seq(sc, "components")) {
      r.only(c, {"id", "weight", "description"}, "a scorecard component");
      plan.scorecard.push_back({r.str(c, "id"), r.number(c, "weight"), r.str(c, "description", false)});
    }
  }

  std::string plan_end = std::to_string(plan.end_year) + "-12-31";
  std::set<std::string> ids;
  for (const auto& an : r.seq(root, "actions")) {
    r.only(an, {"id", "name", "text_name", "tasks"}, "an action line");
    Action a;
    a.id = r.str(an, "id");
    a.name = r.str(an, "name");
    a.text_name = r.str(an, "text_name", false);
    a.line = Reader::line(an);
    check_unique(r, ids, an, a.id, "action");
    for (const auto& tn : r.seq(an, "tasks")) {
      r.only(tn, {"id", "name", "lead", "responsible", "items"}, "a key task");
      KeyTask t;
      t.id = r.str(tn, "id");
      t.name = r.str(tn, "name");
      t.action_id = a.id;
      t.lead = r.depts(tn, "lead");
      t.responsible = r.depts(tn, "responsible");
      resolve(plan, t.lead);
      resolve(plan, t.responsible);
      t.line = Reader::line(tn);
      check_unique(r, ids, tn, t.id, "task");
      int number = 0;
      for (const auto& in : r.seq(tn, "items")) {
        r.only(in, {"id", "numbered", "text", "notes", "lead", "responsible", "due"}, "a work item");
        WorkItem i;
        i.id = r.str(in, "id");
        i.task_id = t.id;
        i.number = r.str(in, "numbered", false) == "false" ? 0 : ++number;
        i.text = r.str(in, "text");
        i.notes = r.strings(in, "notes");
        i.lead = in["lead"] ? r.depts(in, "lead") : t.lead;
        i.responsible = in["responsible"] ? r.depts(in, "responsible") : t.responsible;
        resolve(plan, i.lead);
        resolve(plan, i.responsible);
        i.due = in["due"] ? r.str(in, "due") : plan_end;
        i.line = Reader::line(in);
        check_unique(r, ids, in, i.id, "item");
        t.items.push_back(std::move(i));
      }
      a.tasks.push_back(std::move(t));
    }
    plan.actions.push_back(std::move(a));
  }
  for (const auto& sn : r.seq(root, "sections", false)) {
    r.only(sn, {"number", "name", "action", "key_tasks", "notes"}, "a section");
    Section s{r.integer(sn, "number"),    r.str(sn, "name"),      r.str(sn, "action"),
              r.strings(sn, "key_tasks"), r.strings(sn, "notes"), Reader::line(sn)};
    plan.sections.push_back(std::move(s));
  }
  std::set<std::string> target_ids;
  for (const auto& tn : r.seq(root, "targets")) {
    Target t = load_target(r, tn, plan);
    check_unique(r, target_ids, tn, t.id, "target");
    plan.targets.push_back(std::move(t));
  }
  return plan;
}

}  // namespace

Result<Plan> load_plan_text(const std::string& yaml_text, const std::string& origin) {
  if (!text::is_valid_utf8(yaml_text)) return fail(origin + ": not valid UTF-8 (save the plan as UTF-8)");
  Reader r(origin);
  try {
    YAML::Node root = YAML::Load(yaml_text);
    return load(r, root);
  } catch (const LoadError& e) {
    return fail(e.message);
  } catch (const YAML::Exception& e) {
    return fail(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<Plan> load_plan_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return fail(text.error().message);
  return load_plan_text(*text, path);
}

}  // namespace shanshui::plan
