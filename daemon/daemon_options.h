// Options of the daemon itself (the loop), declared beside it.
#pragma once

#include <boost/program_options.hpp>
#include <chrono>

#include "config/sync_options.h"  // daemon_shared_options(): the sync.* options of the file

namespace valtuus {

// What the daemon was asked to do this time.
enum class DaemonMode {
  kLoop,    // the service: sync every interval while leader, until SIGTERM
  kOnce,    // --once: one sync cycle, then exit
  kDryRun,  // --dry-run: compute and print the plan, write nothing, exit
  kCheck,   // --check: like --dry-run, but the exit code says whether anything waits (0/2/1)
};

struct DaemonOptions {
  DaemonMode mode = DaemonMode::kLoop;
  // sync.interval: seconds between cycles (default 15 min). The minimum is 1 s so that the
  // end-to-end tests can exercise leadership and signals quickly; production wants minutes.
  std::chrono::seconds interval{900};
  // sync.jitter_percent: each wait is the interval plus or minus up to this share, so that
  // several instances (and their domain controllers) are not hit in lockstep. 0 to 50.
  int jitter_percent = 10;
  // sync.full_read_interval: seconds between full directory reads; incremental reads in
  // between. 0: every run reads fully. The first run after start always reads fully.
  std::chrono::seconds full_read_interval{86400};

  // --bootstrap (with --once): the maps are not applied, so the run records the directory and
  // the catalog and proposes nothing; refused on a database that has items or a ledger.
  bool bootstrap = false;
  bool writes() const { return mode == DaemonMode::kLoop || mode == DaemonMode::kOnce; }
};

boost::program_options::options_description daemon_command_line_options();
// Throws ConfigError naming the option when a value is out of range.
DaemonOptions daemon_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
