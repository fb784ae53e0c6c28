#include "config/metrics_options.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description metrics_options_description() {
  po::options_description options("Metrics");
  options.add_options()("metrics.file", po::value<std::string>()->default_value(""),
                        "Prometheus text file to write after each run, for node_exporter's "
                        "textfile collector (empty: none)")(
      "metrics-file", po::value<std::string>(), "the same as metrics.file");
  return options;
}

MetricsOptions metrics_options_from(const po::variables_map& vm) {
  MetricsOptions options;
  if (vm.count("metrics.file")) options.file = vm["metrics.file"].as<std::string>();
  if (vm.count("metrics-file")) options.file = vm["metrics-file"].as<std::string>();
  return options;
}

}  // namespace valtuus
