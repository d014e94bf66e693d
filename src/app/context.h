// context.h: what every command needs: the store, the plan in force, the date, and refusals.
#pragma once

#include <memory>
#include <string>

#include "app/commands.h"
#include "core/civil_time.h"
#include "plan/model.h"
#include "store/store.h"

namespace shanshui::app {

/// Opens the command's database (creating it if needed).
Result<std::unique_ptr<store::Store>> open_store(const Common& c);
/// The plan in force in the database, or the bundled plan when none was imported.
Result<plan::Plan> current_plan(const Common& c);
/// The plan in force in an open store, or the bundled plan.
Result<plan::Plan> current_plan(store::Store& s);
/// --as-of DATE or today (Beijing time).
Result<Date> as_of_date(const std::string& s);
/// Prints "shanshui: MESSAGE" on stderr and returns the refusal exit status (1).
int refuse(const std::string& message);

}  // namespace shanshui::app
