#include "common/guard_options.h"

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

constexpr int kMaxCount = 1000000;

}  // namespace

po::options_description guard_options_description() {
  const GuardOptions defaults;
  po::options_description options("Guard: runs held until a person releases them");
  options.add_options()("guard.enabled", po::value<bool>()->default_value(defaults.enabled),
                        "hold runs that exceed the limits below (true or false)")(
      "guard.max_revokes", po::value<int>()->default_value(defaults.max_revokes),
      "hold a run with more revocations than this (0: any revocation)")(
      "guard.max_revoke_percent", po::value<int>()->default_value(defaults.max_revoke_percent),
      "hold a run whose revocations are more than this percentage of the grants in the ledger")(
      "guard.min_revokes_for_percent",
      po::value<int>()->default_value(defaults.min_revokes_for_percent),
      "the percentage applies only from this many revocations (one leaver in a small ledger is "
      "not held)")("guard.hold_incomplete",
                   po::value<bool>()->default_value(defaults.hold_incomplete),
                   "hold every run after an incomplete directory read")(
      "guard.max_refused", po::value<int>()->default_value(defaults.max_refused),
      "hold a run whose directory read refused more entries than this (bad values, entries "
      "without a usable key or account)");
  return options;
}

GuardOptions guard_options_from(const po::variables_map& vm) {
  auto number = [&](const char* name, int low, int high) {
    const int value = vm[name].as<int>();
    if (value < low || value > high) {
      throw ConfigError(std::string(name) + ": " + std::to_string(value) + " is out of range (" +
                        std::to_string(low) + " to " + std::to_string(high) + ")");
    }
    return value;
  };
  GuardOptions options;
  options.enabled = vm["guard.enabled"].as<bool>();
  options.max_revokes = number("guard.max_revokes", 0, kMaxCount);
  options.max_revoke_percent = number("guard.max_revoke_percent", 0, 100);
  options.min_revokes_for_percent = number("guard.min_revokes_for_percent", 0, kMaxCount);
  options.hold_incomplete = vm["guard.hold_incomplete"].as<bool>();
  options.max_refused = number("guard.max_refused", 0, kMaxCount);
  return options;
}

}  // namespace valtuus
