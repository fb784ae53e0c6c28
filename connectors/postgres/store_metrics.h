// What the metrics file reports from the database (metrics_queries.h reads it): open change
// items by state, kind and age, sync runs held for a person, and the time of the last recorded
// run. Plain values, free of libpqxx.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

// The states in which an item still waits for a person: reported even when none is in them.
inline constexpr std::array<std::string_view, 4> kOpenItemStates = {"proposed", "approved",
                                                                    "applied", "held"};

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
