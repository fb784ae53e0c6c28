// When the loop wakes next and whether the coming run reads the directory fully or only the
// changes since the last read. Pure: it reads no clock and draws no random numbers; the loop
// passes the time and a uniform draw in, so the unit tests need neither.
#pragma once

#include <chrono>
#include <optional>

namespace valtuus {

struct ScheduleOptions {
  std::chrono::seconds interval{900};
  int jitter_percent = 10;                         // 0..50
  std::chrono::seconds full_read_interval{86400};  // 0: every run reads fully
};

class Schedule {
 public:
  using Time = std::chrono::steady_clock::time_point;

  explicit Schedule(ScheduleOptions options) : options_(options) {}

  // The wait before the next run: interval * (1 + jitter * (2u - 1)) for a uniform draw u in
  // [0, 1), i.e. within interval ± jitter_percent. Never below 100 ms, whatever u is.
  std::chrono::milliseconds next_delay(double uniform) const;

  // Whether the run starting at `now` must read the whole directory: the first run, a run
  // after forget() (leadership regained, watermark from another server, incomplete read),
  // and every full_read_interval since the last full read.
  bool full_read_due(Time now) const;

  // A complete full read finished that began at `started`: incremental reads may follow.
  void full_read_done(Time started) { last_full_read_ = started; }

  // Whether the time of the last full read is known (after full_read_done since the last
  // forget). The loop otherwise takes it from the database's runs.
  bool knows_last_full_read() const { return last_full_read_.has_value(); }

  // The time of the last full read is no longer known: until full_read_done, every read is
  // full.
  void forget() { last_full_read_.reset(); }

 private:
  ScheduleOptions options_;
  std::optional<Time> last_full_read_;
};

}  // namespace valtuus
