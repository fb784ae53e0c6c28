// valtuusd: the sync daemon. Reads the directory, applies the authorisation maps and writes
// reviewable change items to PostgreSQL. It never acts in Suomi.fi: people do, after review.
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "common/configuration.h"
#include "common/exit_codes.h"
#include "common/identity_crypto.h"
#include "common/identity_options.h"
#include "common/log.h"
#include "common/policy_options.h"
#include "common/reconcile_options.h"
#include "connectors/ldap/ldap_options.h"
#include "connectors/ldap/ldap_source.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/postgres_options.h"
#include "core/errors.h"
#include "daemon/daemon_options.h"
#include "daemon/plan_printer.h"
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
};

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

// Blocks the signals the loop waits for, so they arrive through sigtimedwait, not handlers.
sigset_t loop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int run(const Settings& settings) {
  const sigset_t signals = loop_signals();
  Policy policy = load_policy_or_throw(settings.policy, false);
  const auto identity = load_identity_or_warn(settings);
  auto database = connect_database(settings.database);
  require_current_schema(*database);
  log_info("policy: " + std::to_string(policy.catalog.size()) + " themes, " +
           std::to_string(policy.maps.size()) + " maps from " + settings.policy.dir +
           "; database " + redact_conninfo(settings.database.conninfo) + " at schema version " +
           std::to_string(expected_schema_version()));
  LdapDirectorySource directory(settings.directory);
  for (;;) {
    CycleResult result = run_sync_cycle(directory, policy, settings.rules, *database,
                                        settings.daemon.dry_run, identity.get());
    if (settings.daemon.dry_run) print_plan(std::cout, result.record.plan);
    log_info(cycle_summary(result));
    if (settings.daemon.once) return kExitOk;
    timespec timeout{settings.daemon.interval_s, 0};
    const int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal == SIGTERM || signal == SIGINT) {
      log_info("stopping on signal");
      return kExitOk;
    }
    if (signal == SIGHUP) {
      try {
        policy = load_policy_or_throw(settings.policy, false);
        log_info("policy reloaded");
      } catch (const ConfigError& e) {
        log_error(std::string(e.what()) + "; keeping the last good policy");
      }
    }
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  set_log_program("valtuusd");
  // libldap writes with plain send(): a directory that vanishes mid-write must give an error
  // the connector can see, not a SIGPIPE that kills the service.
  std::signal(SIGPIPE, SIG_IGN);
  ConfigurationSources sources;
  sources.command_line_only.add(daemon_command_line_options());
  sources.shared.add(ldap_options_description())
      .add(database_options_description())
      .add(policy_options_description())
      .add(reconcile_options_description())
      .add(identity_options_description())
      .add(daemon_shared_options());
  sources.default_config_file = "/etc/valtuus/valtuusd.conf";
  try {
    Configuration config = read_configuration(argc, argv, sources);
    if (config.values.count("help")) {
      std::cout << "Usage: valtuusd [--config FILE] [--once] [--dry-run]\n\n"
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
    Settings settings{daemon_options_from(config.values),   ldap_options_from(config.values),
                      database_options_from(config.values), policy_options_from(config.values),
                      leaver_rules_from(config.values),     identity_options_from(config.values)};
    if (config.values.count("check-config")) {
      load_policy_or_throw(settings.policy, true);
      load_identity_or_warn(settings);
      std::cout << "configuration and policy are valid\n";
      return kExitOk;
    }
    return run(settings);
  } catch (const ConfigError& e) {
    log_error(e.what());
    return kExitConfig;
  } catch (const TransientError& e) {
    log_error(e.what());
    return kExitTransient;
  } catch (const DataError& e) {
    log_error(e.what());
    return kExitDataError;
  } catch (const pqxx::broken_connection& e) {
    log_error(std::string("database connection lost: ") + e.what());
    return kExitTransient;
  } catch (const std::exception& e) {
    log_error(e.what());
    return kExitFailure;
  }
}
