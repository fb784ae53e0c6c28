#include "daemon/loop_signals.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include "common/log.h"

namespace valtuus {

namespace {

sigset_t loop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

// systemd's TimeoutStopSec is 15 s and the issue promises 10 s: exit at 9 s whatever happens.
constexpr std::chrono::seconds kLastResort{9};

}  // namespace

LoopSignals::LoopSignals(std::chrono::milliseconds grace) : grace_(grace) {
  const sigset_t set = loop_signal_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (signal_fd_ < 0 || wake_fd_ < 0) {
    const std::string why = std::strerror(errno);
    if (signal_fd_ >= 0) ::close(signal_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    throw std::runtime_error("cannot watch the signals: " + why);
  }
  watcher_ = std::thread([this] { watch(); });
}

LoopSignals::~LoopSignals() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  changed_.notify_all();
  // Wakes the watcher now: waiting out its slice made every valtuusd --once 0.1 s slower on
  // average at exit.
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
  watcher_.join();
  ::close(signal_fd_);
  ::close(wake_fd_);
}

int LoopSignals::next_signal(int timeout_ms) {
  pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  if (::poll(fds, 2, timeout_ms) <= 0 || !(fds[0].revents & POLLIN)) return 0;
  signalfd_siginfo info{};
  if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return 0;
  return static_cast<int>(info.ssi_signo);
}

void LoopSignals::wait_for(std::chrono::milliseconds timeout, bool wake_on_reload) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout,
                    [&] { return stop_.load() || (wake_on_reload && reload_.load()); });
}

void LoopSignals::run_started(std::function<void()> cancel) {
  std::lock_guard lock(mutex_);
  cancel_ = std::move(cancel);
}

void LoopSignals::run_finished() {
  {
    std::lock_guard lock(mutex_);
    cancel_ = nullptr;
  }
  changed_.notify_all();
}

void LoopSignals::watch() {
  // Slices, for the last resort below; the destructor wakes the wait through wake_fd_.
  constexpr int kSliceMs = 200;
  bool cancelled = false;
  std::chrono::steady_clock::time_point stop_at{};
  while (!quit_) {
    // The last resort for a stop that nothing else ended in time (a connect, StartTLS or bind
    // stalled inside libldap): exit. Nothing is lost: a transaction not committed is rolled
    // back by PostgreSQL when the connection closes, and a committed one is whole.
    if (stop_ && std::chrono::steady_clock::now() - stop_at > kLastResort) {
      log_error("the stop did not complete in time; exiting now (nothing uncommitted is kept)");
      ::_exit(0);
    }
    const int signal = next_signal(kSliceMs);
    if (signal == SIGHUP) {
      reload_ = true;
      changed_.notify_all();
    } else if (signal == SIGTERM || signal == SIGINT) {
      if (!stop_.exchange(true)) {
        stop_at = std::chrono::steady_clock::now();
        log_info("stopping on signal; a run in flight is finished or rolled back");
      }
      changed_.notify_all();
    }
    if (!stop_ || cancelled) continue;
    // Stopping: give a run in flight `grace` to commit, then cancel its query.
    std::unique_lock lock(mutex_);
    if (!cancel_) continue;
    if (changed_.wait_for(lock, grace_, [this] { return !cancel_ || quit_.load(); })) continue;
    std::function<void()> cancel = cancel_;
    lock.unlock();
    cancelled = true;
    log_warning("the run in flight did not finish in time: cancelling it (it rolls back)");
    try {
      cancel();
    } catch (const std::exception& e) {
      log_warning(std::string("could not cancel the run in flight: ") + e.what());
    }
  }
}

}  // namespace valtuus
