// The Prometheus text file for node_exporter's textfile collector (metrics.file). Written
// after each run to a temporary file and renamed, so the collector never reads half a file.
#pragma once

#include <boost/program_options.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <string>

#include "core/change_item.h"

namespace valtuus {

struct MetricsOptions {
  std::string file;  // empty: no metrics file
};

boost::program_options::options_description metrics_options_description();
MetricsOptions metrics_options_from(const boost::program_options::variables_map& vm);

// What the loop knows about the run it just finished.
struct RunMetrics {
  long long run_id = 0;  // 0 for a dry run or a failed run
  std::chrono::system_clock::time_point finished_at;
  double duration_seconds = 0;
  bool succeeded = true;  // false when the run failed (and will be retried)
  bool complete = true;   // the directory read was complete
  bool held = false;      // the guard held the run
  bool full_read = true;  // a full read, not an incremental one
  int entries_read = 0;
  PlanStats stats;  // items proposed by kind
};

// Writes the file from `last_run` and from the database (open items by state and age bucket,
// held runs waiting for a person). Throws on I/O errors with the path in the message.
void write_metrics_file(const MetricsOptions& options, const RunMetrics& last_run,
                        pqxx::connection& database);

}  // namespace valtuus
