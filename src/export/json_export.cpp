// json_export.cpp: JSON documents for plan, lint, progress, supervision and scorecard.
#include <nlohmann/json.hpp>

#include "export/exports.h"
#include "plan/item_status.h"

namespace shanshui::exporting {
namespace {

using nlohmann::json;

json ids(const std::vector<plan::DeptRef>& refs) {
  json a = json::array();
  for (const auto& r : refs) a.push_back(r.id.empty() ? r.written : r.id);
  return a;
}

json names(const std::vector<plan::DeptRef>& refs) {
  json a = json::array();
  for (const auto& r : refs) a.push_back(r.written);
  return a;
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

json lens_json(const plan::LensResult& l) {
  json inputs = json::object();
  for (const auto& [k, v] : l.inputs) inputs[k] = v;
  json j = {{"lens", l.lens},     {"rating", l.rating},   {"label", plan::lens_rating_label(l.rating)},
            {"inputs", inputs},   {"formula", l.formula}, {"thresholds", l.thresholds},
            {"method", l.method}, {"reason", l.reason}};
  j["value"] = l.value ? json(*l.value) : json(nullptr);
  j["en"] = {{"formula", l.en.formula}, {"thresholds", l.en.thresholds}, {"reason", l.en.reason}};
  return j;
}

json target_json(const plan::Target& t) {
  json j = {{"id", t.id},
            {"indicator", t.indicator},
            {"name", t.name},
            {"unit", t.unit},
            {"bound", plan::to_string(t.bound)},
            {"year", t.year},
            {"written", t.written},
            {"label", target_label(t)},
            {"direction", plan::to_string(t.direction)},
            {"cumulative", t.cumulative},
            {"clause", t.clause},
            {"quote", t.quote},
            {"lead", t.lead.id.empty() ? t.lead.written : t.lead.id},
            {"items", t.items},
            {"notes", t.notes}};
  j["value"] = t.unspecified ? json("unspecified") : json(t.value);
  if (!t.value_hi.empty()) j["value_hi"] = t.value_hi;
  j["baseline"] = t.baseline_value
                      ? json{{"value", *t.baseline_value}, {"year", t.baseline_year}, {"source", t.baseline_source}}
                      : json(nullptr);
  if (t.reference)
    j["reference"] = {
        {"value", t.reference->value}, {"of_baseline", t.reference->of_baseline}, {"source", t.reference->source}};
  j["limit"] = t.limit ? json(*t.limit) : json(nullptr);
  j["method"] = {{"kind", t.measure.kind},
                 {"method", t.measure.method},
                 {"version", t.measure.version},
                 {"by", t.measure.by_id.empty() ? t.measure.by : t.measure.by_id}};
  if (!t.measure.check_method.empty())
    j["method"]["check"] = {{"method", t.measure.check_method}, {"version", t.measure.check_version}};
  json am = json::array();
  for (const auto& a : t.amendments)
    am.push_back({{"from", a.from}, {"to", a.to}, {"where", a.where}, {"note", a.note}});
  j["amendments"] = am;
  return j;
}

}  // namespace

std::string target_label(const plan::Target& t) {
  std::string v = t.unspecified ? t.written : t.value;
  switch (t.bound) {
    case plan::Bound::at_least:
      return t.unspecified ? v : "≥" + v + t.unit;
    case plan::Bound::at_most:
      return t.unspecified ? v : "≤" + v + t.unit;
    case plan::Bound::equal:
      return t.unspecified ? v : "=" + v + t.unit;
    case plan::Bound::approx:
      return t.unspecified ? v : "≈" + v + t.unit;
    case plan::Bound::range:
      return v + "–" + t.value_hi + t.unit;
    case plan::Bound::water_class:
      return v + "类";
    case plan::Bound::binary:
      return "达成";
    case plan::Bound::qualitative:
      return "定性";
  }
  return v;
}

std::string plan_json(const plan::Plan& p) {
  json actions = json::array();
  for (const auto& a : p.actions) {
    json tasks = json::array();
    for (const auto& t : a.tasks) {
      json items = json::array();
      for (const auto& i : t.items)
        items.push_back({{"id", i.id},
                         {"number", i.number},
                         {"text", i.text},
                         {"lead", ids(i.lead)},
                         {"responsible", ids(i.responsible)},
                         {"lead_written", names(i.lead)},
                         {"responsible_written", names(i.responsible)},
                         {"notes", i.notes},
                         {"due", i.due}});
      tasks.push_back({{"id", t.id},
                       {"name", t.name},
                       {"lead", ids(t.lead)},
                       {"responsible", ids(t.responsible)},
                       {"lead_written", names(t.lead)},
                       {"responsible_written", names(t.responsible)},
                       {"items", items}});
    }
    actions.push_back({{"id", a.id}, {"name", a.name}, {"text_name", a.text_name}, {"tasks", tasks}});
  }
  json targets = json::array();
  for (const auto& t : p.targets) targets.push_back(target_json(t));
  json depts = json::array();
  for (const auto& d : p.departments)
    depts.push_back({{"id", d.id}, {"name", d.name}, {"aliases", d.aliases}, {"kind", d.kind}, {"group", d.group}});
  json sections = json::array();
  for (const auto& s : p.sections)
    sections.push_back({{"number", s.number},
                        {"name", s.name},
                        {"action", s.action_id},
                        {"key_tasks", s.key_tasks},
                        {"notes", s.notes}});
  json score = json::array();
  for (const auto& c : p.scorecard)
    score.push_back({{"id", c.id}, {"weight", c.weight}, {"description", c.description}});
  json doc = {
      {"id", p.id},
      {"title", p.title},
      {"status", p.status},
      {"period", {p.start_year, p.end_year}},
      {"leading_group", p.leading_group},
      {"office", {{"name", p.office_name}, {"host", p.office_host.id}}},
      {"actions", actions},
      {"sections", sections},
      {"targets", targets},
      {"departments", depts},
      {"tracking",
       {{"period", p.tracking.period}, {"due_day", p.tracking.due_day}, {"lag_tolerance", p.tracking.lag_tolerance}}},
      {"scorecard", {{"method", p.scorecard_method}, {"components", score}}}};
  return dump(doc);
}

std::string lint_json(const std::vector<plan::Finding>& findings) {
  json a = json::array();
  for (const auto& f : findings)
    a.push_back(
        {{"severity", f.severity}, {"rule", f.rule}, {"where", f.where}, {"line", f.line}, {"message", f.message}});
  return dump(a);
}

std::string audit_log_json(const std::vector<store::AuditEntry>& entries) {
  json a = json::array();
  for (const auto& e : entries)
    a.push_back({{"id", e.id},
                 {"at", e.at},
                 {"actor", e.actor},
                 {"action", e.action},
                 {"object", e.object},
                 {"detail", e.detail},
                 {"prev_hash", e.prev_hash},
                 {"hash", e.hash},
                 {"rows", e.rows}});
  return dump(a);
}

std::string audit_page_json(const store::AuditPage& page) {
  return dump({{"entries", json::parse(audit_log_json(page.entries))},
               {"total", page.total},
               {"next_before", page.next_before ? json(page.next_before) : json(nullptr)}});
}

namespace {

json target_view_doc(const service::TargetView& tv) {
  json series = json::array();
  for (size_t i = 0; i < tv.series.size(); ++i) {
    const auto& m = tv.provenance[i];
    json prov = {{"kind", m.kind},         {"method", m.method},     {"method_version", m.method_version},
                 {"source", m.source},     {"reporter", m.reporter}, {"recorded_at", m.recorded_at},
                 {"measurement_id", m.id}, {"period", m.period},     {"note", m.note}};
    if (m.source.rfind("run:", 0) == 0) prov["run_id"] = std::stoll(m.source.substr(4));
    series.push_back({{"year", tv.series[i].year},
                      {"value", tv.series[i].value},
                      {"provisional", tv.series[i].provisional},
                      {"provenance", prov}});
  }
  json lenses = json::object();
  for (const auto& l : tv.lenses) lenses[l.lens] = lens_json(l);
  json t = target_json(*tv.target);
  t["series"] = series;
  t["lenses"] = lenses;
  t["stale"] = tv.stale.empty() ? json(nullptr) : json(tv.stale);
  return t;
}

json item_view_doc(const plan::Plan& p, const service::ItemView& iv) {
  json it = {{"id", iv.item->id},
             {"task", iv.item->task_id},
             {"status", iv.status.code},
             {"status_label", plan::item_status_label(iv.status.code)},
             {"percent", iv.status.percent},
             {"expected_percent", iv.status.expected},
             {"reason", iv.status.reason},
             {"reason_en", iv.status.reason_en},
             {"lead", ids(iv.item->lead)},
             {"targets", iv.targets},
             {"reopened", iv.reopened}};
  if (iv.latest)
    it["latest_report"] = {{"period", iv.latest->period},           {"status", iv.latest->status},
                           {"percent", iv.latest->percent},         {"narrative", iv.latest->narrative},
                           {"evidence", iv.latest->evidence},       {"reporter", iv.latest->reporter},
                           {"reported_at", iv.latest->reported_at}, {"late", service::filed_late(p, *iv.latest)}};
  else
    it["latest_report"] = nullptr;
  it["closure"] = iv.closure ? json{{"evidence", iv.closure->evidence},
                                    {"approved_by", iv.closure->approved_by},
                                    {"closed_at", iv.closure->closed_at}}
                             : json(nullptr);
  return it;
}

}  // namespace

std::string progress_json(const plan::Plan& p, const service::TrackingView& view, bool with_items) {
  json targets = json::array();
  for (const auto& tv : view.targets) targets.push_back(target_view_doc(tv));
  json doc = {{"plan", p.id}, {"as_of", view.as_of.iso()}, {"targets", targets}};
  if (with_items) {
    json items = json::array();
    for (const auto& iv : view.items) items.push_back(item_view_doc(p, iv));
    doc["items"] = items;
  }
  return dump(doc);
}

std::optional<std::string> target_view_json(const service::TrackingView& view, const std::string& id) {
  const service::TargetView* tv = view.find_target(id);
  if (!tv) return std::nullopt;
  return dump(target_view_doc(*tv));
}

std::optional<std::string> item_view_json(const plan::Plan& p, const service::TrackingView& view,
                                          const std::vector<store::ProgressReport>& reports, const std::string& id) {
  const service::ItemView* iv = view.find_item(id);
  if (!iv) return std::nullopt;
  json it = item_view_doc(p, *iv);
  json rs = json::array();
  for (const auto& r : reports)
    if (r.item_id == id)
      // part: a sharing department's or township's own part, which does not set the item's status
      rs.push_back({{"period", r.period},
                    {"status", r.status},
                    {"percent", r.percent},
                    {"narrative", r.narrative},
                    {"evidence", r.evidence},
                    {"reporter", r.reporter},
                    {"reported_at", r.reported_at},
                    {"part", !p.leads(*iv->item, r.reporter)},
                    {"late", service::filed_late(p, r)}});
  it["reports"] = rs;
  return dump(it);
}

std::string supervision_json(const plan::Plan& p, const std::vector<service::SupervisionEntry>& list) {
  json a = json::array();
  for (const auto& e : list) {
    const auto* d = p.find_department(e.department);
    a.push_back({{"department", e.department},
                 {"department_name", d ? d->name : e.department},
                 {"kind", e.kind},
                 {"ref", e.ref},
                 {"message", e.message},
                 {"message_en", e.message_en}});
  }
  return dump(a);
}

std::string scorecard_json(const plan::Plan& p, const std::vector<service::ScoreRow>& rows) {
  json weights = json::object();
  for (const auto& c : p.scorecard) weights[c.id] = c.weight;
  json a = json::array();
  for (const auto& r : rows)
    a.push_back({{"rank", r.rank},
                 {"department", r.department},
                 {"name", r.name},
                 {"score", r.score},
                 {"components", r.components},
                 {"applicable", r.applicable},
                 {"items_led", r.items_led},
                 {"items_shared", r.items_shared},
                 {"targets_led", r.targets_led}});
  return dump({{"method", p.scorecard_method},
               {"weights", weights},
               {"formula", "得分 = 100 × Σ(权重 × 分项得分) / Σ(权重)，只计适用的分项"},
               {"formula_en", "score = 100 × Σ(weight × component) / Σ(weight), over applicable components"},
               {"departments", a}});
}

}  // namespace shanshui::exporting
