// context.cpp: shared command plumbing.
#include "app/context.h"

#include <cstdlib>
#include <iostream>

#include "plan/loader.h"
#include "service/tracking.h"

namespace shanshui::app {

std::string default_db_path() {
  if (const char* env = std::getenv("SHANSHUI_DB"); env && *env) return env;
  return std::string(SHANSHUI_SOURCE_DIR) + "/var/shanshui.db";
}

std::string bundled_plan_path() { return std::string(SHANSHUI_SOURCE_DIR) + "/data/plans/wushan-2023-2027.yaml"; }

Result<std::unique_ptr<store::Store>> open_store(const Common& c) {
  return store::open_store(c.db.empty() ? default_db_path() : c.db);
}

Result<plan::Plan> current_plan(store::Store& s) {
  auto stored = service::stored_plan(s);
  SS_TRY(stored);
  if (*stored) return std::move(**stored);
  return plan::load_plan_file(bundled_plan_path());
}

Result<plan::Plan> current_plan(const Common& c) {
  auto s = open_store(c);
  SS_TRY(s);
  return current_plan(**s);
}

Result<Date> as_of_date(const std::string& s) {
  if (s.empty()) return Date::today_beijing();
  return Date::parse(s);
}

int refuse(const std::string& message) {
  std::cerr << "shanshui: " << message << "\n";
  return 1;
}

}  // namespace shanshui::app
