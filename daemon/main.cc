// valtuusd: the sync daemon. Reads the directory, applies the authorisation maps and writes
// reviewable change items to PostgreSQL. It never acts in Suomi.fi: people do, after review.
// This file reads the command line, picks the mode and maps errors to exit codes; the modes
// live in service_loop.h (the service) and one_shot.h (--once, --dry-run, --check).
#include <algorithm>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>

#include "common/configuration.h"
#include "common/error_exit.h"
#include "common/exit_codes.h"
#include "common/log.h"
#include "common/privileges.h"
#include "connectors/postgres/database_options.h"
#include "connectors/postgres/sync_store.h"
#include "core/errors.h"
#include "daemon/config_check.h"
#include "daemon/loop_signals.h"
#include "daemon/one_shot.h"
#include "daemon/service_loop.h"
#include "daemon/settings.h"

using namespace valtuus;

namespace {

int run(const Settings& settings, int argc, const char* const argv[]) {
  refuse_root("valtuusd");
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
  std::optional<DatabaseOptions> database;  // known once the settings are read
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
    database = settings.database;
    if (config.values.count("check-config")) {
      check_service_files(settings);
      load_policy_or_throw(settings.policy, true);
      std::cout << "configuration and policy are valid\n";
      return kExitOk;
    }
    return run(settings, argc, argv);
  } catch (const ConnectionLost& e) {
    log_error(std::string("database connection lost: ") + e.what());
    return exit_code(kExitTransient);
  } catch (const Refused& e) {
    // A missing grant: which role the login needs, asked on a connection of its own.
    std::unique_ptr<SyncStore> catalog;
    try {
      if (database) catalog = SyncStore::open(*database);
    } catch (const std::exception&) {
    }
    log_error(explain_refusal(e.what(), catalog.get()));
    return exit_code(kExitFailure);
  } catch (const std::exception& e) {
    return exit_code(log_error_exit(e));
  }
}
