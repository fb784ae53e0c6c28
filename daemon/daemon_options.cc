#include "daemon/daemon_options.h"

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description daemon_command_line_options() {
  po::options_description options("valtuusd");
  options.add_options()("help,h", "show this help and exit")("version",
                                                             "show the version and exit")(
      "config,c", po::value<std::string>(),
      "configuration file (default /etc/valtuus/valtuusd.conf)")(
      "once", "run one sync cycle and exit")("dry-run",
                                             "compute and print the plan without writing anything")(
      "check-config", "validate the configuration and the policy, then exit")(
      "print-config", "print the effective configuration (secrets redacted) and exit");
  return options;
}

po::options_description daemon_shared_options() {
  po::options_description options("Sync loop");
  options.add_options()("sync.interval", po::value<int>()->default_value(900),
                        "seconds between sync cycles");
  return options;
}

DaemonOptions daemon_options_from(const po::variables_map& vm) {
  DaemonOptions options;
  options.once = vm.count("once") > 0;
  options.dry_run = vm.count("dry-run") > 0;
  options.interval_s = vm["sync.interval"].as<int>();
  if (options.interval_s < 10 || options.interval_s > 86400) {
    throw ConfigError("sync.interval: " + std::to_string(options.interval_s) +
                      " is out of range (10 to 86400 seconds)");
  }
  return options;
}

}  // namespace valtuus
