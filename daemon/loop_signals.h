// The signals the daemon's loop obeys: SIGTERM and SIGINT stop it, SIGHUP asks for a reload.
// They are blocked in every thread and taken by one watcher thread through a signalfd, so no
// handler ever runs in the middle of libpq or libldap. The loop polls the flags at safe points
// and sleeps through wait_for(), which a signal cuts short.
//
// A stop during a run: the run is one database transaction, so it either commits whole or not
// at all. The watcher lets it finish for `grace`; if it has not finished by then (a slow
// query, or a wait for the sync lock) it cancels the query in flight through `cancel`, the
// transaction rolls back and the loop exits. So SIGTERM ends the process within grace plus the
// time a cancel takes, well inside systemd's 10 s. A directory read in flight does not wait
// for the grace: the connector asks stop_requested() while it reads and waits, and ends the
// read (Cancelled) within about a second. A connect, StartTLS or bind stalled inside libldap
// cannot be interrupted, so 9 s after the signal the watcher exits the process: PostgreSQL rolls
// back whatever was not committed when the connection closes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace valtuus {

class LoopSignals {
 public:
  // Blocks SIGTERM, SIGINT and SIGHUP in the calling thread, which must be the only thread
  // (threads started later inherit the mask), and starts the watcher.
  explicit LoopSignals(std::chrono::milliseconds grace = std::chrono::seconds{4});
  ~LoopSignals();
  LoopSignals(const LoopSignals&) = delete;
  LoopSignals& operator=(const LoopSignals&) = delete;

  bool stop_requested() const { return stop_.load(); }
  // True once for each SIGHUP received (several before a look count as one).
  bool take_reload() { return reload_.exchange(false); }
  bool reload_pending() const { return reload_.load(); }

  // Sleeps up to `timeout`; returns at once when a stop (or, with `wake_on_reload`, a reload)
  // is or becomes pending.
  void wait_for(std::chrono::milliseconds timeout, bool wake_on_reload = true);

  // A run's transaction is in flight; `cancel` (called from the watcher thread, so it must use
  // its own connection) aborts it. run_finished() when the run is over, however it ended.
  void run_started(std::function<void()> cancel);
  void run_finished();

 private:
  void watch();
  // The next signal of the set (0 when none came within `timeout_ms` or the watcher was woken).
  int next_signal(int timeout_ms);

  std::chrono::milliseconds grace_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> reload_{false};
  std::atomic<bool> quit_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> cancel_;  // under mutex_; empty when no run is in flight
  int signal_fd_ = -1;            // the set's signals, read by the watcher
  int wake_fd_ = -1;  // an eventfd the destructor writes so that the watcher ends at once
  std::thread watcher_;
};

}  // namespace valtuus
