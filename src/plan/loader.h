// loader.h: reads a plan from its YAML text; structural errors name file:line.
#pragma once

#include <string>

#include "core/result.h"
#include "plan/model.h"

namespace shanshui::plan {

/// Parses plan YAML. `origin` names the file in messages ("plans/x.yaml:42: ..."). Department
/// names are resolved against the plan's registry; unresolved ones keep an empty id for lint to
/// report. Never throws.
Result<Plan> load_plan_text(const std::string& yaml_text, const std::string& origin);

/// Reads and parses a plan file.
Result<Plan> load_plan_file(const std::string& path);

}  // namespace shanshui::plan
