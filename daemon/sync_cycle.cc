#include "daemon/sync_cycle.h"

#include <fmt/core.h>

#include "core/reconcile.h"

namespace valtuus {

CycleResult run_sync_cycle(DirectorySource& directory, const Policy& policy,
                           const LeaverRules& rules, pqxx::connection& database, bool dry_run,
                           const IdentityCrypto* identity) {
  const auto started = std::chrono::steady_clock::now();
  const TimePoint started_at = std::chrono::floor<std::chrono::seconds>(Clock::now());
  Snapshot snapshot = directory.read_all();
  SyncStore store(database, identity);
  CycleResult result;
  result.snapshot_complete = snapshot.complete;
  result.incomplete_reason = snapshot.incomplete_reason;
  // The clock is read here, outside the pure core: the snapshot's read time is "now".
  const TimePoint now = snapshot.read_at == TimePoint{} ? started_at : snapshot.read_at;
  result.record = store.sync(
      snapshot, policy,
      [&](const ReconcileState& state) {
        return reconcile({snapshot, policy, state, rules, now});
      },
      started_at, dry_run);
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return result;
}

std::string cycle_summary(const CycleResult& result) {
  const std::string run =
      result.record.run_id ? fmt::format("run {}", result.record.run_id) : "dry run";
  const std::string completeness =
      result.snapshot_complete ? "complete" : "INCOMPLETE: " + result.incomplete_reason;
  return fmt::format("{}: {} ({}); {}; {:.2f} s", run, summary_line(result.record.plan.stats),
                     completeness, result.record.plan.empty() ? "no changes" : "changes proposed",
                     static_cast<double>(result.duration.count()) / 1000.0);
}

}  // namespace valtuus
