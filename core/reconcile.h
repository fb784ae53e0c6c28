// The heart of the product: from a directory snapshot, the policy, the ledger of granted
// mandates, the open items and the reviewers' exceptions, compute the changes a mandate
// administrator must review, each with its reason and provenance.
//
// reconcile() is a pure function: no I/O, no clock (time comes in as `now`), no globals.
// Its invariants (tested): storing a plan and reconciling again proposes nothing; input order
// does not change the plan; an incomplete snapshot never yields a revocation and never drops
// an item of someone it did not read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
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
  // From how many people read the grants and renewals are proposed by two threads (the plan
  // is the same): the threads cost more than they save for a few people. Tests lower it.
  std::size_t parallel_from = 8192;
};

Plan reconcile(const ReconcileInput& input);

// Sorts the ledger by employee key and says so (ReconcileState::ledger_by_employee), for a
// state that many restricted reconciles read; a ledger already sorted is left as it is. The
// plan does not depend on the ledger's order.
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

// Whom the refused entries of `snapshot` are (invariant 9): by key, else by DN or account
// among the people read and those stored. The reconcile leaves their items as they are.
std::unordered_set<std::string> refused_people(const Snapshot& snapshot,
                                               const ReconcileState& state);

// A full read over a state that a whole reconcile at `since` (the same day, the same policy
// and rules) settled, when nothing but the directory may have changed since: whom a reconcile
// must look at to give what a whole one would (ReconcileInput::only), and how the others
// stand. The people are those whose entry is new, back, or not as the store last wrote it
// (EmployeeHistory::stored_digest against `row_digest` of the entry as read and its status
// now), those stored and not read (they leave in this read), those refused, and those time
// may have changed (people_time_may_change). Nullopt (reconcile everyone) for an incomplete
// read or a key read twice. `index`, when given, indexes the snapshot's employees (it is
// built here otherwise): it says whether a key was read twice and finds the people read.
struct FullReadScope {
  std::unordered_set<std::string> people;
  // Among the others (read, not in `people`): the leavers and those on long leave, as a
  // whole reconcile lists them (Plan::leavers, Plan::on_long_leave), for the run's figures.
  std::unordered_set<std::string> leavers, on_long_leave;
};
// The store's digest of an employee's row with the given status (0 never matches). Called on the
// caller's thread, one person after another, so it may keep what it learnt (as the store's
// EmployeeRowDigests does).
using RowDigest = std::function<std::uint64_t(const Employee&, EmployeeStatus)>;
std::optional<FullReadScope> people_a_full_read_may_change(
    const Snapshot& snapshot, const ReconcileState& state, const LeaverRules& rules,
    const std::unordered_set<std::string>& in_grace, TimePoint since, TimePoint now,
    const RowDigest& row_digest, const KeyIndex* index = nullptr);

// Whether the organisation can grant the theme now (path 1), or must apply first (path 2).
bool organisation_can_grant(const MandateIssue& mandate, const ReconcileState& state,
                            TimePoint now);

}  // namespace valtuus
