// Where the authorisation maps are: declared here because both programs load them.
#pragma once

#include <boost/program_options.hpp>
#include <string>

namespace valtuus {

struct PolicyOptions {
  // policy.dir: directory of YAML files (catalog and maps). Required.
  std::string dir;
};

boost::program_options::options_description policy_options_description();
PolicyOptions policy_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
