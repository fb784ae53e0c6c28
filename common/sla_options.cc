#include "common/sla_options.h"

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description sla_options_description() {
  po::options_description options("Service-level targets (valtuusctl report sla)");
  options.add_options()("sla.path1_days", po::value<int>()->default_value(3),
                        "target days from proposal to done when the organisation can grant")(
      "sla.path2_days", po::value<int>()->default_value(42),
      "target days from proposal to done when the organisation must apply to DVV first");
  return options;
}

SlaTargets sla_targets_from(const po::variables_map& vm) {
  auto days = [&](const char* name, int fallback) {
    if (!vm.count(name)) return fallback;  // a program that did not declare the options
    const int value = vm[name].as<int>();
    if (value < 1 || value > 365) {
      throw ConfigError(std::string(name) + ": " + std::to_string(value) +
                        " is out of range (1 to 365 days)");
    }
    return value;
  };
  SlaTargets targets;
  targets.path1_days = days("sla.path1_days", targets.path1_days);
  targets.path2_days = days("sla.path2_days", targets.path2_days);
  return targets;
}

}  // namespace valtuus
