// metrics.file: where valtuusd writes its Prometheus text file. Declared here, not beside the
// writer in daemon/, because valtuusctl reads valtuusd.conf too and must accept the option
// without depending on the daemon.
#pragma once

#include <boost/program_options.hpp>
#include <string>

namespace valtuus {

struct MetricsOptions {
  std::string file;  // empty: no metrics file
};

// metrics.file (file, environment, command line), and --metrics-file, its command-line
// spelling from the issue, which wins when both are given.
boost::program_options::options_description metrics_options_description();
MetricsOptions metrics_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
