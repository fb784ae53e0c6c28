// Writes one sync run to PostgreSQL: the run, the employees as last seen, the catalog, the
// new change items and the superseded ones, and an audit event — in one transaction, so a
// run lands whole or not at all (invariant 3). The guard (core/guard.h) judges the plan first:
// a held run's items are written in state 'held' (sql/004_held_runs.sql).
#pragma once

#include <functional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/identity_crypto.h"
#include "core/change_item.h"
#include "core/employee.h"
#include "core/guard.h"
#include "core/policy.h"
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
  // For printing a dry run's plan (empty for a stored run, to keep large runs cheap): the open
  // items the plan supersedes, and the people the plan names.
  std::vector<OpenItem> superseded;
  std::unordered_map<std::string, PersonLabel> people;
};

using Planner = std::function<Plan(const ReconcileState&)>;

// How the run's snapshot was read, stored with the run so that a restarted daemon continues
// where the last complete read left off (sync_run.watermark, sync_run.full_read).
struct ReadMark {
  std::string watermark;  // encode(Watermark) of a complete read; "" when there is none
  bool full_read = true;  // the whole directory was read (false: changes merged into the last)
};

class SyncStore {
 public:
  // `connection` (and `identity`, when given) must outlive the store. Not thread-safe: one store
  // per thread. Without `identity` no personal identity code is stored.
  explicit SyncStore(pqxx::connection& connection, const IdentityCrypto* identity = nullptr)
      : connection_(connection), identity_(identity) {}

  // In one transaction, under an advisory lock that serialises concurrent runs: reads the
  // state the reconcile needs (ledger, open items, history), asks `planner` for the plan, lets
  // the guard judge it against the grants in the ledger, and writes everything; a held run's
  // new items are written in state 'held' and it supersedes only what they replace (see
  // RunRecord::supersedes_deferred). With `dry_run` the transaction is rolled back after
  // planning and judging. Throws pqxx errors on failure, after which nothing of the run is in
  // the database.
  RunRecord sync(const Snapshot& snapshot, const Policy& policy, const Planner& planner,
                 TimePoint started_at, bool dry_run, const GuardOptions& guard = GuardOptions{},
                 const ReadMark& mark = ReadMark{});

 private:
  pqxx::connection& connection_;
  const IdentityCrypto* identity_;
};

}  // namespace valtuus
