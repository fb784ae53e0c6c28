// Prints a run's plan for a person, Terraform-style (valtuusd --dry-run): revocations first,
// then grants, applications (org_apply) and renewals, then the open items the plan supersedes;
// each part grouped by department. "-" revokes, "+" adds (a renewal is a new grant), "~" is an
// open item replaced or no longer wanted. A final line counts everything, and says why the
// guard would hold the run.
#pragma once

#include <ostream>

#include "core/run_record.h"

namespace valtuus {

// Names and departments come from record.people; a key not found there prints as itself.
void print_plan(std::ostream& out, const RunRecord& record);

// "Plan: 3 to grant, 1 to apply for, 2 to revoke, 0 to renew, 1 to supersede." and, when the
// guard held the run, " (held: REASON)".
std::string plan_summary(const RunRecord& record);

}  // namespace valtuus
