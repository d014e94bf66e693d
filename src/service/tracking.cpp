// tracking.cpp: validation of incoming returns and the tracking view.
#include "service/tracking.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "core/decimal.h"
#include "core/text.h"
#include "plan/loader.h"

namespace shanshui::service {
namespace {

std::string field(const CsvTable& t, const CsvRecord& r, const std::string& name) {
  int i = t.column(name);
  return i >= 0 && i < static_cast<int>(r.fields.size()) ? text::trim(r.fields[static_cast<size_t>(i)]) : "";
}

Status require_columns(const CsvTable& t, const std::vector<std::string>& cols, const std::string& origin) {
  std::vector<std::string> missing;
  for (const auto& c : cols)
    if (t.column(c) < 0) missing.push_back(c);
  if (!missing.empty())
    return fail(origin + ":1: missing column(s) " + text::join(missing, ", ") +
                " (header has: " + text::join(t.header, ", ") + ")");
  return {};
}

std::optional<std::string> normalize_status(const std::string& s) {
  if (s == "not_started" || s == "未启动" || s == "未开始") return "not_started";
  if (s == "in_progress" || s == "推进中" || s == "进行中") return "in_progress";
  if (s == "done" || s == "已完成" || s == "完成") return "done";
  return std::nullopt;
}

std::optional<std::string> normalize_timestamp(const std::string& s) {
  if (s.empty()) return std::string();
  auto d = Date::parse(s);
  if (!d) return std::nullopt;
  std::string rest = s.substr(10);
  if (rest.empty()) return d->iso() + "T00:00:00+08:00";
  if ((rest[0] == 'T' || rest[0] == ' ') && rest.size() >= 9) {
    std::string hms = rest.substr(1, 8);
    std::string zone = rest.substr(9);
    if (!zone.empty() && zone != "+08:00") return std::nullopt;
    if (hms.size() == 8 && hms[2] == ':' && hms[5] == ':') return d->iso() + "T" + hms + "+08:00";
  }
  return std::nullopt;
}

const plan::Target* target_for_indicator(const plan::Plan& p, const std::string& indicator) {
  for (const auto& t : p.targets)
    if (t.indicator == indicator) return &t;
  return nullptr;
}

}  // namespace

Result<Intake<store::ProgressReport>> intake_reports(const plan::Plan& plan, const CsvTable& csv,
                                                     const std::string& origin) {
  return intake_reports(plan, csv, origin, ReportIntakeOptions{true, {}});
}

Result<Intake<store::ProgressReport>> intake_reports(const plan::Plan& plan, const CsvTable& csv,
                                                     const std::string& origin, const ReportIntakeOptions& options) {
  if (auto s = require_columns(csv, {"item", "period", "status", "percent", "reporter"}, origin); !s)
    return tl::unexpected(s.error());
  Intake<store::ProgressReport> out;
  for (const auto& r : csv.records) {
    std::string where = origin + ":" + std::to_string(r.line) + ": ";
    auto reject = [&](const std::string& why) { out.rejected.push_back({origin, r.line, where + why, r.raw, ""}); };
    store::ProgressReport rep;
    rep.item_id = field(csv, r, "item");
    const plan::WorkItem* item = plan.find_item(rep.item_id);
    if (!item) {
      reject("unknown work item '" + rep.item_id + "'");
      continue;
    }
    auto period = Period::parse(field(csv, r, "period"));
    if (!period) {
      reject("period: " + period.error().message);
      continue;
    }
    rep.period = period->label();
    // A report speaks for a period of the plan that has begun: a report for 9999-Q4 would stand as
    // the item's latest forever, freezing its status.
    if (plan.start_year && (period->year < plan.start_year || period->year > plan.end_year)) {
      reject("period " + rep.period + " is outside the plan's years " + std::to_string(plan.start_year) + "–" +
             std::to_string(plan.end_year));
      continue;
    }
    if (period->first() > Date::today_beijing()) {
      reject("period " + rep.period + " has not begun (it starts on " + period->first().iso() + ")");
      continue;
    }
    auto status = normalize_status(field(csv, r, "status"));
    if (!status) {
      reject("status '" + field(csv, r, "status") +
             "' is not one of not_started, in_progress, done (未启动、推进中、已完成)");
      continue;
    }
    rep.status = *status;
    auto pct = Decimal::parse(field(csv, r, "percent"));
    if (!pct || pct->to_double() < 0 || pct->to_double() > 100) {
      reject("percent '" + field(csv, r, "percent") + "' must be a number from 0 to 100");
      continue;
    }
    rep.percent = pct->to_double();
    rep.narrative = field(csv, r, "narrative");
    rep.evidence = field(csv, r, "evidence");
    if (rep.status == "done" && rep.percent < 100) {
      reject("status done but percent is " + pct->str() + " (done means 100)");
      continue;
    }
    if (rep.status == "done" && rep.evidence.empty()) {
      reject("a 'done' report needs an evidence reference");
      continue;
    }
    rep.reporter_written = field(csv, r, "reporter");
    rep.reporter = plan.resolve_department(rep.reporter_written);
    if (rep.reporter.empty()) {
      reject("unknown department '" + rep.reporter_written + "'");
      continue;
    }
    if (!plan.may_report(*item, rep.reporter)) {
      std::vector<std::string> owners;
      for (const auto& d : item->lead) owners.push_back(d.written);
      for (const auto& d : item->responsible) owners.push_back(d.written);
      reject(rep.reporter_written + " neither leads nor shares " + item->id + " (owners: " + text::join(owners, "、") +
             ")");
      continue;
    }
    auto ts = normalize_timestamp(field(csv, r, "reported_at"));
    if (!ts) {
      reject("reported_at '" + field(csv, r, "reported_at") + "' is not YYYY-MM-DD[ HH:MM:SS][+08:00]");
      continue;
    }
    // A claimed time of reporting may lie in the past (a paper report typed in later), never ahead,
    // and never before the last report of the same item and reporter.
    if (!ts->empty()) {
      if (!options.claim_reported_at) {
        reject("reported_at is set by shanshui when a report is filed; to record the time the file claims (" + *ts +
               "), pass --claim-reported-at (the claim is written to the audit log)");
        continue;
      }
      if (*ts > store::now_iso8601()) {
        reject("reported_at " + *ts + " is later than now");
        continue;
      }
      auto last = options.last_reported_at.find(rep.item_id + "|" + rep.reporter);
      store::ProgressReport as_filed = rep;
      as_filed.reported_at = *ts;
      bool resubmitted = options.stored.count(report_key(as_filed)) > 0;  // stored once, "already present"
      if (!resubmitted && last != options.last_reported_at.end() && *ts < last->second) {
        reject("reported_at " + *ts + " is earlier than the last report on " + rep.item_id + " by " +
               rep.reporter_written + " (" + last->second + ")");
        continue;
      }
      rep.reported_at_claimed = true;
    }
    rep.reported_at = *ts;
    out.accepted.push_back(std::move(rep));
  }
  return out;
}

Result<Intake<store::Measurement>> intake_measurements(const plan::Plan& plan, const CsvTable& csv,
                                                       const std::string& origin) {
  if (auto s = require_columns(csv, {"indicator", "period", "value", "kind", "method"}, origin); !s)
    return tl::unexpected(s.error());
  Intake<store::Measurement> out;
  for (const auto& r : csv.records) {
    std::string where = origin + ":" + std::to_string(r.line) + ": ";
    auto reject = [&](const std::string& why) { out.rejected.push_back({origin, r.line, where + why, r.raw, ""}); };
    store::Measurement m;
    m.indicator = field(csv, r, "indicator");
    const plan::Target* t = target_for_indicator(plan, m.indicator);
    if (!t) {
      reject("no target measures indicator '" + m.indicator + "'");
      continue;
    }
    auto period = Period::parse(field(csv, r, "period"));
    if (!period) {
      reject("period: " + period.error().message);
      continue;
    }
    m.period = period->label();
    // A value for a period that has not begun cannot have been measured.
    if (period->first() > Date::today_beijing()) {
      reject("period " + m.period + " has not begun (it starts on " + period->first().iso() + ")");
      continue;
    }
    m.value = field(csv, r, "value");
    if (t->bound == plan::Bound::water_class) {
      if (!plan::water_class_rank(m.value)) {
        reject("value '" + m.value + "' is not a water class (I II III IV V 劣V)");
        continue;
      }
    } else if (t->bound == plan::Bound::binary || t->bound == plan::Bound::qualitative) {
      if (m.value != "yes" && m.value != "no") {
        reject("value '" + m.value + "' must be yes or no for this target");
        continue;
      }
    } else {
      auto d = Decimal::parse(m.value);
      if (!d) {
        reject("value: " + d.error().message);
        continue;
      }
      if (d->mantissa < 0) {
        reject("value " + m.value + " is negative");
        continue;
      }
      // The target's natural limit (100 for a percentage, the county's area for an area): a
      // forest coverage of 150 % is a typing error, not progress.
      if (t->limit && d->to_double() > *t->limit) {
        char limit[32];
        std::snprintf(limit, sizeof limit, "%g", *t->limit);
        reject("value " + m.value + " is above the natural limit of '" + m.indicator + "' (" + limit +
               (t->unit.empty() ? "" : " " + t->unit) + ")");
        continue;
      }
      m.value = d->str();
    }
    m.kind = field(csv, r, "kind");
    if (m.kind != "reported" && m.kind != "computed") {
      reject("kind '" + m.kind + "' must be reported or computed");
      continue;
    }
    if (m.kind == "reported" && t->measure.kind == "computed") {
      reject("'" + m.indicator + "' is computed from monitoring data (" + t->measure.method +
             "); it cannot be entered as reported");
      continue;
    }
    m.method = field(csv, r, "method");
    if (m.method != t->measure.method) {
      reject("method '" + m.method + "' is not how '" + m.indicator + "' is measured (the plan says " +
             t->measure.method + ")");
      continue;
    }
    m.method_version = field(csv, r, "method_version");
    m.source = field(csv, r, "source");
    std::string reporter = field(csv, r, "reporter");
    m.reporter = reporter.empty() ? "" : plan.resolve_department(reporter);
    if (!reporter.empty() && m.reporter.empty()) {
      reject("unknown department '" + reporter + "'");
      continue;
    }
    if (m.kind == "reported" && m.reporter.empty()) {
      reject("a reported value needs its reporter (department)");
      continue;
    }
    if (m.kind == "reported" && !t->measure.by_id.empty() && m.reporter != t->measure.by_id) {
      reject(reporter + " does not measure '" + m.indicator + "' (the plan says " + t->measure.by + ")");
      continue;
    }
    if (m.source.empty()) {
      reject("source is empty: every value needs its provenance (document, data set or file hash)");
      continue;
    }
    m.note = field(csv, r, "note");
    out.accepted.push_back(std::move(m));
  }
  return out;
}

bool regressed(const plan::Target& t, const std::string& earlier, const std::string& later) {
  if (t.bound == plan::Bound::water_class) return plan::water_class_rank(later) > plan::water_class_rank(earlier);
  if (t.bound == plan::Bound::binary || t.bound == plan::Bound::qualitative) return earlier == "yes" && later == "no";
  auto a = Decimal::parse(earlier), b = Decimal::parse(later);
  if (!a || !b) return false;
  int c = b->compare(*a);
  bool down_is_good = t.bound == plan::Bound::at_most || t.direction == plan::Direction::decrease;
  return down_is_good ? c > 0 : c < 0;
}

std::optional<DuePeriod> last_due_period(const plan::Plan& plan, Date as_of) {
  // Walk back from the period containing as_of to the newest one whose deadline has passed.
  Period p = Period::quarter_of(as_of);
  if (plan.tracking.period == "month") p = Period{Period::Kind::month, as_of.year, as_of.month};
  if (plan.tracking.period == "half") p = Period{Period::Kind::half, as_of.year, as_of.month <= 6 ? 1 : 2};
  auto prev = [](Period q) {
    int n = q.kind == Period::Kind::month ? 12 : q.kind == Period::Kind::quarter ? 4 : 2;
    if (q.index > 1) return Period{q.kind, q.year, q.index - 1};
    return Period{q.kind, q.year - 1, n};
  };
  for (int guard = 0; guard < 40; ++guard) {
    Date deadline = Date::from_days(p.last().days() + plan.tracking.due_day);
    if (p.first().year < plan.start_year) return std::nullopt;
    if (deadline < as_of) return DuePeriod{p, deadline};
    p = prev(p);
  }
  return std::nullopt;
}

std::string report_key(const store::ProgressReport& r) {
  char pct[32];
  std::snprintf(pct, sizeof pct, "%g", r.percent);
  return r.item_id + '\x1f' + r.period + '\x1f' + r.status + '\x1f' + pct + '\x1f' + r.narrative + '\x1f' + r.evidence +
         '\x1f' + r.reporter + '\x1f' + r.reported_at;
}

Date report_due(const plan::Plan& plan, const Period& period) {
  return Date::from_days(period.last().days() + plan.tracking.due_day);
}

bool filed_late(const plan::Plan& plan, const store::ProgressReport& report) {
  auto period = Period::parse(report.period);
  auto filed = Date::parse(report.reported_at.substr(0, 10));
  return period && filed && *filed > report_due(plan, *period);
}

const TargetView* TrackingView::find_target(const std::string& id) const {
  for (const auto& t : targets)
    if (t.target->id == id) return &t;
  return nullptr;
}

const ItemView* TrackingView::find_item(const std::string& id) const {
  for (const auto& i : items)
    if (i.item->id == id) return &i;
  return nullptr;
}

TrackingView build_view(const plan::Plan& plan, const std::vector<store::Measurement>& measurements,
                        const std::vector<store::ProgressReport>& reports, const std::vector<store::Closure>& closures,
                        Date as_of) {
  TrackingView view;
  view.as_of = as_of;
  // Annual series per indicator: the most recently recorded value for each year up to as_of.
  std::map<std::string, std::map<int, store::Measurement>> annual, so_far;
  auto newer = [](const store::Measurement& slot, const store::Measurement& m) {
    return slot.id == 0 || m.recorded_at > slot.recorded_at || (m.recorded_at == slot.recorded_at && m.id > slot.id);
  };
  for (const auto& m : measurements) {
    if (m.period.size() == 8 && m.period.compare(4, 4, "-YTD") == 0) {  // "2026-YTD": the year so far
      auto p = Period::parse(m.period.substr(0, 4));
      if (!p || p->year > as_of.year || m.recorded_at.substr(0, 10) > as_of.iso()) continue;
      auto& slot = so_far[m.indicator][p->year];
      if (newer(slot, m)) slot = m;
      continue;
    }
    auto p = Period::parse(m.period);
    if (!p || p->kind != Period::Kind::year || p->last() > Date{as_of.year, 12, 31}) continue;
    auto& slot = annual[m.indicator][p->year];
    if (newer(slot, m)) slot = m;
  }
  for (const auto& t : plan.targets) {
    TargetView tv;
    tv.target = &t;
    auto years = annual[t.indicator];
    for (const auto& [year, m] : so_far[t.indicator])
      if (!years.count(year)) years[year] = m;
    for (const auto& [year, m] : years) {
      tv.series.push_back({year, m.value, m.period != std::to_string(year)});
      tv.provenance.push_back(m);
    }
    tv.lenses = plan::assess(t, tv.series);
    // Stale: nothing since the baseline, or the newest value older than the last year whose value
    // is due (a year's annual value is due by 31 March of the next, when the statistical
    // bulletins and the environmental quality reports are out).
    int due_year = as_of >= Date{as_of.year, 3, 31} ? as_of.year - 1 : as_of.year - 2;
    std::string stale_en;
    if (tv.series.empty() && t.baseline_value) {
      tv.stale = "基准年（" + std::to_string(t.baseline_year) + " 年）以来没有新值";
      stale_en = "no value since the baseline (" + std::to_string(t.baseline_year) + ")";
    } else if (!tv.series.empty() && tv.series.back().year < due_year) {
      std::string newest = std::to_string(tv.series.back().year), due = std::to_string(due_year);
      tv.stale = "最新值为 " + newest + " 年；" + due + " 年的值应于 " + std::to_string(due_year + 1) + "-03-31 前报送";
      stale_en = "the newest value is for " + newest + "; the value for " + due + " was due by " +
                 std::to_string(due_year + 1) + "-03-31";
    }
    if (!tv.stale.empty())
      for (auto& l : tv.lenses)
        if (l.lens == "current") {
          l.rating = "stale";
          l.reason = tv.stale;
          l.en.reason = stale_en;
        }
    view.targets.push_back(std::move(tv));
  }
  // Latest report per item (by period, then time of reporting), ignoring reports after as_of.
  // Only a lead department's reports set the item's status: a responsible department or a
  // township reports its own part, which cannot mark the whole item done or make it closable.
  std::map<std::string, store::ProgressReport> latest;
  for (const auto& r : reports) {
    if (!r.reported_at.empty() && r.reported_at.substr(0, 10) > as_of.iso()) continue;
    const plan::WorkItem* item = plan.find_item(r.item_id);
    if (item && !plan.leads(*item, r.reporter)) continue;
    auto it = latest.find(r.item_id);
    auto key = [](const store::ProgressReport& x) { return std::make_tuple(x.period, x.reported_at, x.id); };
    if (it == latest.end() || key(r) > key(it->second)) latest[r.item_id] = r;
  }
  std::map<std::string, store::Closure> closed;
  for (const auto& c : closures)
    if (c.closed_at.substr(0, 10) <= as_of.iso()) closed[c.item_id] = c;

  for (const auto* item : plan.items()) {
    ItemView iv;
    iv.item = item;
    for (const auto& t : plan.targets)
      if (std::find(t.items.begin(), t.items.end(), item->id) != t.items.end()) iv.targets.push_back(t.id);
    std::optional<plan::LatestReport> lr;
    if (auto it = latest.find(item->id); it != latest.end()) {
      iv.latest = it->second;
      lr = plan::LatestReport{it->second.period, it->second.percent, it->second.status};
    }
    plan::ClosureState cs;
    if (auto it = closed.find(item->id); it != closed.end()) {
      iv.closure = it->second;
      cs.closed = true;
      // Reopen when a linked indicator's newest value is worse than its value in the closure year.
      int closure_year = std::stoi(it->second.closed_at.substr(0, 4));
      for (const auto& tid : iv.targets) {
        const TargetView* tv = view.find_target(tid);
        if (!tv || tv->series.empty()) continue;
        const plan::Observation* at_close = nullptr;
        for (const auto& o : tv->series)
          if (o.year <= closure_year) at_close = &o;
        const auto& newest = tv->series.back();
        if (at_close && newest.year > at_close->year && regressed(*tv->target, at_close->value, newest.value)) {
          cs.reopened = true;
          // Named by the target's name, in the clerk's words.
          cs.reopen_reason = tv->target->name + "由 " + at_close->value + "（" + std::to_string(at_close->year) +
                             " 年）变为 " + newest.value + "（" + std::to_string(newest.year) + " 年），较销号时倒退";
          break;
        }
      }
      iv.reopened = cs.reopened;
    }
    iv.status = plan::item_status(*item, plan.start_year, lr, cs, as_of, plan.tracking.lag_tolerance);
    view.items.push_back(std::move(iv));
  }
  return view;
}

Result<Tracking> load_tracking(store::Store& s, plan::Plan plan, Date as_of) {
  auto m = s.measurements();
  SS_TRY(m);
  auto r = s.reports();
  SS_TRY(r);
  auto c = s.closures();
  SS_TRY(c);
  Tracking t{std::move(plan), std::move(*r), {}};
  t.view = build_view(t.plan, *m, t.reports, *c, as_of);
  return t;
}

Result<std::optional<plan::Plan>> stored_plan(store::Store& s) {
  auto yaml = s.current_plan_yaml();
  SS_TRY(yaml);
  if (!*yaml) return std::optional<plan::Plan>{};
  auto p = plan::load_plan_text(**yaml, "plan in database");
  SS_TRY(p);
  return std::optional<plan::Plan>{std::move(*p)};
}

}  // namespace shanshui::service
