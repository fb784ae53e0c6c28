// What one sync run did, as a value: the plan, the guard's verdict, and for printing a dry run
// the items it supersedes and the people it names. Also the pure steps of the sync pipeline
// that sit between the reconcile and the writes (daemon/sync_cycle.cc calls them in order):
// the guard's inputs, a held run's supersedes, and what a printed plan needs to know.
//
// Pure: no I/O, no clock.
#pragma once

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/change_item.h"
#include "core/employee.h"
#include "core/guard.h"
#include "core/reconcile_state.h"

namespace valtuus {

// Who an employee key is, for printing a plan: from the snapshot, else as last stored (a
// leaver absent from the read is known only from the store).
struct PersonLabel {
  std::string account;
  std::string name;
  std::string department;
};

struct RunRecord {
  long long run_id = 0;  // 0 for a dry run
  Plan plan;
  bool held = false;        // the guard held the run (a dry run: would hold it)
  std::string held_reason;  // the guard's reason; empty when not held
  // A held run supersedes only the open items its own items replace; the others it no longer
  // wants stay open for the next run to judge (plan.supersede then lists only those applied).
  int supersedes_deferred = 0;
  // The daemon's incremental runs: the run planned from the state it kept since its last run
  // (not loaded), and how many people it reconciled (-1: everyone, a whole reconcile).
  bool state_kept = false;
  int people_reconciled = -1;
  // A full read whose people were known to be few before the read ended: the state was
  // loaded for them alone (their history, grants, items and order forms), this many (-1: the
  // whole state, or none was loaded).
  int people_loaded = -1;
  // For printing a dry run's plan (empty for a stored run, to keep large runs cheap): the open
  // items the plan supersedes, and the people the plan names.
  std::vector<OpenItem> superseded;
  std::unordered_map<std::string, PersonLabel> people;
};

// What the guard judges `plan` by: the grants in the ledger as loaded in the run's own
// transaction (the base the share is of), and the read's completeness and refusals.
GuardInput guard_input(const Plan& plan, const ReconcileState& state, const Snapshot& snapshot);
// The same with the grants in force counted by the store (a state loaded for a few people holds
// only theirs).
GuardInput guard_input(const Plan& plan, long long grants_in_force, const Snapshot& snapshot);

// A held run supersedes only the open items it replaces: their successors are in the run,
// held, and the one-open-item index needs the old ones gone first. An item the run merely no
// longer wants stays open, so that a bad read cannot make pending work vanish; the next run
// judges it again. Removes the others from plan.supersede, sets plan.stats.superseded, and
// returns how many supersedes were left for later.
int keep_only_replacing_supersedes(Plan& plan, const std::vector<OpenItem>& open_items);

// Fills record.superseded (the open items record.plan supersedes) and record.people for the
// people the plan names who are in `snapshot`. Returns the keys of the others (leavers absent
// from the read), whom only the store knows.
std::set<std::string> describe_from_snapshot(RunRecord& record, const Snapshot& snapshot,
                                             const std::vector<OpenItem>& open_items);

}  // namespace valtuus
