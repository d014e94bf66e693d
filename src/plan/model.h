// model.h: the action plan as data: departments, action lines, key tasks, work items, targets.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shanshui::plan {

/// A department name as the plan writes it, and the registry id it resolves to ("" if none).
struct DeptRef {
  std::string written;
  std::string id;
};

/// A unit that can lead, share or report work: a county department, the townships as a group,
/// one township, a party office or a state enterprise.
struct Department {
  std::string id;
  std::string name;
  std::vector<std::string> aliases;
  std::string kind;   // department | township_group | township | party | enterprise
  std::string group;  // for a township: the id of its group (e.g. "townships")
  int line = 0;
};

/// A numbered piece of work (主要内容) under a key task.
struct WorkItem {
  std::string id;  // "T02.8"
  std::string task_id;
  int number = 0;  // 0 when the task's content is one unnumbered paragraph
  std::string text;
  std::vector<std::string> notes;    // editorial notes kept from the draft
  std::vector<DeptRef> lead;         // the task's lead unless the item names its own
  std::vector<DeptRef> responsible;  // likewise
  std::string due;                   // YYYY-MM-DD; the plan's end unless stated
  int line = 0;
};

/// A key task (重点任务) under an action line.
struct KeyTask {
  std::string id;  // "T01".."T20"
  std::string name;
  std::string action_id;
  std::vector<DeptRef> lead;
  std::vector<DeptRef> responsible;
  std::vector<WorkItem> items;
  int line = 0;
};

/// An action line (行动计划): the 5 top-level lines of the task list.
struct Action {
  std::string id;         // "A1".."A5"
  std::string name;       // as the task list names it
  std::string text_name;  // as part 三 of the text names it (may differ)
  std::vector<KeyTask> tasks;
  int line = 0;
};

/// A numbered task of part 三 of the text, linked to the key tasks of the task list.
struct Section {
  int number = 0;
  std::string name;
  std::string action_id;
  std::vector<std::string> key_tasks;
  std::vector<std::string> notes;
  int line = 0;
};

enum class Bound { at_least, at_most, equal, approx, range, water_class, binary, qualitative };
enum class Direction { increase, decrease, none };

const char* to_string(Bound b);
const char* to_string(Direction d);
std::optional<Bound> bound_from_string(const std::string& s);
std::optional<Direction> direction_from_string(const std::string& s);

/// How a target's value is obtained.
struct MeasureMethod {
  std::string kind;     // "computed" (from monitoring by a named method) or "reported"
  std::string method;   // e.g. "air.good_days_ratio" (HJ 663) or "reported.forestry_survey"
  std::string version;  // method version, e.g. "HJ663-2013/v1"
  std::string by;       // department (written) that computes or reports it
  std::string by_id;
  // A second, independent figure computed beside the official one (forest share from the land-cover
  // layer beside the forest survey's 森林覆盖率; the network variant beside the buffer method): shown
  // with its own provenance, never rated. Empty when the target has none.
  std::string check_method, check_version;
};

/// An earlier value of a target, replaced by an amendment written into the draft.
struct Amendment {
  std::string from;
  std::string to;
  std::string where;
  std::string note;
};

/// What an unspecified target is rated against until the plan states a value: a national standard
/// (GB 3095-2012 Table 1, grade II, for PM2.5 "达到市级考核要求") or the plan's own baseline
/// ("不低于国家要求": hold the level). Shown with its source on every rating it produces.
struct Reference {
  std::string value;  // decimal text; the baseline's value when `of_baseline`
  bool of_baseline = false;
  std::string source;     // "GB 3095-2012 表1 二级：年平均 35 µg/m³"
  std::string source_en;  // the same in English ("" → "the reference value 35")
};

/// A target as a contract (目标): bound, value, year, baseline, owner, method, source clause.
struct Target {
  std::string id;
  std::string indicator;  // targets on the same indicator must agree (lint)
  std::string name;
  std::string unit;
  Bound bound = Bound::at_least;
  std::string value;                   // decimal text, class ("II") or "yes"; "" when unspecified/qualitative
  std::string value_hi;                // upper end of a range
  bool unspecified = false;            // "XX" placeholder in the draft
  std::optional<Reference> reference;  // what an unspecified target is rated against, if anything
  std::string written;                 // the target as the draft writes it ("95%左右", "XX亿元")
  int year = 0;
  std::optional<std::string> baseline_value;
  int baseline_year = 0;
  std::string baseline_source;
  std::optional<double> limit;  // natural limit (100 for a percentage)
  Direction direction = Direction::increase;
  bool cumulative = false;  // a running total from the baseline year (afforestation, capacity)
  std::string clause;       // where the draft states it: "二(四)", "三.2", "T02.1"
  std::string quote;        // the draft's words, verbatim
  DeptRef lead;
  std::vector<std::string> items;  // linked work items
  MeasureMethod measure;
  std::vector<Amendment> amendments;
  std::vector<std::string> notes;
  int line = 0;
};

/// One published weight of the department scorecard (赛马比拼).
struct ScoreComponent {
  std::string id;
  double weight = 0;
  std::string description;
};

/// Rules of the tracking table (打表): how often departments report and how lag is judged.
struct TrackingRules {
  std::string period = "quarter";  // reports are due each quarter
  int due_day = 10;                // ... by this day of the following month
  double lag_tolerance = 10;       // percentage points behind the time share before "lagging"
};

/// The whole plan.
struct Plan {
  std::string id;
  std::string title;
  std::string status;  // draft | adopted
  int start_year = 0;
  int end_year = 0;
  std::string source;
  std::string office_name;
  DeptRef office_host;  // the department that hosts the leading-group office
  std::string leading_group;
  std::vector<Department> departments;
  std::vector<Action> actions;
  std::vector<Section> sections;
  std::vector<Target> targets;
  std::vector<ScoreComponent> scorecard;
  std::string scorecard_method;
  TrackingRules tracking;

  // Look-ups (linear; a plan has about a hundred items).
  const WorkItem* find_item(const std::string& id) const;
  const KeyTask* find_task(const std::string& id) const;
  const Target* find_target(const std::string& id) const;
  const Department* find_department(const std::string& id) const;
  /// Resolves a name, alias or id to a department id; "" if unknown.
  std::string resolve_department(const std::string& name_or_id) const;
  /// All work items in plan order.
  std::vector<const WorkItem*> items() const;
  /// Whether department `dept_id` may report on the item: it leads or shares it, or it is a
  /// township and the townships as a group share it.
  bool may_report(const WorkItem& item, const std::string& dept_id) const;
  /// Whether `dept_id` is named among the item's lead departments (not through a group): only a
  /// lead's reports set the item's status; the others report their own part.
  bool leads(const WorkItem& item, const std::string& dept_id) const;
};

}  // namespace shanshui::plan
