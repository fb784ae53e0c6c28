#include "daemon/daemon_options.h"

#include <fmt/core.h>

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description daemon_command_line_options() {
  po::options_description options("valtuusd");
  // clang-format off
  options.add_options()
      ("help,h", "show this help and exit")
      ("version", "show the version and exit")
      ("config,c", po::value<std::string>(),
       "configuration file (default /etc/valtuus/valtuusd.conf)")
      ("once", "run one sync cycle and exit")
      ("bootstrap", "with --once, the first run of a new installation: read the directory and "
                    "record the mandate catalog without applying the maps, so nothing is "
                    "proposed before `valtuusctl import grants` records what is already held")
      ("dry-run", "compute and print the plan without writing anything")
      ("check", "like --dry-run, for monitoring: exit 2 when changes are pending or items wait "
                "for a person, 0 when none, 1 on any error")
      ("check-config", "validate the configuration and the policy, then exit")
      ("print-config", "print the effective configuration (secrets redacted) and exit");
  // clang-format on
  return options;
}

namespace {

int in_range(const po::variables_map& vm, const char* name, int low, int high) {
  const int value = vm[name].as<int>();
  if (value < low || value > high) {
    throw ConfigError(fmt::format("{}: {} is out of range ({} to {})", name, value, low, high));
  }
  return value;
}

// --dry-run and --check never write and always run once, so they win over --once
// (`--once --dry-run` is how the demo previews a sync).
DaemonMode mode_from(const po::variables_map& vm) {
  if (vm.count("check")) return DaemonMode::kCheck;
  if (vm.count("dry-run")) return DaemonMode::kDryRun;
  if (vm.count("once")) return DaemonMode::kOnce;
  return DaemonMode::kLoop;
}

}  // namespace

DaemonOptions daemon_options_from(const po::variables_map& vm) {
  DaemonOptions options;
  options.mode = mode_from(vm);
  options.bootstrap = vm.count("bootstrap") > 0;
  if (options.bootstrap && options.mode != DaemonMode::kOnce) {
    throw ConfigError("--bootstrap goes with --once only (valtuusd --once --bootstrap)");
  }
  options.interval = std::chrono::seconds{in_range(vm, "sync.interval", 1, 86400)};
  options.jitter_percent = in_range(vm, "sync.jitter_percent", 0, 50);
  options.full_read_interval =
      std::chrono::seconds{in_range(vm, "sync.full_read_interval", 0, 30 * 86400)};
  return options;
}

}  // namespace valtuus
