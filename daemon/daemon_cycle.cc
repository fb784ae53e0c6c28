#include "daemon/daemon_cycle.h"

#include <chrono>
#include <functional>
#include <string>

#include "common/log.h"
#include "connectors/postgres/service_status.h"
#include "core/audit_anchor.h"

namespace valtuus {

void stop_on_signal(LdapDirectorySource& directory, LoopSignals& signals) {
  directory.set_stop([&signals] { return signals.stop_requested(); });
}

CycleResult run_cycle(Running& running, DirectorySource& directory, DirectoryMemory& memory,
                      SyncStore& database, const CycleOptions& options, LoopSignals& signals) {
  // The stop's cancel comes from the watcher thread: through a connection of its own.
  signals.run_started(database.canceller());
  try {
    CycleResult result =
        run_sync_cycle(directory, memory, running.policy, running.settings.rules, database, options,
                       running.identity.get(), [&] { return signals.stop_requested(); });
    signals.run_finished();
    return result;
  } catch (...) {
    signals.run_finished();
    throw;
  }
}

void log_summary(const CycleResult& result) {
  const PlanStats& stats = result.record.plan.stats;
  log(LogLevel::kInfo, cycle_summary(result),
      {{"VALTUUS_RUN_ID", std::to_string(result.record.run_id)},
       {"VALTUUS_ENTRIES_READ", std::to_string(result.entries_read)},
       {"VALTUUS_FULL_READ", result.full_read ? "1" : "0"},
       {"VALTUUS_COMPLETE", result.complete ? "1" : "0"},
       {"VALTUUS_GRANTS", std::to_string(stats.grants)},
       {"VALTUUS_REVOKES", std::to_string(stats.revokes)},
       {"VALTUUS_SUPERSEDED", std::to_string(stats.superseded)},
       {"VALTUUS_HELD", result.record.held ? "1" : "0"},
       {"VALTUUS_ENTRIES_REFUSED", std::to_string(result.entries_refused)},
       {"VALTUUS_DURATION_MS", std::to_string(result.duration.count())}});
  // Operators must be able to find and fix what the read refused: one line per entry, capped
  // so that a broken export does not flood the journal.
  for (const std::string& line : refused_lines(result.refused)) {
    log(LogLevel::kWarning, line, {{"VALTUUS_RUN_ID", std::to_string(result.record.run_id)}});
  }
}

void log_audit_anchor(SyncStore& database) {
  try {
    const auto head = ServiceStatus(database).audit_head();
    if (!head) return;
    log(LogLevel::kInfo, "audit anchor: " + format_audit_anchor(head->event, head->hash, head->at),
        {{"VALTUUS_AUDIT_EVENT", std::to_string(head->event)}, {"VALTUUS_AUDIT_HASH", head->hash}});
  } catch (const std::exception& e) {
    log(LogLevel::kWarning, std::string("could not read the audit trail's head: ") + e.what());
  }
}

RunMetrics metrics_of(const CycleResult* result) {
  RunMetrics metrics;
  metrics.finished_at = std::chrono::system_clock::now();
  if (!result) {
    metrics.succeeded = false;
    return metrics;
  }
  metrics.run_id = result->record.run_id;
  metrics.duration_seconds = static_cast<double>(result->duration.count()) / 1000.0;
  metrics.complete = result->complete;
  metrics.full_read = result->full_read;
  metrics.entries_read = result->entries_read;
  metrics.entries_refused = result->entries_refused;
  metrics.held = result->record.held;
  metrics.stats = result->record.plan.stats;
  return metrics;
}

void write_metrics(const Settings& settings, const RunMetrics& metrics, SyncStore* database) {
  if (settings.metrics.file.empty() || !database) return;
  try {
    write_metrics_file(settings.metrics, metrics, *database);
  } catch (const std::exception& e) {
    log_warning(std::string("metrics.file: ") + e.what());
  }
}

}  // namespace valtuus
