#include "config/sync_options.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description daemon_shared_options() {
  po::options_description options("Sync loop");
  // clang-format off
  options.add_options()
      ("sync.interval", po::value<int>()->default_value(900),
       "seconds between sync cycles (1 to 86400)")
      ("sync.jitter_percent", po::value<int>()->default_value(10),
       "each wait is the interval plus or minus up to this percentage (0 to 50)")
      ("sync.full_read_interval", po::value<int>()->default_value(86400),
       "seconds between full directory reads, incremental reads in between (0: always full)");
  // clang-format on
  return options;
}

}  // namespace valtuus
