// Placeholder until the metrics work of issue #6 lands.
#include "daemon/metrics.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description metrics_options_description() {
  po::options_description options("Metrics");
  options.add_options()("metrics.file", po::value<std::string>()->default_value(""),
                        "Prometheus text file to write after each run (empty: none)");
  return options;
}

MetricsOptions metrics_options_from(const po::variables_map& vm) {
  return MetricsOptions{vm["metrics.file"].as<std::string>()};
}

void write_metrics_file(const MetricsOptions&, const RunMetrics&, pqxx::connection&) {}

}  // namespace valtuus
