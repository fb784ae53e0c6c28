#include "common/policy_options.h"

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description policy_options_description() {
  po::options_description options("Authorisation maps");
  options.add_options()("policy.dir", po::value<std::string>(),
                        "directory of YAML policy files: the mandate catalog and the maps");
  return options;
}

PolicyOptions policy_options_from(const po::variables_map& vm) {
  if (!vm.count("policy.dir") || vm["policy.dir"].as<std::string>().empty()) {
    throw ConfigError("policy.dir: missing; say where the authorisation maps are");
  }
  return PolicyOptions{vm["policy.dir"].as<std::string>()};
}

}  // namespace valtuus
