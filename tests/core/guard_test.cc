#include "core/guard.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

Plan plan_with(int revokes, int grants = 0, int supersedes = 0) {
  Plan plan;
  for (int i = 0; i < revokes; ++i) {
    ProposedItem item;
    item.kind = ChangeKind::kRevoke;
    item.employee_key = "e" + std::to_string(i);
    item.mandate = "kela-etuustiedot";
    plan.add.push_back(item);
  }
  for (int i = 0; i < grants; ++i) {
    ProposedItem item;
    item.kind = ChangeKind::kGrant;
    item.employee_key = "g" + std::to_string(i);
    item.mandate = "te-tyonhakija";
    plan.add.push_back(item);
  }
  for (int i = 0; i < supersedes; ++i) plan.supersede.push_back(100 + i);
  return plan;
}

GuardVerdict check(const Plan& plan, long long ledger, const GuardOptions& options = {},
                   bool complete = true, const std::string& why = "") {
  return check_guard({plan, ledger, complete, why}, options);
}

TEST(Guard, DefaultsAreOn) {
  const GuardOptions defaults;
  EXPECT_TRUE(defaults.enabled);
  EXPECT_TRUE(defaults.hold_incomplete);
  EXPECT_EQ(defaults.max_revokes, 50);
  EXPECT_EQ(defaults.max_revoke_percent, 10);
  EXPECT_EQ(defaults.min_revokes_for_percent, 10);
}

TEST(Guard, ARunAtTheCountLimitPassesAndOneMoreIsHeldWithTheFigures) {
  GuardOptions options;
  options.max_revoke_percent = 100;  // only the count matters here
  EXPECT_FALSE(check(plan_with(50), 1000, options).held);
  const GuardVerdict verdict = check(plan_with(51), 1000, options);
  EXPECT_TRUE(verdict.held);
  EXPECT_EQ(verdict.reason, "51 revocations exceed guard.max_revokes=50");
}

TEST(Guard, GrantsDoNotCountAsRevocations) {
  EXPECT_FALSE(check(plan_with(0, 500), 0).held);
}

TEST(Guard, AShareOverTheLimitIsHeldAndTheReasonSaysTheShare) {
  // 10 of 80 grants is 12.5%: over 10%, under the count limit.
  const GuardVerdict verdict = check(plan_with(10), 80);
  EXPECT_TRUE(verdict.held);
  EXPECT_EQ(verdict.reason,
            "10 revocations are 12.5% of 80 grants in the ledger, over "
            "guard.max_revoke_percent=10");
  // Exactly 10% is allowed.
  EXPECT_FALSE(check(plan_with(10), 100).held);
}

TEST(Guard, OneLeaverInASmallLedgerIsNotHeldByTheShare) {
  // 6 of 20 grants is 30%, but below guard.min_revokes_for_percent.
  EXPECT_FALSE(check(plan_with(6), 20).held);
  GuardOptions strict;
  strict.min_revokes_for_percent = 0;
  EXPECT_TRUE(check(plan_with(6), 20, strict).held);
}

TEST(Guard, AnEmptiedDirectoryExceedsBothLimits) {
  const GuardVerdict verdict = check(plan_with(412), 412);
  EXPECT_TRUE(verdict.held);
  EXPECT_EQ(verdict.reason,
            "412 revocations exceed guard.max_revokes=50; 412 revocations are 100.0% of 412 "
            "grants in the ledger, over guard.max_revoke_percent=10");
}

TEST(Guard, RevocationsAgainstAnEmptyLedgerCountAsAllOfIt) {
  const GuardVerdict verdict = check(plan_with(10), 0);
  EXPECT_TRUE(verdict.held);
  EXPECT_NE(verdict.reason.find("100.0% of 0 grants"), std::string::npos) << verdict.reason;
}

TEST(Guard, ZeroMaxRevokesHoldsAnyRevocation) {
  GuardOptions options;
  options.max_revokes = 0;
  EXPECT_TRUE(check(plan_with(1), 1000, options).held);
  EXPECT_FALSE(check(plan_with(0, 3), 1000, options).held);
}

TEST(Guard, AnIncompleteReadThatSupersedesIsHeldNamingTheReadsProblem) {
  const GuardVerdict verdict = check(plan_with(0, 2, 3), 100, {}, false, "connection dropped");
  EXPECT_TRUE(verdict.held);
  EXPECT_EQ(verdict.reason,
            "the directory read was incomplete (connection dropped) and the run has 0 "
            "revocations and 3 supersedes (guard.hold_incomplete)");
}

TEST(Guard, AnyIncompleteReadIsHeldEvenWithoutRevocations) {
  EXPECT_TRUE(check(plan_with(0, 4), 100, {}, false, "size limit").held);
  const GuardVerdict empty = check(plan_with(0, 0), 100, {}, false, "zero entries");
  EXPECT_TRUE(empty.held);
  EXPECT_NE(empty.reason.find("incomplete (zero entries)"), std::string::npos) << empty.reason;
  EXPECT_FALSE(check(plan_with(0, 4), 100, {}, true, "").held);  // complete: nothing to hold
}

TEST(Guard, HoldIncompleteOffLetsAnIncompleteRunThrough) {
  GuardOptions options;
  options.hold_incomplete = false;
  EXPECT_FALSE(check(plan_with(0, 0, 3), 100, options, false, "timeout").held);
}

TEST(Guard, DisabledHoldsNothing) {
  GuardOptions options;
  options.enabled = false;
  EXPECT_FALSE(check(plan_with(5000), 10, options, false, "timeout").held);
  EXPECT_EQ(check(plan_with(5000), 10, options).reason, "");
}

}  // namespace
}  // namespace valtuus

namespace valtuus {
namespace {

TEST(GuardRefused, MoreRefusedEntriesThanTheLimitAreHeldWithTheFigures) {
  const Plan plan;
  GuardOptions options;
  EXPECT_EQ(options.max_refused, 10);
  options.max_refused = 3;
  EXPECT_FALSE(check_guard({plan, 100, true, "", 3}, options).held);
  const GuardVerdict verdict = check_guard({plan, 100, true, "", 4}, options);
  EXPECT_TRUE(verdict.held);
  EXPECT_NE(verdict.reason.find("4 directory entries were refused"), std::string::npos)
      << verdict.reason;
  EXPECT_NE(verdict.reason.find("guard.max_refused=3"), std::string::npos) << verdict.reason;
  options.enabled = false;
  EXPECT_FALSE(check_guard({plan, 100, true, "", 4}, options).held);
}

}  // namespace
}  // namespace valtuus
