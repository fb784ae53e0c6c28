// The sync loop's options in valtuusd.conf (sync.*). The daemon converts them into
// DaemonOptions (daemon/daemon_options.h); they are declared here because valtuusctl reads the
// same file and must accept them without depending on the daemon.
#pragma once

#include <boost/program_options.hpp>

namespace valtuus {

// sync.interval (default 900 s), sync.jitter_percent (10), sync.full_read_interval (86400 s).
boost::program_options::options_description daemon_shared_options();

}  // namespace valtuus
