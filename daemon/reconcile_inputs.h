// A digest of what a reconcile reads besides the directory and the store: the policy (catalog
// and maps, with where each rule was written, which items name), the leaver rules, and the
// build that reconciles. A run records it (ReconcileMark::inputs), so that the next run, a
// new process included, knows whether it may reconcile only the people whose entries changed.
#pragma once

#include <string>

#include "core/policy.h"
#include "core/reconcile_state.h"

namespace valtuus {

std::string reconcile_inputs_digest(const Policy& policy, const LeaverRules& rules);

}  // namespace valtuus
