#include "daemon/service_loop.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "common/backoff.h"
#include "common/exit_codes.h"
#include "common/log.h"
#include "connectors/ldap/ldap_source.h"
#include "connectors/postgres/leadership.h"
#include "connectors/postgres/run_history.h"
#include "connectors/postgres/sync_store.h"
#include "core/errors.h"
#include "daemon/daemon_cycle.h"
#include "daemon/schedule.h"
#include "daemon/service_notifier.h"

namespace valtuus {

namespace {

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

// What decides which entries a read returns and how they are mapped: when a reload changes it,
// the stored snapshot is no base for an incremental read.
std::string read_signature(const LdapOptions& o) {
  std::string signature = o.uri + '\n' + o.filter + '\n' + o.key_attribute + '\n' +
                          o.long_leave_attribute + '\n' + o.identity_code_attribute + '\n' +
                          o.member_of + '\n';
  for (const std::string& base : o.bases) signature += base + '\n';
  const AttributeMap& a = o.attributes;
  for (const std::string* name :
       {&a.account, &a.given_name, &a.surname, &a.display_name, &a.mail, &a.department, &a.title,
        &a.groups, &a.manager, &a.language, &a.account_control, &a.account_expires}) {
    signature += *name + '\n';
  }
  return signature;
}

// The schedule of full reads continues from the last complete full read in the database, so a
// restart or a new leader reads incrementally until a full read is due.
void seed_schedule(Schedule& schedule, SyncStore& database,
                   std::chrono::steady_clock::time_point now) {
  if (schedule.knows_last_full_read()) return;
  if (const auto age = RunHistory(database).last_full_read_age())
    schedule.full_read_done(now - *age);
}

}  // namespace

int run_loop(Running& running, int argc, const char* const argv[], LoopSignals& signals) {
  ServiceNotifier notifier;
  const auto uniform = system_uniform();
  Backoff backoff(BackoffPolicy{}, uniform);
  auto schedule_of = [](const DaemonOptions& d) {
    return Schedule({d.interval, d.jitter_percent, d.full_read_interval});
  };
  Schedule schedule = schedule_of(running.settings.daemon);
  // The directory's retry backoff sleeps like the loop: watched, and cut short by a stop,
  // which also ends a read in flight.
  auto directory_of = [&](const LdapOptions& options) {
    RetryEnvironment environment;
    environment.sleep = [&](std::chrono::milliseconds delay) {
      sleep_watched(delay, signals, notifier, false);
    };
    auto directory = std::make_unique<LdapDirectorySource>(options, environment);
    stop_on_signal(*directory, signals);
    return directory;
  };
  auto directory = directory_of(running.settings.directory);
  auto leadership = std::make_unique<Leadership>(running.settings.database);
  std::unique_ptr<SyncStore> database;
  DirectoryMemory memory;
  bool force_full = false;  // the directory settings changed: the next read is full
  enum class Role { kUnknown, kLeader, kFollower };
  Role role = Role::kUnknown;  // unknown until the first poll, so that either is logged
  bool ready = false;
  for (;;) {
    if (signals.stop_requested()) break;
    const DatabaseOptions database_before = running.settings.database;
    const LdapOptions directory_before = running.settings.directory;
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
      if (read_signature(running.settings.directory) != read_signature(directory_before)) {
        force_full = true;
      }
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
        if (!database) database = SyncStore::open(running.settings.database);
        const auto started = std::chrono::steady_clock::now();
        seed_schedule(schedule, *database, started);
        const bool full = force_full || schedule.full_read_due(started);
        CycleResult result = run_cycle(running, *directory, memory, *database,
                                       {full, false, running.settings.guard}, signals);
        if (result.stopped) {
          log_info("the run in flight stopped before writing anything");
          break;
        }
        if (!ready) {
          notifier.ready();  // both servers answered
          ready = true;
        }
        if (result.full_read && result.complete) {
          schedule.full_read_done(started);
          force_full = false;
        }
        if (!memory.valid) schedule.forget();
        log_summary(result);
        log_audit_anchor(*database);
        notifier.status(cycle_summary(result));
        metrics = metrics_of(&result);
        backoff.reset();
      }
    } catch (const ConfigError&) {
      throw;
    } catch (const ConnectionLost& e) {
      database.reset();  // reconnected on the next attempt
      wait = backoff.next_delay();
      log_warning(fmt::format("database connection lost: {}; retrying in {:.1f} s", e.what(),
                              static_cast<double>(wait.count()) / 1000.0));
      metrics = metrics_of(nullptr);
    } catch (const Refused& e) {
      // A missing grant does not heal by itself, but an administrator can fix it while the
      // service waits: retried like any failure, with the role the login needs named.
      if (signals.stop_requested()) break;
      wait = backoff.next_delay();
      const std::string why = explain_refusal(e.what(), database.get());
      log_error(fmt::format("sync failed: {}; retrying in {:.1f} s", why,
                            static_cast<double>(wait.count()) / 1000.0));
      notifier.status("last run failed: " + why);
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

}  // namespace valtuus
