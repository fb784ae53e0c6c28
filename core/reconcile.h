// The heart of the product: from a directory snapshot, the policy, the ledger of granted
// mandates, the open items and the reviewers' exceptions, compute the changes a mandate
// administrator must review, each with its reason and provenance.
//
// reconcile() is a pure function: no I/O, no clock (time comes in as `now`), no globals.
// Its invariants (tested): storing a plan and reconciling again proposes nothing; input order
// does not change the plan; an incomplete snapshot never yields a revocation and never drops
// an item of someone it did not read.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/change_item.h"
#include "core/employee.h"
#include "core/key_index.h"
#include "core/policy.h"
#include "core/reconcile_state.h"

namespace valtuus {

struct ReconcileInput {
  const Snapshot& snapshot;
  const Policy& policy;
  const ReconcileState& state;
  const LeaverRules& rules;
  TimePoint now;
  // Reconcile only these people (employee keys), for an incremental cycle over a state that a
  // whole reconcile settled: their items, grants, leaving and moves are decided exactly as a
  // whole reconcile would decide them; nobody else is looked at, so the plan names nobody
  // else. The organisation's applications (org_apply) are proposed when one of them needs
  // one, and never superseded here: whether anyone still needs one is for a whole reconcile.
  // Null: everyone (a whole reconcile).
  const std::unordered_set<std::string>* only = nullptr;
  // Where each of the snapshot's employees is (over snapshot.employees): with `only`, its
  // people are found by key instead of by a pass over everyone. Null, or not usable: the pass.
  const KeyIndex* index = nullptr;
};

Plan reconcile(const ReconcileInput& input);

// Sorts the ledger by employee key and says so (ReconcileState::ledger_by_employee), for a
// state that many restricted reconciles read. The plan does not depend on the ledger's order.
void sort_ledger_by_employee(ReconcileState& state);

// Whom time alone may have given another plan between a reconcile at `since` and `now` on the
// same day, when nothing else changed: people with a revocation waiting for its grace period
// (`in_grace`, Plan::in_grace of the reconciles since), whose account expired in between, or
// with a dated exception. (What ends by the day, a new day's whole reconcile decides.)
std::unordered_set<std::string> people_time_may_change(
    const Snapshot& snapshot, const ReconcileState& state,
    const std::unordered_set<std::string>& in_grace, TimePoint since, TimePoint now);

// When each account that expires after `since` expires, by employee key: what
// people_time_may_change looks for in the snapshot, gathered once for many later calls.
using ExpiringAccounts = std::unordered_map<std::string, TimePoint>;
ExpiringAccounts accounts_expiring_after(const Snapshot& snapshot, TimePoint since);
// The same people from `expiring` (a superset of the snapshot's accounts that expire after
// `since` will do) instead of a pass over the snapshot.
std::unordered_set<std::string> people_time_may_change(
    const ExpiringAccounts& expiring, const ReconcileState& state,
    const std::unordered_set<std::string>& in_grace, TimePoint since, TimePoint now);

enum class EmployeeStatus { kActive, kLongLeave, kLeftDisabled, kLeftExpired, kLeftOu };

// How the rules see one employee at `now`. Expiry and the leavers OU make a leaver even on
// long leave; a disabled account does not when the long-leave marker or OU says so, because
// organisations disable accounts during parental or study leave.
EmployeeStatus employee_status(const Employee& employee, const LeaverRules& rules, TimePoint now);
bool is_leaver(EmployeeStatus status);
std::string to_string(EmployeeStatus status);

// Whether the organisation can grant the theme now (path 1), or must apply first (path 2).
bool organisation_can_grant(const MandateIssue& mandate, const ReconcileState& state,
                            TimePoint now);

}  // namespace valtuus
