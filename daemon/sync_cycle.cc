#include "daemon/sync_cycle.h"

#include <fmt/core.h>

#include <algorithm>
#include <exception>
#include <map>
#include <optional>
#include <thread>
#include <unordered_set>

#include "connectors/postgres/employee_writer.h"
#include "connectors/postgres/run_history.h"
#include "core/errors.h"
#include "core/reconcile.h"
#include "core/run_record.h"
#include "core/text_fold.h"
#include "daemon/reconcile_inputs.h"

namespace valtuus {

namespace {

// The size of the last complete read as the database remembers it, so that the first read
// after a start is judged like any other (an emptied OU is not "everyone left").
ReadHints hints_from(SyncStore& database) {
  ReadHints hints;
  if (const auto size = RunHistory(database).last_complete_read_size()) {
    hints.last_complete_count = *size;
  }
  return hints;
}

// Reads the whole directory. A complete read with a watermark becomes the memory (moved, not
// copied) and is what the run plans from; anything else goes to `scratch`.
const Snapshot& read_fully(DirectorySource& directory, DirectoryMemory& memory,
                           const std::function<ReadHints()>& hints, Snapshot& scratch) {
  // A full read does not need the last snapshot: released first, so that the directory is not
  // held twice while it is read (the watermark stays until the read replaces it).
  memory.valid = false;
  memory.last = Snapshot{};
  memory.index = KeyIndex{};
  FullRead read = directory.read_full(hints());
  memory.valid = read.snapshot.complete && !read.watermark.empty();
  memory.watermark = read.watermark;
  if (!memory.valid) {
    memory.last = Snapshot{};
    scratch = std::move(read.snapshot);
    return scratch;
  }
  memory.last = std::move(read.snapshot);
  memory.index = KeyIndex(memory.last.employees);
  return memory.last;
}

// The base of an incremental read after a start, a reload or a change of leader: the watermark
// of the last complete run and the employees as stored. False when there is none.
bool restore_memory(SyncStore& database, DirectoryMemory& memory) {
  std::optional<StoredBase> base = RunHistory(database).last_complete_base();
  if (!base) return false;
  const std::optional<Watermark> watermark = decode_watermark(base->watermark);
  if (!watermark || watermark->empty()) return false;
  base->snapshot.complete = true;  // as of the complete run whose watermark this is
  base->snapshot.incomplete_reason.clear();
  memory.valid = true;
  memory.watermark = *watermark;
  memory.last = std::move(base->snapshot);
  memory.index = KeyIndex(memory.last.employees);
  return true;
}

// The snapshot to plan from: the changes since the last read merged into it, or a full read
// (result.full_read, decided before; `hints` is asked only for a full read). Uses the directory
// alone, never the database: it may run while the run's transaction opens. Cancelled passes
// through (memory is then unchanged, or reset when it was being merged). After an incremental
// read, `changed` holds the keys of the people it found changed, deleted or refused.
const Snapshot& read_snapshot(DirectorySource& directory, DirectoryMemory& memory,
                              const std::function<ReadHints()>& hints, CycleResult& result,
                              Snapshot& scratch,
                              std::optional<std::unordered_set<std::string>>& changed) {
  if (result.full_read) return read_fully(directory, memory, hints, scratch);
  DirectoryChanges changes = directory.read_changes(memory.watermark);
  if (changes.watermark_reset) {
    result.full_read = true;  // another server, or a restored one: start again
    return read_fully(directory, memory, hints, scratch);
  }
  result.changes_read = static_cast<int>(changes.changed.size());
  changed.emplace();
  for (const Employee& e : changes.changed) changed->insert(e.key);
  changed->insert(changes.deleted_keys.begin(), changes.deleted_keys.end());
  for (const RefusedValue& r : changes.refused) {
    if (!r.key.empty()) changed->insert(r.key);
  }
  memory.valid = false;  // the base is taken over by the merge
  Snapshot merged = merge_changes(std::move(memory.last), changes, memory.index);
  if (!merged.complete) {
    memory = {};  // an incomplete change set is not a base: read fully next time
    scratch = std::move(merged);
    return scratch;
  }
  memory.valid = true;
  memory.watermark = changes.next;
  memory.last = std::move(merged);
  return memory.last;
}

// Whether time alone may have changed what a whole reconcile decides about nobody in
// particular: an exception about the organisation's application that ended since `whole_now`.
bool application_exception_ended(const ReconcileState& state, TimePoint whole_now, TimePoint now) {
  return std::any_of(
      state.exceptions.begin(), state.exceptions.end(), [&](const ExceptionRecord& e) {
        return e.employee_key.empty() && e.until && *e.until > whole_now && *e.until <= now;
      });
}

// Whether a whole reconcile at `whole_now` still decides what one at `now` would about everyone
// whom neither their entry nor time changed: end dates, renewal notices and order forms end by
// the day, and so may an exception about the organisation's application.
bool same_day(TimePoint whole_now, TimePoint now) {
  using std::chrono::days;
  return std::chrono::floor<days>(whole_now) == std::chrono::floor<days>(now);
}
bool whole_reconcile_stands(const ReconcileState& state, TimePoint whole_now, TimePoint now) {
  return same_day(whole_now, now) && !application_exception_ended(state, whole_now, now);
}

// Whether the mark a run left says that nothing but the directory changed since the trail was
// at `start`, with the same policy, rules and build (`inputs`).
bool mark_holds(const std::optional<ReconcileMark>& stored, const StateMark& start,
                const std::string& inputs) {
  return stored && stored->mark == start && stored->inputs == inputs;
}

// The people a full read may have changed since the whole reconcile `stored` stands for: those
// whose entry's row digest (with their status now) differs from the stored one, and the others
// people_a_full_read_may_change names.
std::optional<FullReadScope> scope_of_full_read(const RunInput& input, const ReconcileState& state,
                                                const ReconcileMark& stored,
                                                const KeyIndex* index) {
  EmployeeRowDigests digests;
  return people_a_full_read_may_change(
      input.snapshot, state, input.rules, stored.recheck, stored.whole_now, input.now,
      [&digests](const Employee& e, EmployeeStatus status) {
        return digests(e, is_leaver(status)                      ? "left"
                          : status == EmployeeStatus::kLongLeave ? "long_leave"
                                                                 : "active");
      },
      index);
}

// The snapshot's part about `people` (their employees, found by key; its refusals), what the
// writes of a run restricted to them look at.
Snapshot part_about(const Snapshot& snapshot, const KeyIndex& index,
                    const std::unordered_set<std::string>& people) {
  Snapshot part;
  part.complete = snapshot.complete;
  part.incomplete_reason = snapshot.incomplete_reason;
  part.read_at = snapshot.read_at;
  part.source = snapshot.source;
  part.refused = snapshot.refused;
  part.employees.reserve(people.size());
  for (const std::string& key : people) {
    if (const std::optional<std::size_t> at = index.find(snapshot.employees, key)) {
      part.employees.push_back(snapshot.employees[*at]);
    }
  }
  return part;
}

// A partial plan counts the leavers and people on long leave among the people it reconciled:
// everyone's are the kept ones, those people's replaced by what the plan says of them (the
// absent it found included: a whole reconcile counts them in the run that finds them).
void count_everyone(PlanStats& stats, const Plan& plan,
                    const std::unordered_set<std::string>& leavers,
                    const std::unordered_set<std::string>& on_long_leave,
                    const std::unordered_set<std::string>& people) {
  auto everyone = [&](const std::unordered_set<std::string>& before, std::size_t theirs) {
    std::size_t others = before.size();
    for (const std::string& key : people) others -= before.count(key);
    return static_cast<int>(others + theirs);
  };
  stats.leavers = everyone(leavers, plan.leavers.size());
  stats.on_long_leave = everyone(on_long_leave, plan.on_long_leave.size());
}

// The kept leavers and people on long leave after a run that reconciled `people` (null: everyone).
void keep_standing(StateMemory& kept, const Plan& plan,
                   const std::unordered_set<std::string>* people) {
  if (people) {
    for (const std::string& key : *people) {
      kept.leavers.erase(key);
      kept.on_long_leave.erase(key);
    }
  } else {
    kept.leavers.clear();
    kept.on_long_leave.clear();
  }
  for (const std::string& key : plan.leavers) {
    if (!std::binary_search(plan.absent.begin(), plan.absent.end(), key)) kept.leavers.insert(key);
  }
  kept.on_long_leave.insert(plan.on_long_leave.begin(), plan.on_long_leave.end());
}

}  // namespace

OpenedRun open_run(SyncStore& database, const IdentityCrypto* identity, bool mark, bool load,
                   const ScopeOnlyLoad* scope_only) {
  OpenedRun run;
  // Under the sync lock; rolls back unless committed.
  run.txn = std::make_unique<SyncTransaction>(database, identity);
  // The mark before the state: a change after it only costs a reload.
  if (mark) run.start = run.txn->state_mark();
  if (!load) return run;
  run.loaded = true;
  if (mark && scope_only && run.start.events >= 0) {
    // What plan_and_write will ask of the mark, asked now where it can be (the day again
    // there, of the read's time, with the exceptions).
    std::optional<ReconcileMark> stored = run.txn->reconcile_mark();
    if (mark_holds(stored, run.start, scope_only->inputs) &&
        same_day(stored->whole_now, scope_only->now)) {
      run.state = run.txn->load_scope_state();
      run.stored = std::move(stored);
      run.scope_only = true;
      return run;
    }
  }
  run.state = run.txn->load_state();
  return run;
}

namespace {

// Whether a run opened with a state for the scope alone may plan from it: the read is complete,
// the mark holds for the read's day, no refused entry must be found by its stored DN or account
// (which that state does not hold), and the scope's people are known and not too many (the
// whole state loads faster than most of it by key). Then it completes the state for them, and
// keeps it only if nobody wrote an audit event since the run opened: then everything it loaded
// is as of that moment, as one whole load would be. Nullopt otherwise: the caller loads the
// whole state.
std::optional<FullReadScope> scope_of_opened_run(OpenedRun& run, const RunInput& input,
                                                 const KeyIndex* index,
                                                 std::unordered_set<std::string>& people) {
  const ReconcileMark& stored = *run.stored;
  if (!input.snapshot.complete || !whole_reconcile_stands(run.state, stored.whole_now, input.now)) {
    return std::nullopt;
  }
  for (const RefusedValue& r : input.snapshot.refused) {
    if (refuses_person(r) && r.key.empty()) return std::nullopt;
  }
  std::optional<FullReadScope> scope = scope_of_full_read(input, run.state, stored, index);
  // Many people's rows fetched by key cost more than everyone's in one scan.
  if (!scope || scope->people.size() > run.state.history.size() / 4 + 100) return std::nullopt;
  people = std::move(scope->people);
  if (input.changed) people.insert(input.changed->begin(), input.changed->end());
  std::vector<std::string> keys(people.begin(), people.end());
  std::sort(keys.begin(), keys.end());
  run.txn->complete_state_of(run.state, keys);
  if (!(run.txn->state_mark() == run.start)) return std::nullopt;
  return scope;
}

}  // namespace

RunRecord plan_and_write(SyncStore& database, const RunInput& input, bool dry_run,
                         const GuardOptions& guard, const IdentityCrypto* identity) {
  return plan_and_write(open_run(database, identity, !dry_run, false), input, dry_run, guard);
}

RunRecord plan_and_write(OpenedRun run, const RunInput& input, bool dry_run,
                         const GuardOptions& guard) {
  SyncTransaction& txn = *run.txn;
  StateMemory* kept = dry_run ? nullptr : input.kept;
  const StateMark start = run.start;
  bool reuse = false;
  if (kept) {
    // A state loaded with the transaction is as fresh as any kept one: it is used.
    reuse = !run.loaded && input.changed && kept->valid && kept->mark == start &&
            kept->policy == &input.policy;
    kept->valid = false;  // until this run commits: an error leaves nothing to trust
    if (!reuse) kept->state = {};
  }
  ReconcileState& loaded = run.state;
  const KeyIndex* index = input.index && input.index->usable() ? input.index : nullptr;
  // A state loaded for the scope alone (open_run): completed for the scope's people, or
  // replaced by the whole state when it cannot serve.
  std::unordered_set<std::string> people;
  std::optional<ReconcileMark> stored;
  std::optional<FullReadScope> scope;
  if (run.scope_only) {
    if (!kept && !dry_run) scope = scope_of_opened_run(run, input, index, people);
    if (scope) {
      stored = std::move(run.stored);
    } else {
      people.clear();
      run.loaded = false;  // loaded whole below
    }
  }
  const bool scope_loaded = scope.has_value();
  if (!reuse && !run.loaded) loaded = txn.load_state();
  const ReconcileState& state = reuse ? kept->state : loaded;
  const bool partial = reuse && whole_reconcile_stands(state, kept->whole_now, input.now);
  // A state loaded from the store: the run before may have left a mark that says nothing but
  // the directory changed since a whole reconcile (sql/022_reconcile_mark.sql, on the run's own
  // row since sql/024_run_reconcile_mark.sql). Then only the people whose entries are not as
  // stored (and those time may have changed) are reconciled.
  const std::string inputs =
      dry_run ? std::string() : reconcile_inputs_digest(input.policy, input.rules);
  if (!scope_loaded && !reuse && !dry_run && start.events >= 0 && input.snapshot.complete) {
    stored = txn.reconcile_mark();
    if (mark_holds(stored, start, inputs) &&
        whole_reconcile_stands(state, stored->whole_now, input.now)) {
      scope = scope_of_full_read(input, state, *stored, index);
    }
  }
  if (partial) {
    if (index) {
      // The changed people's expiry as read now (a date moved away stays: one more reconciled).
      for (const std::string& key : *input.changed) {
        const std::optional<std::size_t> at = index->find(input.snapshot.employees, key);
        if (!at) continue;
        const std::optional<TimePoint>& expires = input.snapshot.employees[*at].account_expires;
        if (expires && *expires > kept->whole_now) kept->expiring[key] = *expires;
      }
      people =
          people_time_may_change(kept->expiring, state, kept->in_grace, kept->whole_now, input.now);
    } else {
      people =
          people_time_may_change(input.snapshot, state, kept->in_grace, kept->whole_now, input.now);
    }
    people.insert(input.changed->begin(), input.changed->end());
  } else if (scope && !scope_loaded) {
    people = std::move(scope->people);
    if (input.changed) people.insert(input.changed->begin(), input.changed->end());
  }
  const std::unordered_set<std::string>* only = partial || scope ? &people : nullptr;
  RunRecord record;
  record.state_kept = reuse;
  if (only) record.people_reconciled = static_cast<int>(only->size());
  if (scope_loaded) record.people_loaded = static_cast<int>(people.size());
  record.plan =
      reconcile({input.snapshot, input.policy, state, input.rules, input.now, only, index});
  // A state loaded for a few people holds their grants alone: the guard's base, everyone's, is
  // counted when it matters (a revocation to judge; the guard reads it for nothing else).
  const bool revokes =
      std::any_of(record.plan.add.begin(), record.plan.add.end(),
                  [](const ProposedItem& item) { return item.kind == ChangeKind::kRevoke; });
  const GuardVerdict verdict = check_guard(
      scope_loaded
          ? guard_input(record.plan, guard.enabled && revokes ? txn.count_grants_in_force() : 0,
                        input.snapshot)
          : guard_input(record.plan, state, input.snapshot),
      guard);
  record.held = verdict.held;
  record.held_reason = verdict.reason;
  if (verdict.held) {
    record.supersedes_deferred = keep_only_replacing_supersedes(record.plan, state.open_items);
  }
  if (partial) {
    count_everyone(record.plan.stats, record.plan, kept->leavers, kept->on_long_leave, people);
  }
  if (scope) {
    // The others' standing as the read shows it, and the reconciled people's from the plan.
    record.plan.stats.leavers =
        static_cast<int>(scope->leavers.size() + record.plan.leavers.size());
    record.plan.stats.on_long_leave =
        static_cast<int>(scope->on_long_leave.size() + record.plan.on_long_leave.size());
  }
  if (dry_run) {
    txn.describe_stored_people(record,
                               describe_from_snapshot(record, input.snapshot, state.open_items));
    if (input.spent && !reuse) *input.spent = std::move(loaded);
    return record;  // rolled back
  }
  record.run_id = txn.write_run(record, input.snapshot, input.started_at, input.mark);
  txn.write_refused(record.run_id, input.snapshot.refused);
  txn.write_catalog(record.run_id, input.policy);
  // Restricted to a few people, the writes look at those people alone.
  const Snapshot part = only && index ? part_about(input.snapshot, *index, *only) : Snapshot{};
  const Snapshot& written = only && index ? part : input.snapshot;
  txn.write_employees(record.run_id, written, record.plan, state, only);
  // Unless the read itself named the changed people (over the kept state), the identity codes
  // are all looked at, as a whole run's are: the row digests that restrict a reconcile over a
  // loaded state do not cover them.
  if (partial) {
    txn.write_identity_codes(record.run_id, written, only);
  } else {
    txn.write_identity_codes(record.run_id, input.snapshot, nullptr);
  }
  txn.write_items(record.run_id, record.plan, record.held);

  // What the next run needs to know that nothing but the directory changed since a whole
  // reconcile (this one, or the one this run's restricted reconcile stands in for): recorded
  // after the run's own writes, from the trail's tally as they left it. Writing it adds no
  // event, and the run holds the trail's lock from its first event to its commit, so the tally
  // recorded is the one the next run finds when nobody else wrote meanwhile. A held run (its
  // supersedes deferred) and an incomplete read leave none: the next run reconciles everyone.
  const std::optional<StateMark> end =
      start.events >= 0 ? txn.mark_after_own_writes(start, record.run_id) : std::nullopt;
  ReconcileMark next;
  next.whole_now = partial ? kept->whole_now : scope ? stored->whole_now : input.now;
  if (partial || scope) {
    next.recheck = partial ? kept->in_grace : std::move(stored->recheck);
    for (const std::string& key : people) next.recheck.erase(key);
  }
  // A revocation waiting for its grace period, and a refused person (whose row stays as it
  // was, so that their entry read good again may look unchanged): looked at again next time.
  next.recheck.insert(record.plan.in_grace.begin(), record.plan.in_grace.end());
  next.recheck.insert(record.plan.refused.begin(), record.plan.refused.end());
  if (end && !record.held && input.snapshot.complete) {
    next.mark = *end;
    next.inputs = inputs;
    txn.write_reconcile_mark(record.run_id, next);
  }
  if (!kept) {
    txn.commit();
    if (input.spent) *input.spent = std::move(loaded);
    return record;
  }
  if (!reuse) {
    kept->state = std::move(loaded);
    // Sorted once for the restricted reconciles to come (the ledger changes only by a writer
    // whose audit event makes the next run load it again): already while the read ran, when
    // the state loaded then (run_sync_cycle); here when it loaded after the read.
    sort_ledger_by_employee(kept->state);
  }
  const bool keep = end && txn.refresh_state(kept->state, record.plan);
  txn.commit();
  if (!keep) {
    kept->state = {};
    return record;
  }
  kept->mark = *end;
  kept->policy = &input.policy;
  if (scope) {
    kept->leavers = std::move(scope->leavers);
    kept->on_long_leave = std::move(scope->on_long_leave);
  }
  keep_standing(*kept, record.plan, only);
  if (!partial) kept->expiring = accounts_expiring_after(input.snapshot, next.whole_now);
  kept->whole_now = next.whole_now;
  kept->in_grace = std::move(next.recheck);
  kept->valid = true;
  return record;
}

CycleResult run_sync_cycle(DirectorySource& directory, DirectoryMemory& memory,
                           const Policy& policy, const LeaverRules& rules, SyncStore& database,
                           const CycleOptions& options, const IdentityCrypto* identity,
                           const std::function<bool()>& stop_requested) {
  const auto started = std::chrono::steady_clock::now();
  const TimePoint started_at = std::chrono::floor<std::chrono::seconds>(Clock::now());
  CycleResult result;
  Snapshot scratch;
  result.full_read = options.full_read;
  if (!result.full_read && !memory.valid && !restore_memory(database, memory)) {
    result.full_read = true;
  }
  // Whether the state must be loaded whatever the read brings: a full read reloads it, a dry
  // run never keeps it, and a state not kept has to be loaded. Then the run's transaction opens
  // and the state loads while the directory is read (a thread of its own reads; the database's
  // side touches neither `memory` nor `result` until it is joined). An incremental cycle over
  // a kept state reads first, as before: it may need no load at all.
  const bool overlap = result.full_read || options.dry_run || !memory.state.valid;
  StateMemory* kept = options.keep_state ? &memory.state : nullptr;
  const bool keep = kept != nullptr && !options.dry_run;  // plan_and_write's own condition
  std::optional<ReadHints> hints;  // asked before the transaction opens on the same session
  if (overlap) hints = hints_from(database);
  if (overlap && keep) memory.state = {};  // replaced by the load: not held twice
  const std::function<ReadHints()> read_hints = [&] {
    return hints ? *hints : hints_from(database);
  };
  // A process that keeps no state and writes may load, while the read runs, only what
  // finding whom the read may have changed needs, when the newest run's mark already says
  // that nothing else changed (open_run). A looping daemon keeps the whole state for the
  // incremental cycles to come: it loads it whole.
  std::optional<ScopeOnlyLoad> scope_only;
  if (overlap && !kept && !options.dry_run) {
    scope_only = ScopeOnlyLoad{reconcile_inputs_digest(policy, rules), started_at};
  }
  const Snapshot* read = nullptr;
  std::optional<std::unordered_set<std::string>> changed;  // incremental reads
  std::optional<OpenedRun> opened;
  try {
    if (!overlap) {
      read = &read_snapshot(directory, memory, read_hints, result, scratch, changed);
    } else {
      std::exception_ptr read_error;
      std::thread reader([&] {
        try {
          read = &read_snapshot(directory, memory, read_hints, result, scratch, changed);
        } catch (...) {
          read_error = std::current_exception();
        }
      });
      std::exception_ptr database_error;
      try {
        opened.emplace(open_run(database, identity, !options.dry_run, true,
                                scope_only ? &*scope_only : nullptr));
        // A state kept for the cycles to come is sorted for their restricted reconciles while
        // the directory is still being read (the store loads everyone's ledger unsorted).
        if (keep) sort_ledger_by_employee(opened->state);
      } catch (...) {
        database_error = std::current_exception();
      }
      reader.join();
      // The directory's error first (a stop included): the transaction, if it opened, rolls
      // back unused when `opened` goes.
      if (read_error) std::rethrow_exception(read_error);
      if (database_error) std::rethrow_exception(database_error);
    }
  } catch (const Cancelled&) {
    // Stopped mid-read (the daemon is shutting down): not a failure, and nothing to write.
    result.stopped = true;
    return result;
  }
  const Snapshot& snapshot = *read;
  result.complete = snapshot.complete;
  result.incomplete_reason = snapshot.incomplete_reason;
  result.entries_read = static_cast<int>(snapshot.employees.size());
  result.entries_refused = static_cast<int>(refused_entry_count(snapshot.refused));
  result.refused = snapshot.refused;
  if (stop_requested && stop_requested()) {
    result.stopped = true;
    return result;
  }
  // The clock is read here, outside the pure core: the snapshot's read time is "now".
  const TimePoint now = snapshot.read_at == TimePoint{} ? started_at : snapshot.read_at;
  const ReadMark mark{memory.valid ? encode(memory.watermark) : std::string(), result.full_read};
  const KeyIndex* index = memory.valid && read == &memory.last ? &memory.index : nullptr;
  // A state that is not kept stays in `memory` (invalid) for its owner to free: valtuusd --once
  // leaves it to the process's end.
  ReconcileState* spent = kept ? nullptr : &memory.state.state;
  const RunInput input{
      snapshot, policy, rules, now, started_at, mark, changed ? &*changed : nullptr,
      kept,     index,  spent};
  try {
    result.record = opened
                        ? plan_and_write(std::move(*opened), input, options.dry_run, options.guard)
                        : plan_and_write(database, input, options.dry_run, options.guard, identity);
  } catch (...) {
    memory.state = {};  // plan_and_write left it invalid; its memory is not worth keeping
    throw;
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return result;
}

std::vector<std::string> refused_lines(const std::vector<RefusedValue>& refused,
                                       std::size_t limit) {
  // One entry, one line: its fields' reasons together, in the order read.
  std::vector<std::string> order;
  std::map<std::string, std::string> lines;  // by folded DN
  for (const RefusedValue& r : refused) {
    const std::string id = fold(r.dn);
    auto [it, added] = lines.emplace(id, std::string());
    if (added) {
      order.push_back(id);
      it->second = "refused entry " + r.dn;
      if (!r.account.empty()) it->second += " (account " + r.account + ")";
      it->second += ": ";
    } else {
      it->second += "; ";
    }
    it->second += r.reason;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < order.size() && i < limit; ++i) out.push_back(lines[order[i]]);
  if (order.size() > limit) {
    out.push_back(fmt::format("... and {} more refused entries (valtuusctl runs show lists them)",
                              order.size() - limit));
  }
  return out;
}

std::string cycle_summary(const CycleResult& result) {
  const std::string run =
      result.record.run_id ? fmt::format("run {}", result.record.run_id) : "dry run";
  std::string read = result.full_read
                         ? "full read"
                         : fmt::format("incremental read of {} change(s)", result.changes_read);
  if (result.record.people_reconciled >= 0 && result.record.state_kept) {
    read +=
        fmt::format(", {} people reconciled over the kept state", result.record.people_reconciled);
  } else if (result.record.people_reconciled >= 0) {
    read += fmt::format(", {} people reconciled (the others as the last whole reconcile left them)",
                        result.record.people_reconciled);
    if (result.record.people_loaded >= 0) read += ", the state loaded for them alone";
  } else if (result.record.state_kept) {
    read += ", everyone reconciled over the kept state";
  }
  const std::string completeness =
      result.complete ? "complete" : "INCOMPLETE: " + result.incomplete_reason;
  const std::string refused = result.entries_refused > 0
                                  ? fmt::format(", {} entries refused", result.entries_refused)
                                  : std::string();
  return fmt::format(
      "{}: {}; {} ({}{}); {}; {}; {:.2f} s", run, read, summary_line(result.record.plan.stats),
      completeness, refused, result.record.plan.empty() ? "no changes" : "changes proposed",
      result.record.held ? "HELD: " + result.record.held_reason : std::string("not held"),
      static_cast<double>(result.duration.count()) / 1000.0);
}

}  // namespace valtuus
