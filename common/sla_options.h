// Service-level targets of the two service paths, for `valtuusctl report sla`: path 1 (the
// organisation can grant the theme: about 3 days of its own lead time) and path 2 (it must
// apply to DVV first: 4 to 6 weeks). Set in the configuration file; each run of the report may
// override them (--path1-days, --path2-days).
#pragma once

#include <boost/program_options.hpp>

namespace valtuus {

struct SlaTargets {
  int path1_days = 3;
  int path2_days = 42;
};

boost::program_options::options_description sla_options_description();
// Throws ConfigError naming the option when a value is out of range (1 to 365 days).
SlaTargets sla_targets_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
