// The heart of the product: from a directory snapshot, the policy, the ledger of granted
// mandates and the open items, compute the changes a mandate administrator must review.
//
// reconcile() is a pure function: no I/O, no clock (time comes in as `now`), no globals.
// Its invariants (tested): a second reconcile after the plan is stored proposes nothing;
// input order does not change the plan; an incomplete snapshot never yields a revocation.
#pragma once

#include <vector>

#include "core/change_item.h"
#include "core/employee.h"
#include "core/policy.h"

namespace valtuus {

struct ReconcileInput {
  const Snapshot& snapshot;
  const Policy& policy;
  const std::vector<LedgerGrant>& ledger;
  const std::vector<OpenItem>& open_items;
  TimePoint now;
};

Plan reconcile(const ReconcileInput& input);

// Whether the employee has left: disabled account, or account expired at `now`.
bool is_leaver(const Employee& employee, TimePoint now);

}  // namespace valtuus
