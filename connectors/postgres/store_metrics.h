// What the metrics file reports from the database (metrics_queries.h reads it): open change
// items by state, kind and age, sync runs held for a person, and the time of the last recorded
// run. Plain values, free of libpqxx.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/change_item.h"

namespace valtuus {

// kOpenItemStates (core/change_item.h) are reported even when no item is in them.

// Open items of one state and kind whose age, in whole days rounded up, is `age_days`
// (0: created this instant or later). An item of age exactly 1 day counts as 1.
struct OpenItemAgeCount {
  std::string state;
  std::string kind;
  int age_days = 0;
  long long count = 0;
};

struct StoreMetrics {
  std::vector<OpenItemAgeCount> open_items;  // only groups that have items
  // Sync runs the guard held that nobody has released or discarded yet.
  long long held_runs = 0;
  // finished_at of the newest recorded sync run, in seconds since the epoch; none when the
  // database has no run yet.
  std::optional<double> last_recorded_run = std::nullopt;
};

}  // namespace valtuus
