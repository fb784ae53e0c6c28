// One sync cycle: read the directory (fully, or the changes since the last read merged into the
// last snapshot), reconcile against the ledger and open items, and write the run in one
// transaction. The daemon's loop, `--once`, `--dry-run` and `--check` all call this.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/identity_crypto.h"
#include "connectors/ldap/ldap_source.h"
#include "connectors/postgres/sync_store.h"
#include "core/directory_changes.h"
#include "core/guard.h"
#include "core/policy.h"
#include "core/reconcile_state.h"

namespace valtuus {

// What the loop remembers of the directory between runs: the watermark of the last complete
// read and the snapshot as of it, the base of the next incremental read. The watermark is also
// stored with each complete run (sync_run.watermark), so a daemon that starts, reloads or
// becomes leader without a valid memory takes the base from the database instead (the
// employees as the runs stored them) and continues incrementally; a watermark that belongs to
// another server makes the read a full one (DirectoryChanges::watermark_reset).
struct DirectoryMemory {
  bool valid = false;  // watermark and last describe a complete read
  Watermark watermark;
  Snapshot last;  // the directory as of `watermark` (identity codes included when read here)
};

struct CycleOptions {
  bool full_read = true;  // false: incremental, from `memory` or else the database's last run
  bool dry_run = false;   // plan, roll back, write nothing
  GuardOptions guard;     // the limits that hold a run for a person
};

struct CycleResult {
  RunRecord record;
  bool full_read = true;
  bool complete = false;
  std::string incomplete_reason;
  int entries_read = 0;                 // employees in the snapshot the run planned from
  int changes_read = 0;                 // incremental runs: entries changed since the last read
  int entries_refused = 0;              // entries with a refused value (refused_entry_count)
  std::vector<RefusedValue> refused{};  // what was refused, for the log (never a value)
  bool stopped = false;  // a stop was requested during or after the read: nothing was written
  std::chrono::milliseconds duration{0};
};

// Runs one cycle and updates `memory` after a read. Throws the connectors' errors
// (TransientError, ConfigError, pqxx errors) when the directory or the database fails;
// nothing is written then. `stop_requested` is asked between the read and the write; a read
// that the directory source itself ended on a stop (Cancelled) gives `stopped` as well, with
// `memory` unchanged.
// With `identity`, the personal identity codes read are stored encrypted; without it they are
// dropped.
CycleResult run_sync_cycle(DirectorySource& directory, DirectoryMemory& memory,
                           const Policy& policy, const LeaverRules& rules,
                           pqxx::connection& database, const CycleOptions& options,
                           const IdentityCrypto* identity = nullptr,
                           const std::function<bool()>& stop_requested = {});

// Change items waiting for a person (proposed, approved, applied, or held with their run), plus
// held runs without items, for --check.
long long items_waiting(pqxx::connection& database);

// "run 12: full read; read 40, ... (complete); changes proposed; not held; 0.21 s". Counts
// and reasons only: never a name, a value or an identity code.
std::string cycle_summary(const CycleResult& result);

// One line per refused entry ("refused entry CN=...: account pia: title: contains a control
// character; ..."), at most `limit`, then "... and N more refused entries". Never a value.
std::vector<std::string> refused_lines(const std::vector<RefusedValue>& refused,
                                       std::size_t limit = 20);

}  // namespace valtuus
