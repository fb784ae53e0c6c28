#include "common/reconcile_options.h"

#include "core/dn.h"
#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description reconcile_options_description() {
  po::options_description options("Leavers, movers and long leave");
  options.add_options()(
      "reconcile.long_leave_value", po::value<std::vector<std::string>>()->composing(),
      "value of directory.long_leave_attribute meaning long leave (may repeat; default: any "
      "non-empty value)")("reconcile.long_leave_ou",
                          po::value<std::vector<std::string>>()->composing(),
                          "DN of an OU of people on long leave, e.g. OU=Leave,DC=kunta,DC=example; "
                          "also matches OUs under it (may repeat)")(
      "reconcile.leavers_ou", po::value<std::vector<std::string>>()->composing(),
      "DN of an OU where leavers' accounts are moved, e.g. OU=Leavers,DC=kunta,DC=example; "
      "also matches OUs under it (may repeat)")(
      "reconcile.leaver_grace_days", po::value<int>()->default_value(0),
      "days after leaving before a revocation is proposed")(
      "reconcile.mover_grace_days", po::value<int>()->default_value(14),
      "days after a change of department, title or OU before a revocation is proposed");
  return options;
}

LeaverRules leaver_rules_from(const po::variables_map& vm) {
  LeaverRules rules;
  auto list = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
  };
  // A bare name would match an OU of that name anywhere in the tree: only DNs are taken.
  auto dns = [&](const char* name) {
    std::vector<std::string> values = list(name);
    for (const std::string& value : values) {
      if (auto problem = dn_problem(value)) throw ConfigError(std::string(name) + ": " + *problem);
    }
    return values;
  };
  auto days = [&](const char* name) {
    const int value = vm[name].as<int>();
    if (value < 0 || value > 365) {
      throw ConfigError(std::string(name) + ": " + std::to_string(value) +
                        " is out of range (0 to 365 days)");
    }
    return std::chrono::days(value);
  };
  rules.long_leave_values = list("reconcile.long_leave_value");
  rules.long_leave_ous = dns("reconcile.long_leave_ou");
  rules.leavers_ous = dns("reconcile.leavers_ou");
  rules.leaver_grace = days("reconcile.leaver_grace_days");
  rules.mover_grace = days("reconcile.mover_grace_days");
  return rules;
}

}  // namespace valtuus
