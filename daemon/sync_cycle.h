// One sync cycle, in DESIGN.md's order: read the directory (fully, or the changes since the last
// read merged into the last snapshot), open the store's transaction, load the state, reconcile,
// let the guard judge the plan, write the run, commit. The read and the opening of the run
// overlap when the state must be loaded anyway (run_sync_cycle). The daemon's loop, `--once`,
// `--dry-run` and `--check` all call this.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/identity_crypto.h"
#include "connectors/ldap/ldap_source.h"
#include "connectors/postgres/sync_store.h"
#include "core/directory_changes.h"
#include "core/guard.h"
#include "core/key_index.h"
#include "core/policy.h"
#include "core/reconcile.h"
#include "core/reconcile_state.h"

namespace valtuus {

// What the loop remembers of the directory between runs: the watermark of the last complete
// read and the snapshot as of it, the base of the next incremental read. The watermark is also
// stored with each complete run (sync_run.watermark), so a daemon that starts, reloads or
// becomes leader without a valid memory takes the base from the database instead (the
// employees as the runs stored them) and continues incrementally; a watermark that belongs to
// another server makes the read a full one (DirectoryChanges::watermark_reset).
//
// It also keeps the reconcile state as this daemon's last run left it in the database, so that
// an incremental cycle neither reloads the ledger, the open items and every employee's history
// nor reconciles everyone: see plan_and_write.
struct StateMemory {
  bool valid = false;  // `state` is the database's as of `mark`
  StateMark mark;      // the audit trail after the run that left `state`
  ReconcileState state;
  const Policy* policy = nullptr;  // the policy the state was reconciled with
  // When the last whole reconcile ran (its "now"): a reconcile restricted to the changed people
  // also takes those whose dated exception may have run out since, and those with a
  // revocation waiting for its grace period or whose entry was refused (Plan::in_grace and
  // Plan::refused, as the runs since left them: ReconcileMark::recheck).
  TimePoint whole_now{};
  std::unordered_set<std::string> in_grace{};
  // The accounts that expire after whole_now (of the snapshot then, updated for the people
  // read as changed since): whom an expiry may change, without a pass over everyone.
  ExpiringAccounts expiring{};
  // Whom the directory shows as leavers and on long leave (the absent not among them), as the
  // last whole reconcile found them, updated by every partial one for the people it
  // reconciled: a partial plan counts only those, the run reports everyone (PlanStats).
  std::unordered_set<std::string> leavers{};
  std::unordered_set<std::string> on_long_leave{};
};

struct DirectoryMemory {
  bool valid = false;  // watermark and last describe a complete read
  Watermark watermark;
  Snapshot last;        // the directory as of `watermark` (identity codes included when read here)
  KeyIndex index;       // where each of last's employees is: changes are merged by key
  StateMemory state{};  // dropped with the rest on a reload or a change of leader
};

struct CycleOptions {
  bool full_read = true;  // false: incremental, from `memory` or else the database's last run
  bool dry_run = false;   // plan, roll back, write nothing
  GuardOptions guard;     // the limits that hold a run for a person
  // Keep the reconcile state for the next cycle (memory.state). A process that ends after
  // one cycle does not: it skips refreshing the state (the audit trail's mark is read all
  // the same, for the mark its run leaves the next one: ReconcileMark).
  bool keep_state = true;
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
// (core/errors.h: TransientError, ConnectionLost, ConfigError, Refused, Error) when the
// directory or the database fails;
// nothing is written then. When the state is loaded during the read and both fail, the
// directory's error is the one thrown (after both sides have ended). `stop_requested` is asked
// between the read and the write; a read that the directory source itself ended on a stop
// (Cancelled) gives `stopped` as well, with `memory` unchanged (but a full read first releases the
// last snapshot, to hold one at a time, and a read beside a state load first drops the kept state).
// With `identity`, the personal identity codes read are stored encrypted; without it they are
// dropped.
CycleResult run_sync_cycle(DirectorySource& directory, DirectoryMemory& memory,
                           const Policy& policy, const LeaverRules& rules, SyncStore& database,
                           const CycleOptions& options, const IdentityCrypto* identity = nullptr,
                           const std::function<bool()>& stop_requested = {});

// What one run plans from and stores besides the policy.
struct RunInput {
  const Snapshot& snapshot;
  const Policy& policy;
  const LeaverRules& rules;
  TimePoint now;         // the reconcile's "now": when the snapshot was read
  TimePoint started_at;  // when the run started, stored with it
  ReadMark mark;         // how the snapshot was read
  // An incremental read: the people it found changed, deleted or refused. Null after a full
  // read: everyone is reconciled.
  const std::unordered_set<std::string>* changed = nullptr;
  // The state kept between runs (the loop's); null: loaded for this run alone.
  StateMemory* kept = nullptr;
  // Where each of the snapshot's employees is: a reconcile restricted to a few people finds
  // them (and writes them) without a pass over everyone. Null: passes.
  const KeyIndex* index = nullptr;
  // Where a state loaded for this run alone goes when the run is over, instead of being freed
  // (null: freed). A process that ends after the run leaves it to its exit: freeing a whole
  // state allocation by allocation costs more than the process's end gives back at once.
  ReconcileState* spent = nullptr;
};

// The run after the read: in the store's transaction, loads the state, reconciles, lets the
// guard judge the plan (a held run keeps only the supersedes its own items replace), and writes
// the run and commits. With `dry_run` nothing is written: the transaction rolls back and the
// record carries what printing the plan needs. On any error nothing of the run is stored.
//
// With `kept`, the state is loaded only when the audit trail (read under the sync lock) is not
// where this daemon's last run left it: every change of state writes an audit event, so an
// unchanged trail means nobody else changed anything a reconcile reads; a full read (`changed`
// null) reloads it all the same, so that the full-read schedule also rereads the state. Kept, and
// with `changed`, only the changed people are reconciled and written (ReconcileInput::only), plus
// those whom time alone may have changed since the last whole reconcile (a grace period or an
// exception running out). With a state loaded, the mark the newest run left in the store
// (ReconcileMark, written by every complete, not held run) does the same for any read, a full
// one included: when the trail's tally, the digest of the policy and the leaver rules
// (reconcile_inputs_digest) and the day are still the mark's, only the people whose entries
// are not as stored are reconciled, plus those the mark names and those time may have
// changed (people_a_full_read_may_change). A whole reconcile runs otherwise, and on the first
// run of a new day (end dates, renewal notices, order forms end by the day). Such a run's stats
// count leavers and people on long leave in the whole directory, from the kept ones (its plan's
// lists name only the reconciled people); its other figures are its own: what it proposed and
// superseded, and the reconciled people's unchanged items. After its writes the run refreshes the
// kept state from the database (its employees' rows, its people's open items) and keeps it only
// when no one else wrote an audit event meanwhile; any doubt, any error, drops it.
RunRecord plan_and_write(SyncStore& database, const RunInput& input, bool dry_run,
                         const GuardOptions& guard, const IdentityCrypto* identity = nullptr);

// A run's first steps, taken before its snapshot is at hand: the transaction opened (under the
// sync lock), the audit trail's mark read before anything else (`mark`), then the state loaded
// (`load`). run_sync_cycle takes them while the directory is read, when the state must be
// loaded anyway.
//
// With `scope_only` (a run that keeps no state and writes: `valtuusd --once`), when the newest
// run's mark already says that nothing but the directory changed since a whole reconcile (the
// trail's tally read now, the same inputs, the same day as `scope_only->now`), only what
// finding the people the read may change needs is loaded (`scope_only`: SyncTransaction::
// load_scope_state); plan_and_write loads the rest for those people alone once the read is
// there, or everything when the mark no longer holds by then. A looping daemon keeps the whole
// state for its incremental cycles, so it loads the whole state as before.
struct ScopeOnlyLoad {
  std::string inputs;  // reconcile_inputs_digest of the run's policy and rules
  TimePoint now;       // the run's start: the mark's day must be its day
};
struct OpenedRun {
  std::unique_ptr<SyncTransaction> txn;
  StateMark start;  // read only with `mark`
  bool loaded = false;
  ReconcileState state;  // with `loaded`
  // With `loaded`: `state` holds only what the scope needs, as of `stored`, the newest run's
  // mark.
  bool scope_only = false;
  std::optional<ReconcileMark> stored;
};
OpenedRun open_run(SyncStore& database, const IdentityCrypto* identity, bool mark, bool load,
                   const ScopeOnlyLoad* scope_only = nullptr);

// plan_and_write from a run already opened: a state loaded with it is used as it is (never the
// kept one); otherwise as above. `run` must have its mark when `input.kept` is set and this is
// not a dry run.
RunRecord plan_and_write(OpenedRun run, const RunInput& input, bool dry_run,
                         const GuardOptions& guard);

// "run 12: full read; read 40, ... (complete); changes proposed; not held; 0.21 s". Counts
// and reasons only: never a name, a value or an identity code.
std::string cycle_summary(const CycleResult& result);

// One line per refused entry ("refused entry CN=...: account pia: title: contains a control
// character; ..."), at most `limit`, then "... and N more refused entries". Never a value.
std::vector<std::string> refused_lines(const std::vector<RefusedValue>& refused,
                                       std::size_t limit = 20);

}  // namespace valtuus
