// The daemon's store: its session with the database, and the steps of one sync run's
// transaction, which daemon/sync_cycle.cc calls in order (open, load the state, write the run,
// commit). A run lands whole or not at all (invariant 3): SyncTransaction rolls back in its
// destructor unless committed. Every write goes through a function of sql/009_sync_writes.sql
// that checks it and writes its audit event; the daemon's role holds no write privilege.
//
// Free of libpqxx: errors reach the caller as core/errors.h kinds (ConnectionLost when the
// session broke, TransientError for a serialisation failure or deadlock, Refused for a missing
// grant, ConfigError for authentication and the schema version, Error for anything else).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/identity_crypto.h"
#include "connectors/postgres/database_options.h"
#include "core/change_item.h"
#include "core/employee.h"
#include "core/policy.h"
#include "core/reconcile_state.h"
#include "core/run_record.h"

namespace valtuus {

// How the run's snapshot was read, stored with the run so that a restarted daemon continues
// where the last complete read left off (sync_run.watermark, sync_run.full_read).
struct ReadMark {
  std::string watermark;  // encode(Watermark) of a complete read; "" when there is none
  bool full_read = true;  // the whole directory was read (false: changes merged into the last)
};

// Where the audit trail stood. Every change of state writes an audit event (invariant 10) and
// the trail is append-only, so the same count and the same newest event mean that nothing a
// reconcile reads has changed since: the daemon keeps its state between runs on this. Both come
// from the trail's tally (audit_tally), which the chain trigger keeps with every event.
struct StateMark {
  long long events = -1;  // -1: not read
  long long newest = 0;   // the newest event's id (0: none)
  friend bool operator==(const StateMark&, const StateMark&) = default;
};

// What a committed run left for the next one, on its own row (sql/022_reconcile_mark.sql,
// sql/024_run_reconcile_mark.sql): the audit trail's tally after its own writes, a digest of the
// reconcile's inputs besides the directory and the store (policy, leaver rules), when the last
// whole reconcile ran, and whom the next reconcile must look at again whatever their entries say.
struct ReconcileMark {
  StateMark mark;
  std::string inputs;
  TimePoint whole_now{};
  std::unordered_set<std::string> recheck;
};

// One session with the database. Not thread-safe: one store per thread (canceller() excepted).
class SyncStore {
 public:
  // Connects and refuses a schema this build does not know. Throws ConfigError (a person must
  // fix the configuration, or migrate) or TransientError (the server cannot be reached).
  static std::unique_ptr<SyncStore> open(const DatabaseOptions& options);

  ~SyncStore();
  SyncStore(const SyncStore&) = delete;
  SyncStore& operator=(const SyncStore&) = delete;

  // Cancels the statement this session runs, from another thread, through a connection of
  // its own (a libpq connection must not be used by two threads at once).
  std::function<void()> canceller() const;

  // "" when the database has no change item and no grant in the ledger (a new installation,
  // where `valtuusd --once --bootstrap` may run); otherwise what it has.
  std::string why_not_new_installation();

  // For the store's own code (sync_store_native.h).
  struct Native;
  explicit SyncStore(std::unique_ptr<Native> native);
  Native& native() { return *native_; }

 private:
  std::unique_ptr<Native> native_;
};

// A Refused's message (its first line), and for a missing grant which role the login needs
// (permission_hint.h), asked of the catalog on `store`'s session, which must not be inside a
// transaction; `store` may be null. Never throws.
std::string explain_refusal(const std::string& message, SyncStore* store);

// One sync run's transaction. Opening it takes the advisory lock that serialises sync runs, so
// that two daemons never plan against the same open items at once.
class SyncTransaction {
 public:
  // `store` (and `identity`, when given) must outlive the transaction. Without `identity` no
  // personal identity code is stored.
  explicit SyncTransaction(SyncStore& store, const IdentityCrypto* identity = nullptr);
  // Rolls back unless commit() was called: nothing of the run stays in the database.
  ~SyncTransaction();
  SyncTransaction(const SyncTransaction&) = delete;
  SyncTransaction& operator=(const SyncTransaction&) = delete;

  // What the reconcile needs: ledger, open items, exceptions, requests, history.
  ReconcileState load_state();
  // Less, for a full read whose run may reconcile only the people the read may have changed
  // (people_a_full_read_may_change): every stored employee's key, absence and row digest (the
  // rest of each history left empty) and the exceptions. complete_state_of adds the rest for
  // the people found.
  ReconcileState load_scope_state();
  // How many grants are in force (the size of load_state's ledger): the guard's base.
  long long count_grants_in_force();
  // Adds to a state from load_scope_state what load_state would have held about `keys`: their
  // history rows, grants in force, open items and order forms, and what is everyone's (the
  // organisation's applications and rights).
  void complete_state_of(ReconcileState& state, const std::vector<std::string>& keys);

  // Where the audit trail stands, as this transaction sees it now (read before the state).
  StateMark state_mark();
  // After this run's writes: where the trail stands, when since `before` only this run
  // (`run_id`, whose every event names it) added events; nullopt when anyone else did. The run
  // holds the trail's lock from its first event to its commit, so nobody adds one in between.
  std::optional<StateMark> mark_after_own_writes(const StateMark& before, long long run_id);
  // Brings `state` (as loaded or kept before this run) up to what this run wrote: the history
  // of the employees it wrote (write_employees before this) and the open items of the people
  // `plan` names, and the organisation's applications, as stored now. False when `state`
  // does not know an item the plan superseded: such a state must not be kept.
  bool refresh_state(ReconcileState& state, const Plan& plan);
  // The newest run's record for the next reconcile, when it left one (nullopt: none, or
  // the newest run left none).
  std::optional<ReconcileMark> reconcile_mark();
  // Records `mark` with run `run_id` (the newest run, this transaction's): writes no audit
  // event, and refuses a mark that is not the trail's now.
  void write_reconcile_mark(long long run_id, const ReconcileMark& mark);

  // Fills record.people for `keys` (people the plan names whom the read did not return) as
  // last stored, for printing a dry run's plan.
  void describe_stored_people(RunRecord& record, const std::set<std::string>& keys);

  // Starts the run (sync_run_insert, with its audit event); returns its id. The run's figures
  // and the guard's verdict come from `record`, the read's from `snapshot` and `mark`.
  long long write_run(const RunRecord& record, const Snapshot& snapshot, TimePoint started_at,
                      const ReadMark& mark);
  // What the read refused (record_refused_entries): DN, account, field and reason, no value.
  void write_refused(long long run_id, const std::vector<RefusedValue>& refused);
  // The catalog of mandate themes, where it changed.
  void write_catalog(long long run_id, const Policy& policy);
  // The employees as read (where changed), the plan's leavers and movers marked. With `only`,
  // only those people (the plan's, of a reconcile restricted to them) are looked at.
  void write_employees(long long run_id, const Snapshot& snapshot, const Plan& plan,
                       const ReconcileState& state,
                       const std::unordered_set<std::string>* only = nullptr);
  // The identity codes read, sealed with the store's key (nothing without one).
  // With `only`, only those people's.
  void write_identity_codes(long long run_id, const Snapshot& snapshot,
                            const std::unordered_set<std::string>* only = nullptr);
  // The plan's supersedes and new items; a held run's new items wait in state 'held'.
  void write_items(long long run_id, const Plan& plan, bool held);

  void commit();

 private:
  struct Work;
  std::unique_ptr<Work> work_;
};

}  // namespace valtuus
