// model.cpp: enum spellings and the plan's look-ups.
#include "plan/model.h"

namespace shanshui::plan {

const char* to_string(Bound b) {
  switch (b) {
    case Bound::at_least:
      return ">=";
    case Bound::at_most:
      return "<=";
    case Bound::equal:
      return "=";
    case Bound::approx:
      return "~";
    case Bound::range:
      return "range";
    case Bound::water_class:
      return "water_class";
    case Bound::binary:
      return "binary";
    case Bound::qualitative:
      return "qualitative";
  }
  return "?";
}

const char* to_string(Direction d) {
  switch (d) {
    case Direction::increase:
      return "increase";
    case Direction::decrease:
      return "decrease";
    case Direction::none:
      return "none";
  }
  return "?";
}

std::optional<Bound> bound_from_string(const std::string& s) {
  for (auto b : {Bound::at_least, Bound::at_most, Bound::equal, Bound::approx, Bound::range, Bound::water_class,
                 Bound::binary, Bound::qualitative}) {
    if (s == to_string(b)) return b;
  }
  return std::nullopt;
}

std::optional<Direction> direction_from_string(const std::string& s) {
  for (auto d : {Direction::increase, Direction::decrease, Direction::none}) {
    if (s == to_string(d)) return d;
  }
  return std::nullopt;
}

const WorkItem* Plan::find_item(const std::string& id) const {
  for (const auto& a : actions)
    for (const auto& t : a.tasks)
      for (const auto& i : t.items)
        if (i.id == id) return &i;
  return nullptr;
}

const KeyTask* Plan::find_task(const std::string& id) const {
  for (const auto& a : actions)
    for (const auto& t : a.tasks)
      if (t.id == id) return &t;
  return nullptr;
}

const Target* Plan::find_target(const std::string& id) const {
  for (const auto& t : targets)
    if (t.id == id) return &t;
  return nullptr;
}

const Department* Plan::find_department(const std::string& id) const {
  for (const auto& d : departments)
    if (d.id == id) return &d;
  return nullptr;
}

std::string Plan::resolve_department(const std::string& name) const {
  for (const auto& d : departments) {
    if (d.id == name || d.name == name) return d.id;
    for (const auto& a : d.aliases)
      if (a == name) return d.id;
  }
  return "";
}

std::vector<const WorkItem*> Plan::items() const {
  std::vector<const WorkItem*> out;
  for (const auto& a : actions)
    for (const auto& t : a.tasks)
      for (const auto& i : t.items) out.push_back(&i);
  return out;
}

bool Plan::may_report(const WorkItem& item, const std::string& dept_id) const {
  const Department* d = find_department(dept_id);
  if (!d) return false;
  auto listed = [&](const std::vector<DeptRef>& refs, const std::string& id) {
    for (const auto& r : refs)
      if (r.id == id) return true;
    return false;
  };
  for (const auto* refs : {&item.lead, &item.responsible}) {
    if (listed(*refs, dept_id)) return true;
    if (!d->group.empty() && listed(*refs, d->group)) return true;
  }
  return false;
}

bool Plan::leads(const WorkItem& item, const std::string& dept_id) const {
  for (const auto& r : item.lead)
    if (r.id == dept_id) return true;
  return false;
}

}  // namespace shanshui::plan
