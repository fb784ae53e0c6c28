// The needs rule's parts (core/needs.h), and the moment as the reports print it.
#include <gtest/gtest.h>

#include "core/calendar.h"
#include "core/needs.h"

namespace valtuus {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

const sys_days kNeedsToday = sys_days{std::chrono::year{2026} / 12 / 6};

TEST(Needs, AnEndDateIsInForceThroughItsLastDay) {
  EXPECT_TRUE(in_force(std::nullopt, kNeedsToday));
  EXPECT_TRUE(in_force(kNeedsToday, kNeedsToday));
  EXPECT_TRUE(in_force(kNeedsToday + days(1), kNeedsToday));
  EXPECT_FALSE(in_force(kNeedsToday - days(1), kNeedsToday));
}

TEST(Needs, StandingsAsTheStoreWritesThem) {
  EXPECT_EQ(standing_of(EmployeeStatus::kActive), Standing::kActive);
  EXPECT_EQ(standing_of(EmployeeStatus::kLongLeave), Standing::kLongLeave);
  for (auto left :
       {EmployeeStatus::kLeftDisabled, EmployeeStatus::kLeftExpired, EmployeeStatus::kLeftOu})
    EXPECT_EQ(standing_of(left), Standing::kLeft);
  for (auto s : {Standing::kActive, Standing::kLongLeave, Standing::kLeft})
    EXPECT_EQ(standing_from_string(to_string(s)), s);
  EXPECT_FALSE(standing_from_string("Active"));
}

TEST(Needs, HeldVerdicts) {
  EXPECT_EQ(held_verdict(true, Standing::kActive), HeldVerdict::kNeeded);
  EXPECT_EQ(held_verdict(false, Standing::kActive), HeldVerdict::kNotRequired);
  EXPECT_EQ(held_verdict(false, Standing::kLongLeave), HeldVerdict::kKeptOnLongLeave);
  EXPECT_EQ(held_verdict(false, Standing::kLeft), HeldVerdict::kPersonLeft);
  EXPECT_EQ(held_verdict(false, std::nullopt), HeldVerdict::kPersonAbsent);
  EXPECT_FALSE(calls_for_revoke(HeldVerdict::kNeeded));
  EXPECT_FALSE(calls_for_revoke(HeldVerdict::kKeptOnLongLeave));
  EXPECT_TRUE(calls_for_revoke(HeldVerdict::kNotRequired));
  EXPECT_TRUE(calls_for_revoke(HeldVerdict::kPersonLeft));
  EXPECT_TRUE(calls_for_revoke(HeldVerdict::kPersonAbsent));
}

class RequirementsTest : public ::testing::Test {
 protected:
  RequirementsTest() {
    for (const char* id : {"kela", "te"}) {
      MandateIssue m;
      m.id = id;
      policy_.catalog.push_back(m);
    }
    AuthorisationMap map;
    map.id = "talous";
    map.match.department = {"Talous"};
    map.grants = {{"kela", "why", {"m.yaml", 3, 5}}};
    policy_.maps.push_back(map);
    person_.key = "k1";
    person_.department = " TALOUS";
    request_ = {7, "k1", "te", "order form", kNeedsToday};
    gone_ = {8, "k1", "dropped-theme", "order form", std::nullopt};
  }

  std::set<std::string> needed(Standing standing, sys_days today,
                               const std::vector<const ManualRequest*>& requests) {
    const CompiledPolicy compiled(policy_);
    return needed_themes(requirements_of(compiled, person_, standing, requests, today));
  }

  Policy policy_;
  Employee person_;
  ManualRequest request_, gone_;
};

TEST_F(RequirementsTest, MapsThenOrderFormsInForceForAnActivePerson) {
  const CompiledPolicy compiled(policy_);
  const PersonRequirements r =
      requirements_of(compiled, person_, Standing::kActive, {&request_, &gone_}, kNeedsToday);
  ASSERT_EQ(r.requirements.size(), 2u);  // the dropped theme requires nothing
  EXPECT_EQ(r.requirements[0].mandate->id, "kela");
  EXPECT_EQ(r.requirements[0].match->map->map().id, "talous");
  EXPECT_EQ(r.requirements[1].mandate->id, "te");
  EXPECT_EQ(r.requirements[1].request, &request_);
  // The order form ended yesterday: only the map's theme.
  EXPECT_EQ(needed(Standing::kActive, kNeedsToday + days(1), {&request_}),
            (std::set<std::string>{"kela"}));
}

// A compiled policy resolves its maps' themes once, in the catalog of the policy it compiled:
// its own, one whose catalog lost the map's theme, one copied (another catalog in memory).
TEST_F(RequirementsTest, AMapsThemeIsTheCatalogsOfThePolicyCompiled) {
  const CompiledPolicy compiled(policy_);
  const PersonRequirements own =
      requirements_of(compiled, person_, Standing::kActive, {}, kNeedsToday);
  ASSERT_EQ(own.requirements.size(), 1u);
  EXPECT_EQ(own.requirements[0].mandate, &policy_.catalog[0]);
  Policy without = policy_;
  without.catalog.erase(without.catalog.begin());  // "kela" gone
  const CompiledPolicy compiled_without(without);
  EXPECT_TRUE(requirements_of(compiled_without, person_, Standing::kActive, {}, kNeedsToday)
                  .requirements.empty());
  const Policy copy = policy_;
  const CompiledPolicy compiled_copy(copy);
  const PersonRequirements other =
      requirements_of(compiled_copy, person_, Standing::kActive, {}, kNeedsToday);
  ASSERT_EQ(other.requirements.size(), 1u);
  EXPECT_EQ(other.requirements[0].mandate, &copy.catalog[0]);
}

TEST_F(RequirementsTest, LeaversAndPeopleOnLongLeaveNeedNothing) {
  EXPECT_TRUE(needed(Standing::kLeft, kNeedsToday, {&request_}).empty());
  EXPECT_TRUE(needed(Standing::kLongLeave, kNeedsToday, {&request_}).empty());
}

TEST(Calendar, PrintsAMomentInUtcToTheSecond) {
  EXPECT_EQ(format_iso_utc(std::chrono::sys_seconds{kNeedsToday} + std::chrono::seconds(3723)),
            "2026-12-06T01:02:03Z");
}

}  // namespace
}  // namespace valtuus
