// Which steps a person takes by hand in Suomi.fi to execute one change item, in order. The
// choice lives here once; valtuusctl show (cli/item_card) words the steps in English with its
// commands, and the web console's item page words them in the person's language with its
// buttons. Pure.
#pragma once

#include <string>
#include <vector>

namespace valtuus {

enum class ExecutionStep {
  kApplyToDvv,         // org_apply: apply to DVV for the right to grant the theme
  kRecordApplied,      // org_apply: record that the application was sent
  kRecordOrgDone,      // org_apply: record DVV's decision; waiting grants become executable
  kWaitForOrgApply,    // path 2: nothing can be done until the organisation holds the right
  kSignIn,             // sign in to valtuudet.suomi.fi for the organisation
  kFindGiven,          // revoke: find the mandate among the organisation's given mandates
  kInvalidate,         // revoke: invalidate it
  kRenewIsNewGrant,    // renew: a mandate cannot be extended; give a new one
  kGive,               // give a mandate to the person
  kChooseThemeAndEnd,  // choose the theme and set the end date
  kConfirm,            // confirm with strong identification
  kRecordDone,         // record that it was done
};

struct ExecutionFacts {
  std::string kind;  // grant, org_apply, revoke, renew
  bool waits_for_org_apply = false;
  bool organisation_obtained = false;
};

std::vector<ExecutionStep> execution_steps(const ExecutionFacts& facts);

}  // namespace valtuus
