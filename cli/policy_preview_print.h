// How `policy preview` shows a PlanDiff: a table per theme and department with a total line
// for people, CSV for spreadsheets, JSON (with every differing item) for tools.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "cli/policy_diff.h"
#include "core/policy.h"

namespace valtuus {

struct PreviewContext {
  std::string current_dir;  // policy.dir, the deployed maps
  std::string new_dir;
  const Snapshot& snapshot;
  const Plan& current_plan;
  const Plan& proposed_plan;
  const Policy& current_policy;
  const Policy& proposed_policy;
};

void print_preview_table(std::ostream& out, const PlanDiff& diff, const PreviewContext& context);
void print_preview_csv(std::ostream& out, const PlanDiff& diff, const PreviewContext& context);
nlohmann::json preview_json(const PlanDiff& diff, const PreviewContext& context);

// "+2", "-1", "0": a difference as the table shows it.
std::string signed_count(int n);

}  // namespace valtuus
