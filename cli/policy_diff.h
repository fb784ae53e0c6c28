// `policy preview`: the difference between two plans reconciled from the same snapshot and
// state, one with the deployed maps and one with the new ones, item by item and counted per
// theme and department. Pure: the command reads the database, this only compares values.
#pragma once

#include <string>
#include <vector>

#include "core/change_item.h"
#include "core/employee.h"
#include "core/reconcile_state.h"

namespace valtuus {

struct KindCounts {
  int grants = 0;
  int revokes = 0;
  int renews = 0;
  int org_applies = 0;
  int superseded = 0;  // open items the plan would supersede

  bool operator==(const KindCounts&) const = default;
};

// Per kind, a − b.
KindCounts operator-(const KindCounts& a, const KindCounts& b);

struct PreviewRow {
  std::string mandate;     // catalog id
  std::string department;  // most common spelling, trimmed; "(organisation)" for org_apply
  KindCounts current;      // in the plan of the deployed maps
  KindCounts proposed;     // in the plan of the new maps
  KindCounts difference() const { return proposed - current; }
};

// One change that only one of the two plans holds.
struct PreviewChange {
  bool added = true;       // true: only the new maps' plan has it; false: only the current one
  bool supersede = false;  // the plan supersedes open item `item_id` (of kind `kind`)
  ChangeKind kind = ChangeKind::kGrant;
  long long item_id = 0;
  std::string employee_key;  // empty for org_apply
  std::string account;       // from the snapshot; empty when the person was not read
  std::string department;
  std::string mandate;
  std::string reason;  // the proposed item's reason; empty for a supersede
  std::string map_id;
};

struct PlanDiff {
  std::vector<PreviewRow> rows;  // groups whose counts differ, by theme then department
  KindCounts current, proposed;  // totals of the two plans
  std::vector<PreviewChange> changes;
  // Open items the new maps would supersede and propose again (same kind, person and theme):
  // the rules requiring them changed, so reviewers see them anew.
  int reproposed = 0;

  bool empty() const { return changes.empty(); }
};

// Items compare by kind, person, theme and fingerprint (the source values): an item whose
// reason would change counts as one dropped and one added. Departments group as the maps
// match them (case and surrounding space ignored), shown in their most common spelling in the
// snapshot. An item's department comes from the snapshot, or from the stored history for a
// person the snapshot does not hold.
PlanDiff diff_plans(const Plan& current, const Plan& proposed, const Snapshot& snapshot,
                    const ReconcileState& state);

}  // namespace valtuus
