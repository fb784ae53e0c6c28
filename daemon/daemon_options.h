// Options of the daemon itself (the loop), declared beside it.
#pragma once

#include <boost/program_options.hpp>

namespace valtuus {

struct DaemonOptions {
  bool once = false;     // --once: one sync cycle, then exit
  bool dry_run = false;  // --dry-run: compute and print the plan, write nothing
  int interval_s = 900;  // sync.interval: seconds between cycles (default 15 min)
};

boost::program_options::options_description daemon_command_line_options();
boost::program_options::options_description daemon_shared_options();
DaemonOptions daemon_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
