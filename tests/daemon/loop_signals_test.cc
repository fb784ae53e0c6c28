// The signal watcher: SIGTERM and SIGHUP sent to the process reach the flags, and the watcher
// ends at once when it goes (valtuusd --once used to wait out a 0.2 s slice on every exit).
#include "daemon/loop_signals.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>

namespace valtuus {
namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

template <typename Condition>
bool within(milliseconds limit, Condition condition) {
  const auto until = SteadyClock::now() + limit;
  while (!condition()) {
    if (SteadyClock::now() > until) return false;
    ::usleep(1000);
  }
  return true;
}

TEST(LoopSignals, ASighupAsksForOneReload) {
  LoopSignals signals;
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
  EXPECT_TRUE(within(milliseconds{2000}, [&] { return signals.reload_pending(); }));
  EXPECT_TRUE(signals.take_reload());
  EXPECT_FALSE(signals.take_reload());
  EXPECT_FALSE(signals.stop_requested());
}

TEST(LoopSignals, ASigtermStopsAndCutsAWaitShort) {
  LoopSignals signals;
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  const auto start = SteadyClock::now();
  signals.wait_for(milliseconds{10000}, false);
  EXPECT_LT(SteadyClock::now() - start, milliseconds{5000});
  EXPECT_TRUE(signals.stop_requested());
}

TEST(LoopSignals, GoesAtOnce) {
  // Each watcher used to sleep in slices of 0.2 s, and the end of the process waited for the
  // slice: ten, each given the time to start waiting, took two seconds.
  const auto start = SteadyClock::now();
  for (int i = 0; i < 10; ++i) {
    LoopSignals signals;
    ::usleep(20'000);
  }
  EXPECT_LT(SteadyClock::now() - start, milliseconds{1000});
}

}  // namespace
}  // namespace valtuus
