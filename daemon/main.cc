// valtuusd: the sync daemon. Reads the directory, applies the authorisation maps and writes
// reviewable change items to PostgreSQL. It never acts in Suomi.fi: people do, after review.
#include <unistd.h>

#include <fmt/core.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>

#include "common/backoff.h"
#include "common/configuration.h"
#include "common/exit_codes.h"
#include "common/guard_options.h"
#include "common/identity_crypto.h"
#include "common/identity_options.h"
#include "common/log.h"
#include "common/policy_options.h"
#include "common/reconcile_options.h"
#include "common/sla_options.h"
#include "connectors/ldap/ldap_options.h"
#include "connectors/ldap/ldap_source.h"
#include "connectors/postgres/leadership.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/postgres_options.h"
#include "core/errors.h"
#include "daemon/daemon_options.h"
#include "daemon/loop_signals.h"
#include "daemon/metrics.h"
#include "daemon/plan_printer.h"
#include "daemon/schedule.h"
#include "daemon/service_notifier.h"
#include "daemon/sync_cycle.h"
#include "policies/policy_loader.h"

namespace po = boost::program_options;
using namespace valtuus;

namespace {

struct Settings {
  DaemonOptions daemon;
  LdapOptions directory;
  DatabaseOptions database;
  PolicyOptions policy;
  LeaverRules rules;
  IdentityOptions identity;
  MetricsOptions metrics;
  GuardOptions guard;
};

ConfigurationSources configuration_sources() {
  ConfigurationSources sources;
  sources.command_line_only.add(daemon_command_line_options());
  sources.shared.add(ldap_options_description())
      .add(database_options_description())
      .add(policy_options_description())
      .add(reconcile_options_description())
      .add(identity_options_description())
      .add(guard_options_description())
      .add(metrics_options_description())
      // valtuusctl reads the same file: its report targets must not make valtuusd refuse it.
      .add(sla_options_description())
      .add(daemon_shared_options());
  sources.default_config_file = "/etc/valtuus/valtuusd.conf";
  return sources;
}

Settings settings_from(const po::variables_map& vm) {
  return Settings{daemon_options_from(vm),  ldap_options_from(vm), database_options_from(vm),
                  policy_options_from(vm),  leaver_rules_from(vm), identity_options_from(vm),
                  metrics_options_from(vm), guard_options_from(vm)};
}

// The service runs as its own unprivileged user (the unit's User=): it holds a directory
// password and an identity-code key, and needs no privilege. Test rigs run everything as root
// (CI containers), so VALTUUS_ALLOW_ROOT=1 lets them; it is not meant for production.
void refuse_root() {
  const char* allow = std::getenv("VALTUUS_ALLOW_ROOT");
  if (::geteuid() == 0 && !(allow && std::string_view(allow) == "1")) {
    throw ConfigError(
        "refusing to run as root: run valtuusd as its own user (the systemd unit's User=); "
        "VALTUUS_ALLOW_ROOT=1 is for test rigs only");
  }
}

// The key for identity codes, when configured. Codes read without a key are dropped, which is
// safe but probably not what the administrator meant: say so once at start.
std::unique_ptr<IdentityCrypto> load_identity_or_warn(const Settings& settings) {
  auto identity = load_identity_crypto(settings.identity);
  if (!identity && !settings.directory.identity_code_attribute.empty()) {
    log_warning(
        "directory.identity_code_attribute is set but identity.key_file is not: identity "
        "codes are read but not stored");
  }
  return identity;
}

// Loads the maps. Errors are always logged one by one; warnings (such as a theme whose Suomi.fi
// URI is still unknown) are listed in full only when asked, so that every start of the service
// does not repeat them: `valtuusd --check-config` shows them all.
Policy load_policy_or_throw(const PolicyOptions& options, bool list_warnings) {
  PolicyLoadResult loaded = load_policy_dir(options.dir);
  if (list_warnings) {
    for (const PolicyDiagnostic& warning : loaded.warnings) log_warning(format(warning));
  }
  for (const PolicyDiagnostic& error : loaded.errors) log_error(format(error));
  if (!loaded.policy) {
    throw ConfigError("policy.dir: " + options.dir + ": " + std::to_string(loaded.errors.size()) +
                      " error(s) in the authorisation maps");
  }
  return std::move(*loaded.policy);
}

// Everything the loop runs with; replaced whole on a successful reload.
struct Running {
  Settings settings;
  Policy policy;
  std::unique_ptr<IdentityCrypto> identity;
};

Running load_running(const Settings& settings) {
  Policy policy = load_policy_or_throw(settings.policy, false);
  auto identity = load_identity_or_warn(settings);
  log_info("policy: " + std::to_string(policy.catalog.size()) + " themes, " +
           std::to_string(policy.maps.size()) + " maps from " + settings.policy.dir);
  return Running{settings, std::move(policy), std::move(identity)};
}

// The summary line, with the fields a journal query wants. Counts only: no name, no value.
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
       {"VALTUUS_DURATION_MS", std::to_string(result.duration.count())}});
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
  metrics.held = result->record.held;
  metrics.stats = result->record.plan.stats;
  return metrics;
}

