// The loop's schedule: the jittered wait and the choice between full and incremental reads.
#include "daemon/schedule.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Schedule::Time at(std::chrono::seconds since_start) {
  return Schedule::Time{} + hours(1000) + since_start;
}

TEST(ScheduleTest, DelayStaysWithinTheJitterAroundTheInterval) {
  Schedule schedule({seconds(100), 10, hours(24)});
  EXPECT_EQ(schedule.next_delay(0.0), milliseconds(90'000));
  EXPECT_EQ(schedule.next_delay(0.5), milliseconds(100'000));
  EXPECT_EQ(schedule.next_delay(0.999999), milliseconds(110'000));
}

TEST(ScheduleTest, ZeroJitterGivesTheIntervalWhateverTheDraw) {
  Schedule schedule({seconds(60), 0, hours(24)});
  EXPECT_EQ(schedule.next_delay(0.0), milliseconds(60'000));
  EXPECT_EQ(schedule.next_delay(0.9), milliseconds(60'000));
}

TEST(ScheduleTest, ABadDrawOrJitterCannotLeaveTheBounds) {
  Schedule wild({seconds(100), 500, hours(24)});  // jitter is capped at 50 %
  EXPECT_EQ(wild.next_delay(0.0), milliseconds(50'000));
  Schedule schedule({seconds(100), 10, hours(24)});
  EXPECT_EQ(schedule.next_delay(-3.0), milliseconds(90'000));
  EXPECT_EQ(schedule.next_delay(7.0), milliseconds(110'000));
}

TEST(ScheduleTest, NeverWaitsLessThanATenthOfASecond) {
  Schedule schedule({seconds(0), 50, hours(24)});
  EXPECT_EQ(schedule.next_delay(0.0), milliseconds(100));
}

TEST(ScheduleTest, FirstRunReadsFullyThenIncrementallyUntilTheFullReadInterval) {
  Schedule schedule({minutes(15), 10, hours(24)});
  EXPECT_TRUE(schedule.full_read_due(at(seconds(0))));
  schedule.full_read_done(at(seconds(0)));
  EXPECT_FALSE(schedule.full_read_due(at(minutes(15))));
  EXPECT_FALSE(schedule.full_read_due(at(hours(24) - seconds(1))));
  EXPECT_TRUE(schedule.full_read_due(at(hours(24))));
  schedule.full_read_done(at(hours(24)));
  EXPECT_FALSE(schedule.full_read_due(at(hours(24) + minutes(15))));
}

TEST(ScheduleTest, ForgettingTheWatermarkForcesAFullRead) {
  Schedule schedule({minutes(15), 10, hours(24)});
  schedule.full_read_done(at(seconds(0)));
  ASSERT_FALSE(schedule.full_read_due(at(minutes(15))));
  schedule.forget();
  EXPECT_TRUE(schedule.full_read_due(at(minutes(15))));
}

TEST(ScheduleTest, ZeroFullReadIntervalReadsFullyEveryRun) {
  Schedule schedule({minutes(15), 10, seconds(0)});
  schedule.full_read_done(at(seconds(0)));
  EXPECT_TRUE(schedule.full_read_due(at(seconds(1))));
}

}  // namespace
}  // namespace valtuus
