// common/backoff: the delays it hands out, with a scripted random source.
#include "common/backoff.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/errors.h"

namespace valtuus {
namespace {

using std::chrono::milliseconds;

// Returns the given numbers in turn, then repeats the last.
Backoff::Uniform scripted(std::vector<double> values) {
  return [values, i = std::size_t{0}]() mutable {
    const double v = values[std::min(i, values.size() - 1)];
    ++i;
    return v;
  };
}

TEST(Backoff, WithoutJitterDoublesUpToTheCap) {
  Backoff b({.base = milliseconds(100), .cap = milliseconds(1000), .factor = 2.0, .jitter = 0.0},
            scripted({0.7}));
  std::vector<long> delays;
  for (int i = 0; i < 7; ++i) delays.push_back(b.next_delay().count());
  EXPECT_EQ(delays, (std::vector<long>{100, 200, 400, 800, 1000, 1000, 1000}));
  EXPECT_EQ(b.failures(), 7);
}

TEST(Backoff, JitterTakesARandomShareOffEachDelay) {
  // jitter 0.5: the delay lies in [d/2, d]; r = 0 gives d, r = 1 (almost) gives d/2.
  Backoff b({.base = milliseconds(1000), .cap = milliseconds(60000), .factor = 3.0, .jitter = 0.5},
            scripted({0.0, 0.5, 1.0}));
  EXPECT_EQ(b.next_delay(), milliseconds(1000));  // 1000 * (1 - 0.5 * 0)
  EXPECT_EQ(b.next_delay(), milliseconds(2250));  // 3000 * (1 - 0.5 * 0.5)
  EXPECT_EQ(b.next_delay(), milliseconds(4500));  // 9000 * (1 - 0.5 * 1)
}

TEST(Backoff, FullJitterCanWaitAlmostNothingButNeverNegative) {
  Backoff b({.base = milliseconds(100), .cap = milliseconds(800), .factor = 2.0, .jitter = 1.0},
            scripted({0.999999, 7.0, -3.0}));  // the last two misbehave: clamped to [0, 1]
  EXPECT_EQ(b.next_delay(), milliseconds(0));
  EXPECT_EQ(b.next_delay(), milliseconds(0));
  EXPECT_EQ(b.next_delay(), milliseconds(400));
}

TEST(Backoff, NeverExceedsTheCapEvenAfterVeryManyFailures) {
  Backoff b({.base = milliseconds(1), .cap = milliseconds(5000), .factor = 10.0, .jitter = 0.2},
            scripted({0.0}));
  milliseconds last{0};
  for (int i = 0; i < 2000; ++i) last = b.next_delay();  // 10^2000 overflows any integer
  EXPECT_EQ(last, milliseconds(5000));
}

TEST(Backoff, ResetStartsFromBaseAgain) {
  Backoff b({.base = milliseconds(50), .cap = milliseconds(1000), .factor = 2.0, .jitter = 0.0},
            scripted({0.0}));
  b.next_delay();
  b.next_delay();
  b.reset();
  EXPECT_EQ(b.failures(), 0);
  EXPECT_EQ(b.next_delay(), milliseconds(50));
}

TEST(Backoff, RefusesUnusablePolicies) {
  const auto make = [](BackoffPolicy p) { Backoff b(p, scripted({0.0})); };
  EXPECT_THROW(make({.base = milliseconds(0)}), ConfigError);
  EXPECT_THROW(make({.base = milliseconds(10), .cap = milliseconds(5)}), ConfigError);
  EXPECT_THROW(make({.factor = 0.5}), ConfigError);
  EXPECT_THROW(make({.jitter = 1.5}), ConfigError);
  EXPECT_THROW(make({.jitter = -0.1}), ConfigError);
  EXPECT_THROW(Backoff({}, Backoff::Uniform{}), ConfigError);
  EXPECT_NO_THROW(make({}));
}

TEST(Backoff, SystemUniformStaysInRange) {
  const auto uniform = system_uniform();
  for (int i = 0; i < 1000; ++i) {
    const double r = uniform();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
  }
}

}  // namespace
}  // namespace valtuus
