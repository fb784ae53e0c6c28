// The Prometheus text file for node_exporter's textfile collector (metrics.file). Written
// after each run to a temporary file and renamed, so the collector never reads half a file.
#pragma once

#include <array>
#include <boost/program_options.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "config/metrics_options.h"
#include "connectors/postgres/store_metrics.h"
#include "connectors/postgres/sync_store.h"
#include "core/change_item.h"

namespace valtuus {

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
  int entries_refused = 0;  // entries with a value the connector refused
  PlanStats stats;          // items proposed by kind
};

// Upper bounds, in days, of the age buckets of open items (cumulative, as Prometheus's `le`),
// then +Inf. 3: the organisation's lead time for a grant; 42: six weeks for DVV's decision.
inline constexpr std::array<int, 5> kOpenItemAgeBucketsDays = {1, 3, 7, 30, 42};

// The file's text in the Prometheus text exposition format (version 0.0.4). `store` is null
// when the database could not be read: then only the last run and valtuus_metrics_database_up
// 0 are written.
std::string format_metrics(const RunMetrics& last_run, const StoreMetrics* store);

// Writes `content` to a temporary file beside `path` (mode 0644: the collector runs as another
// user; metrics hold no secrets), flushes it and renames it over `path`. Throws
// std::runtime_error naming the path on failure, leaving no temporary file behind.
void write_file_atomically(const std::string& path, std::string_view content);

// Writes the file from `last_run` and from the database (open items by state and age bucket,
// held runs waiting for a person). Does nothing when options.file is empty. A database error
// is logged and reported in the file (valtuus_metrics_database_up 0), not thrown: the last
// run's figures still matter most when the database is the trouble. Throws on I/O errors with
// the path in the message.
void write_metrics_file(const MetricsOptions& options, const RunMetrics& last_run,
                        SyncStore& database);

}  // namespace valtuus
