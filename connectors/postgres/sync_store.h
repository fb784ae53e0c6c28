// Writes one sync run to PostgreSQL: the run, the employees as last seen, the catalog, the
// new change items and the superseded ones, and an audit event — in one transaction, so a
// run lands whole or not at all (invariant 3).
#pragma once

#include <functional>
#include <pqxx/pqxx>
#include <vector>

#include "common/identity_crypto.h"
#include "core/change_item.h"
#include "core/employee.h"
#include "core/policy.h"
#include "core/reconcile_state.h"

namespace valtuus {

struct RunRecord {
  long long run_id = 0;  // 0 for a dry run
  Plan plan;
};

using Planner = std::function<Plan(const ReconcileState&)>;

class SyncStore {
 public:
  // `connection` (and `identity`, when given) must outlive the store. Not thread-safe: one store
  // per thread. Without `identity` no personal identity code is stored.
  explicit SyncStore(pqxx::connection& connection, const IdentityCrypto* identity = nullptr)
      : connection_(connection), identity_(identity) {}

  // In one transaction, under an advisory lock that serialises concurrent runs: reads the
  // state the reconcile needs (ledger, open items, history), asks `planner` for the plan, and
  // writes everything. With `dry_run` the transaction is rolled back after planning. Throws pqxx
  // errors on failure, after which nothing of the run is in the database.
  RunRecord sync(const Snapshot& snapshot, const Policy& policy, const Planner& planner,
                 TimePoint started_at, bool dry_run);

 private:
  pqxx::connection& connection_;
  const IdentityCrypto* identity_;
};

}  // namespace valtuus
