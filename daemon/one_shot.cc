#include "daemon/one_shot.h"

#include <iostream>

#include "common/exit_codes.h"
#include "common/log.h"
#include "connectors/ldap/ldap_source.h"
#include "connectors/postgres/service_status.h"
#include "connectors/postgres/sync_store.h"
#include "core/errors.h"
#include "daemon/daemon_cycle.h"
#include "daemon/plan_printer.h"

namespace valtuus {

namespace {

// The one cycle's directory memory (the snapshot and the reconcile state, about a million
// allocations at 100,000 people) and its result (a first sync's plan: some 25,000 items). The
// process ends after the cycle, and giving them back to the system with it is faster than
// freeing them one by one (0.1 s or more), so they are never freed; a static keeps them
// reachable (no leak to a leak checker).
struct UntilExit {
  DirectoryMemory memory;
  CycleResult result;
};

UntilExit& until_exit() {
  static UntilExit* kept = nullptr;
  delete kept;  // a second call (never in valtuusd) starts afresh
  kept = new UntilExit();
  return *kept;
}

}  // namespace

int run_one(Running& running, LoopSignals& signals) {
  const Settings& settings = running.settings;
  auto database = SyncStore::open(settings.database);
  if (settings.daemon.bootstrap) {
    // Without maps nothing is needed, and with an empty ledger nothing is held: the run proposes
    // nothing. With a ledger or items it would propose revoking every grant, so it is refused.
    const std::string why = database->why_not_new_installation();
    if (!why.empty()) throw ConfigError("--bootstrap is for a new installation: " + why);
    running.policy.maps.clear();
    log_info("bootstrap: the maps are not applied in this run; nothing is proposed");
  }
  LdapDirectorySource directory(settings.directory);
  stop_on_signal(directory, signals);
  UntilExit& kept = until_exit();
  DirectoryMemory& memory = kept.memory;
  const bool writes = settings.daemon.writes();
  CycleResult& result = kept.result;
  try {
    result = run_cycle(running, directory, memory, *database,
                       {true, !writes, settings.guard, false}, signals);
  } catch (const std::exception&) {
    // A stop cancelled the run's query: it rolled back, as asked.
    if (!signals.stop_requested()) throw;
    result.stopped = true;
  }
  if (result.stopped) {
    log_info("stopped before writing anything");
    return settings.daemon.mode == DaemonMode::kCheck ? kExitFailure : kExitOk;
  }
  log_summary(result);
  if (writes) log_audit_anchor(*database);
  if (writes) write_metrics(settings, metrics_of(&result), database.get());
  if (settings.daemon.mode == DaemonMode::kDryRun) print_plan(std::cout, result.record);
  if (settings.daemon.mode != DaemonMode::kCheck) return kExitOk;
  const long long waiting = ServiceStatus(*database).items_waiting();
  const Plan& plan = result.record.plan;
  if (plan.empty() && waiting == 0) {
    std::cout << "OK: no changes pending and no item waits for a person\n";
    return kExitOk;
  }
  std::cout << "PENDING: " << (plan.empty() ? "no new changes" : summary_line(plan.stats))
            << (result.record.held ? " (the guard would hold the run)" : "") << "; " << waiting
            << " item(s) wait for a person\n";
  return kExitChangesPending;
}

}  // namespace valtuus
