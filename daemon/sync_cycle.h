// One sync cycle: read the directory, reconcile against the ledger and open items, and write
// the run in one transaction. The daemon's loop and `--once` both call this.
#pragma once

#include <chrono>
#include <pqxx/pqxx>

#include "common/identity_crypto.h"
#include "connectors/ldap/ldap_source.h"
#include "connectors/postgres/sync_store.h"
#include "core/policy.h"
#include "core/reconcile_state.h"

namespace valtuus {

struct CycleResult {
  RunRecord record;
  bool snapshot_complete = false;
  std::string incomplete_reason;
  std::chrono::milliseconds duration{0};
};

// Runs one cycle. Throws the connectors' errors (TransientError, ConfigError) when the
// directory or the database fails; nothing is written then. With `identity`, the personal
// identity codes read are stored encrypted; without it they are dropped.
CycleResult run_sync_cycle(DirectorySource& directory, const Policy& policy,
                           const LeaverRules& rules, pqxx::connection& database, bool dry_run,
                           const IdentityCrypto* identity = nullptr);

// "run 12: read 40 (complete), proposed +31 grant ... in 0.21 s"
std::string cycle_summary(const CycleResult& result);

}  // namespace valtuus
