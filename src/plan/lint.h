// lint.h: checks a plan for the defects a draft tends to have, each with its location.
#pragma once

#include <string>
#include <vector>

#include "plan/model.h"

namespace shanshui::plan {

/// One finding. `where` names the plan element (item, task, target or department id);
/// `line` is its line in the plan file (0 when unknown).
struct Finding {
  std::string severity;  // error | warning | info
  std::string rule;
  std::string where;
  int line = 0;
  std::string message;
};

/// Runs every rule (see docs/plan.md ("Lint rules")). Findings come in plan order within each rule.
std::vector<Finding> lint(const Plan& plan);

/// Whether any finding is an error (a plan with errors is not imported).
bool has_errors(const std::vector<Finding>& findings);

}  // namespace shanshui::plan
