#include "core/execution_steps.h"

namespace valtuus {

std::vector<ExecutionStep> execution_steps(const ExecutionFacts& facts) {
  using S = ExecutionStep;
  if (facts.kind == "org_apply") return {S::kApplyToDvv, S::kRecordApplied, S::kRecordOrgDone};
  std::vector<ExecutionStep> steps;
  if (facts.waits_for_org_apply && !facts.organisation_obtained) {
    steps.push_back(S::kWaitForOrgApply);
  }
  steps.push_back(S::kSignIn);
  if (facts.kind == "revoke") {
    steps.insert(steps.end(), {S::kFindGiven, S::kInvalidate});
  } else {
    if (facts.kind == "renew") steps.push_back(S::kRenewIsNewGrant);
    steps.insert(steps.end(), {S::kGive, S::kChooseThemeAndEnd, S::kConfirm});
  }
  steps.push_back(S::kRecordDone);
  return steps;
}

}  // namespace valtuus
