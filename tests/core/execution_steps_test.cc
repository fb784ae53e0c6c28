#include "core/execution_steps.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

using S = ExecutionStep;

TEST(ExecutionSteps, AGrantIsGivenWithAnEndDateAndRecorded) {
  EXPECT_EQ(
      execution_steps({"grant", false, false}),
      (std::vector<S>{S::kSignIn, S::kGive, S::kChooseThemeAndEnd, S::kConfirm, S::kRecordDone}));
}

TEST(ExecutionSteps, ARenewalIsANewGrant) {
  EXPECT_EQ(execution_steps({"renew", false, false}),
            (std::vector<S>{S::kSignIn, S::kRenewIsNewGrant, S::kGive, S::kChooseThemeAndEnd,
                            S::kConfirm, S::kRecordDone}));
}

TEST(ExecutionSteps, ARevokeFindsAndInvalidates) {
  EXPECT_EQ(execution_steps({"revoke", false, false}),
            (std::vector<S>{S::kSignIn, S::kFindGiven, S::kInvalidate, S::kRecordDone}));
}

TEST(ExecutionSteps, Path2WaitsUntilTheOrganisationHoldsTheRight) {
  EXPECT_EQ(execution_steps({"grant", true, false}).front(), S::kWaitForOrgApply);
  EXPECT_EQ(execution_steps({"grant", true, true}).front(), S::kSignIn);
  EXPECT_EQ(execution_steps({"org_apply", false, false}),
            (std::vector<S>{S::kApplyToDvv, S::kRecordApplied, S::kRecordOrgDone}));
}

}  // namespace
}  // namespace valtuus