// The metrics file is for monitoring: failing to write it is worth a warning, not a stop.
void write_metrics(const Settings& settings, const RunMetrics& metrics,
                   pqxx::connection* database) {
  if (settings.metrics.file.empty() || !database) return;
  try {
    write_metrics_file(settings.metrics, metrics, *database);
  } catch (const std::exception& e) {
    log_warning(std::string("metrics.file: ") + e.what());
  }
}

// Cancels the sync connection's query from another thread: through a connection of its own,
// since a libpq connection must not be used by two threads at once.
std::function<void()> canceller(const DatabaseOptions& options, int backend_pid) {
  return [options, backend_pid] {
    auto connection = connect_database(options);
    pqxx::nontransaction txn(*connection);
    txn.exec_params("SELECT pg_cancel_backend($1)", backend_pid);
  };
}

CycleResult run_cycle(Running& running, DirectorySource& directory, DirectoryMemory& memory,
                      pqxx::connection& database, const CycleOptions& options,
                      LoopSignals& signals) {
  signals.run_started(canceller(running.settings.database, database.backendpid()));
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

// --once, --dry-run and --check: one cycle, no leadership (the sync lock still serialises
// the run against a leader's), no retries: the caller sees the error in the exit code.
int run_one(Running& running, LoopSignals& signals) {
  const Settings& settings = running.settings;
  auto database = connect_database(settings.database);
  require_current_schema(*database);
  LdapDirectorySource directory(settings.directory);
  DirectoryMemory memory;
  const bool writes = settings.daemon.writes();
  CycleResult result;
  try {
    result =
        run_cycle(running, directory, memory, *database, {true, !writes, settings.guard}, signals);
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
  if (writes) write_metrics(settings, metrics_of(&result), database.get());
  if (settings.daemon.mode == DaemonMode::kDryRun) print_plan(std::cout, result.record);
  if (settings.daemon.mode != DaemonMode::kCheck) return kExitOk;
  const long long waiting = items_waiting(*database);
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

// Sleeps `delay` in slices short enough for the watchdog; a stop (and, with `wake_on_reload`,
// a reload) cuts it short.
void sleep_watched(std::chrono::milliseconds delay, LoopSignals& signals, ServiceNotifier& notifier,
                   bool wake_on_reload = true) {
  using std::chrono::milliseconds;
  const auto until = std::chrono::steady_clock::now() + delay;
  const auto slice = std::chrono::duration_cast<milliseconds>(
      notifier.watchdog_interval().value_or(std::chrono::seconds{10}));
  for (;;) {
    notifier.watchdog();
    const auto now = std::chrono::steady_clock::now();
    if (now >= until || signals.stop_requested()) return;
    if (wake_on_reload && signals.reload_pending()) return;
    signals.wait_for(
        std::min(slice, std::chrono::duration_cast<milliseconds>(until - now) + milliseconds{1}),
        wake_on_reload);
  }
}

// SIGHUP: the configuration file and the maps again, all or nothing. Any error (each one
// logged) keeps what runs now, so a typo in a map never stops the service.
bool reload(Running& running, int argc, const char* const argv[]) {
  log_info("reloading the configuration and the authorisation maps");
  try {
    const ConfigurationSources sources = configuration_sources();
    Settings settings = settings_from(read_configuration(argc, argv, sources).values);
    settings.daemon.mode = running.settings.daemon.mode;
    running = load_running(settings);
    log_info("reloaded");
    return true;
  } catch (const std::exception& e) {
    log_error(std::string(e.what()) + "; keeping the running configuration and policy");
    return false;
  }
}

// The service: while leader, one cycle every interval (± jitter); transient failures are
// retried after a backoff and never end the loop; a configuration error does (exit 78).
int run_loop(Running& running, int argc, const char* const argv[], LoopSignals& signals) {
  ServiceNotifier notifier;
  const auto uniform = system_uniform();
  Backoff backoff(BackoffPolicy{}, uniform);
  auto schedule_of = [](const DaemonOptions& d) {
    return Schedule({d.interval, d.jitter_percent, d.full_read_interval});
  };
  Schedule schedule = schedule_of(running.settings.daemon);
  // The directory's retry backoff sleeps like the loop: watched, and cut short by a stop.
  auto directory_of = [&](const LdapOptions& options) {
    RetryEnvironment environment;
    environment.sleep = [&](std::chrono::milliseconds delay) {
      sleep_watched(delay, signals, notifier, false);
    };
    return std::make_unique<LdapDirectorySource>(options, environment);
  };
  auto directory = directory_of(running.settings.directory);
  auto leadership = std::make_unique<Leadership>(running.settings.database);
  std::unique_ptr<pqxx::connection> database;
  DirectoryMemory memory;
  enum class Role { kUnknown, kLeader, kFollower };
  Role role = Role::kUnknown;  // unknown until the first poll, so that either is logged
  bool ready = false;
  for (;;) {
    if (signals.stop_requested()) break;
    const DatabaseOptions database_before = running.settings.database;
    bool reloaded = false;
    if (signals.take_reload()) {
      // RELOADING=1 ... READY=1 around it, once the service has said it is ready at all.
      if (ready) notifier.reloading();
      reloaded = reload(running, argc, argv);
      if (ready) notifier.ready();
    }
    if (reloaded) {
      // New servers or credentials take effect now; the next read is a full one.
      schedule = schedule_of(running.settings.daemon);
      directory = directory_of(running.settings.directory);
      memory = {};
      if (running.settings.database.conninfo != database_before.conninfo ||
          running.settings.database.password_file != database_before.password_file) {
        // Another database: its own leader lock (giving up this one is the price).
        leadership = std::make_unique<Leadership>(running.settings.database);
        database.reset();
        role = Role::kUnknown;
      }
    }
    std::chrono::milliseconds wait = schedule.next_delay(uniform());
    std::optional<RunMetrics> metrics;
    try {
      const bool now_leading = leadership->acquire();
      if (!ready && !now_leading) {
        // A follower has nothing to read until it leads: reaching the database is its start.
        notifier.ready();
        ready = true;
      }
      if (role != (now_leading ? Role::kLeader : Role::kFollower)) {
        log_info(now_leading ? "leading: this instance syncs"
                             : "following: another instance holds the leader lock");
        if (!now_leading) notifier.status("following: another instance syncs");
        role = now_leading ? Role::kLeader : Role::kFollower;
        schedule.forget();
        memory = {};
      }
      if (now_leading) {
        if (!database) {
          database = connect_database(running.settings.database);
          require_current_schema(*database);
        }
        const auto started = std::chrono::steady_clock::now();
        const bool full = schedule.full_read_due(started);
        CycleResult result = run_cycle(running, *directory, memory, *database,
                                       {full, false, running.settings.guard}, signals);
        if (result.stopped) break;
        if (!ready) {
          notifier.ready();  // both servers answered
          ready = true;
        }
        if (result.full_read && result.complete) schedule.full_read_done(started);
        if (!memory.valid) schedule.forget();
        log_summary(result);
        notifier.status(cycle_summary(result));
        metrics = metrics_of(&result);
        backoff.reset();
      }
    } catch (const ConfigError&) {
      throw;
    } catch (const pqxx::broken_connection& e) {
      database.reset();  // reconnected on the next attempt
      wait = backoff.next_delay();
      log_warning(fmt::format("database connection lost: {}; retrying in {:.1f} s", e.what(),
                              static_cast<double>(wait.count()) / 1000.0));
      metrics = metrics_of(nullptr);
    } catch (const std::exception& e) {
      // TransientError, a cancelled or failed query, a directory that vanished: the run did
      // not land (one transaction), and a later attempt may succeed.
      if (signals.stop_requested()) break;
      wait = backoff.next_delay();
      log_warning(fmt::format("sync failed: {}; retrying in {:.1f} s", e.what(),
                              static_cast<double>(wait.count()) / 1000.0));
      notifier.status(std::string("last run failed: ") + e.what());
      metrics = metrics_of(nullptr);
    }
    if (metrics) write_metrics(running.settings, *metrics, database.get());
    if (signals.stop_requested()) break;
    sleep_watched(wait, signals, notifier);
  }
  notifier.stopping();
  leadership->release();
  log_info("stopped");
  return kExitOk;
}

int run(const Settings& settings, int argc, const char* const argv[]) {
  refuse_root();
  LoopSignals signals;
  Running running = load_running(settings);
  if (settings.daemon.mode != DaemonMode::kLoop) return run_one(running, signals);
  return run_loop(running, argc, argv, signals);
}

// --check reports everything that goes wrong as 1 (monitoring reads 0, 2 or an error), even
// a command line that cannot be parsed, so it looks at the words itself.
bool check_mode(int argc, const char* const argv[]) {
  return std::any_of(argv + 1, argv + argc,
                     [](const char* word) { return std::string_view(word) == "--check"; });
}

}  // namespace

int main(int argc, char* argv[]) {
  set_log_program("valtuusd");
  // libldap writes with plain send(): a directory that vanishes mid-write must give an error
  // the connector can see, not a SIGPIPE that kills the service.
  std::signal(SIGPIPE, SIG_IGN);
  const ConfigurationSources sources = configuration_sources();
  const int failure = check_mode(argc, argv) ? kExitFailure : 0;
  auto exit_code = [failure](int code) { return failure ? failure : code; };
  try {
    Configuration config = read_configuration(argc, argv, sources);
    if (config.values.count("help")) {
      std::cout << "Usage: valtuusd [--config FILE] [--once | --dry-run | --check]\n\n"
                << sources.command_line_only << '\n'
                << sources.shared << '\n';
      return kExitOk;
    }
    if (config.values.count("version")) {
      std::cout << "valtuusd " << VALTUUS_VERSION << '\n';
      return kExitOk;
    }
    if (config.values.count("print-config")) {
      std::cout << print_configuration(config, sources.shared);
      return kExitOk;
    }
    const Settings settings = settings_from(config.values);
    if (config.values.count("check-config")) {
      load_policy_or_throw(settings.policy, true);
      load_identity_or_warn(settings);
      std::cout << "configuration and policy are valid\n";
      return kExitOk;
    }
    return run(settings, argc, argv);
  } catch (const ConfigError& e) {
    log_error(e.what());
    return exit_code(kExitConfig);
  } catch (const TransientError& e) {
    log_error(e.what());
    return exit_code(kExitTransient);
  } catch (const DataError& e) {
    log_error(e.what());
    return exit_code(kExitDataError);
  } catch (const pqxx::broken_connection& e) {
    log_error(std::string("database connection lost: ") + e.what());
    return exit_code(kExitTransient);
  } catch (const std::exception& e) {
    log_error(e.what());
    return kExitFailure;
  }
}
