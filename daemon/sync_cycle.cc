#include "daemon/sync_cycle.h"

#include <fmt/core.h>

#include <map>

#include "connectors/postgres/state_queries.h"
#include "core/errors.h"
#include "core/reconcile.h"
#include "core/text_fold.h"

namespace valtuus {

namespace {

// The size of the last complete read as the database remembers it, so that the first read
// after a start is judged like any other (an emptied OU is not "everyone left").
ReadHints hints_from(pqxx::connection& database) {
  pqxx::read_transaction txn(database);
  const pqxx::result rows = txn.exec(
      "SELECT entries_read FROM sync_run WHERE snapshot_complete ORDER BY id DESC LIMIT 1");
  ReadHints hints;
  if (!rows.empty()) hints.last_complete_count = rows[0][0].as<std::size_t>();
  return hints;
}

// Reads the whole directory. A complete read with a watermark becomes the memory (moved, not
// copied) and is what the run plans from; anything else goes to `scratch`.
const Snapshot& read_fully(DirectorySource& directory, DirectoryMemory& memory,
                           pqxx::connection& database, Snapshot& scratch) {
  FullRead read = directory.read_full(hints_from(database));
  memory.valid = read.snapshot.complete && !read.watermark.empty();
  memory.watermark = read.watermark;
  if (!memory.valid) {
    memory.last = Snapshot{};
    scratch = std::move(read.snapshot);
    return scratch;
  }
  memory.last = std::move(read.snapshot);
  return memory.last;
}

// The base of an incremental read after a start, a reload or a change of leader: the watermark
// of the last complete run and the employees as stored. False when there is none.
bool restore_memory(pqxx::connection& database, DirectoryMemory& memory) {
  pqxx::read_transaction txn(database);
  const pqxx::result last =
      txn.exec("SELECT watermark FROM sync_run WHERE snapshot_complete ORDER BY id DESC LIMIT 1");
  if (last.empty()) return false;
  const std::optional<Watermark> watermark = decode_watermark(last[0][0].as<std::string>());
  if (!watermark || watermark->empty()) return false;
  Snapshot stored = load_last_snapshot(txn);
  stored.complete = true;  // as of the complete run whose watermark this is
  stored.incomplete_reason.clear();
  memory.valid = true;
  memory.watermark = *watermark;
  memory.last = std::move(stored);
  return true;
}

// The snapshot to plan from: the changes since the last read merged into it, or a full read.
// Cancelled passes through (memory is then unchanged, or reset when it was being merged).
const Snapshot& read_snapshot(DirectorySource& directory, DirectoryMemory& memory,
                              pqxx::connection& database, CycleResult& result, Snapshot& scratch) {
  if (!result.full_read && !memory.valid && !restore_memory(database, memory)) {
    result.full_read = true;
  }
  if (result.full_read) return read_fully(directory, memory, database, scratch);
  DirectoryChanges changes = directory.read_changes(memory.watermark);
  if (changes.watermark_reset) {
    result.full_read = true;  // another server, or a restored one: start again
    return read_fully(directory, memory, database, scratch);
  }
  result.changes_read = static_cast<int>(changes.changed.size());
  memory.valid = false;  // the base is taken over by the merge
  Snapshot merged = merge_changes(std::move(memory.last), changes);
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

}  // namespace

CycleResult run_sync_cycle(DirectorySource& directory, DirectoryMemory& memory,
                           const Policy& policy, const LeaverRules& rules,
                           pqxx::connection& database, const CycleOptions& options,
                           const IdentityCrypto* identity,
                           const std::function<bool()>& stop_requested) {
  const auto started = std::chrono::steady_clock::now();
  const TimePoint started_at = std::chrono::floor<std::chrono::seconds>(Clock::now());
  CycleResult result;
  Snapshot scratch;
  result.full_read = options.full_read;
  const Snapshot* read = nullptr;
  try {
    read = &read_snapshot(directory, memory, database, result, scratch);
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
  SyncStore store(database, identity);
  // The clock is read here, outside the pure core: the snapshot's read time is "now".
  const TimePoint now = snapshot.read_at == TimePoint{} ? started_at : snapshot.read_at;
  result.record =
      store.sync(snapshot, policy,
                 [&](const ReconcileState& state) {
                   return reconcile({snapshot, policy, state, rules, now});
                 },
                 started_at, options.dry_run, options.guard,
                 {memory.valid ? encode(memory.watermark) : std::string(), result.full_read});
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return result;
}

long long items_waiting(pqxx::connection& database) {
  pqxx::read_transaction txn(database);
  // A held run with no items (after an incomplete read) still waits for a person to look.
  return txn
      .exec1(
          "SELECT (SELECT count(*) FROM change_item WHERE state IN ('proposed', 'approved', "
          "'applied', 'held')) + (SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL "
          "AND released_at IS NULL AND discarded_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
          "change_item i WHERE i.run_id = sync_run.id AND i.state = 'held'))")[0]
      .as<long long>();
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
  const std::string read =
      result.full_read ? "full read"
                       : fmt::format("incremental read of {} change(s)", result.changes_read);
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
