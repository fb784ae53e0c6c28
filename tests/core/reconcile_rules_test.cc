// The organisation's rules: long leave, leavers' OU, grace periods, renewals, rejected items,
// order forms, the right to grant, and what an incomplete read may not do.
#include <gtest/gtest.h>

#include "core/reconcile.h"
#include "tests/core/reconcile_fixture.h"

namespace valtuus {
namespace {

class ReconcileRulesTest : public ReconcileTest {};

TEST_F(ReconcileRulesTest, DisabledOnLongLeaveKeepsMandatesButGetsNothingNew) {
  Employee on_leave = person("p", "Elinkeinoasiat", "Omavalmentaja");
  on_leave.disabled = true;
  on_leave.long_leave_marker = "Pitkä vapaa";
  rules.long_leave_values = {"PITKÄ VAPAA"};
  snapshot.employees = {on_leave};
  ledger = {{"p", "kela-etuustiedot", std::nullopt}};
  Plan plan = run();
  EXPECT_EQ(employee_status(on_leave, rules, kNow), EmployeeStatus::kLongLeave);
  EXPECT_TRUE(plan.add.empty()) << describe(plan.add.front());
  EXPECT_EQ(plan.stats.on_long_leave, 1);
  EXPECT_TRUE(plan.leavers.empty());
  // An unrelated marker value does not protect a disabled account.
  snapshot.employees[0].long_leave_marker = "something else";
  EXPECT_NE(find(run(), ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRulesTest, LongLeaveOuProtectsButExpiryAndLeaversOuStillMakeLeavers) {
  rules.long_leave_ous = {"OU=Vapaalla,DC=kunta,DC=example"};
  rules.leavers_ous = {"ou=Lähteneet,dc=KUNTA,dc=example"};
  Employee e = person("p", "Elinkeinoasiat", "Omavalmentaja");
  e.disabled = true;
  e.dn = "CN=p,OU=VAPAALLA,DC=kunta,DC=example";
  EXPECT_EQ(employee_status(e, rules, kNow), EmployeeStatus::kLongLeave);
  e.account_expires = kNow - days(1);
  EXPECT_EQ(employee_status(e, rules, kNow), EmployeeStatus::kLeftExpired);
  Employee moved_out = person("q", "Elinkeinoasiat", "Omavalmentaja");
  moved_out.dn = "CN=q,OU=2026,OU=LÄHTENEET,DC=kunta,DC=example";
  moved_out.long_leave_marker = "pitkä vapaa";
  EXPECT_EQ(employee_status(moved_out, rules, kNow), EmployeeStatus::kLeftOu);
  snapshot.employees = {moved_out};
  ledger = {{"q", "te-tyonhakija", std::nullopt}};
  const Plan plan = run();
  const ProposedItem* revoke = find(plan, ChangeKind::kRevoke, "q", "te-tyonhakija");
  ASSERT_NE(revoke, nullptr);
  EXPECT_NE(revoke->reason.find("leavers' OU"), std::string::npos);
}

TEST_F(ReconcileRulesTest, LeaversOuIsMatchedByPositionNotByName) {
  rules.leavers_ous = {"OU=Leavers,DC=kunta,DC=example"};
  Employee e = person("p", "Elinkeinoasiat", "Omavalmentaja");
  // An OU named Leavers elsewhere in the tree is another OU.
  e.dn = "CN=p,OU=Leavers,OU=Projektit,DC=kunta,DC=example";
  e.ou = "Leavers";
  EXPECT_EQ(employee_status(e, rules, kNow), EmployeeStatus::kActive);
  // Written with escapes and in another case, the configured OU still matches.
  e.dn = "CN=Virtanen\\, Matti,OU=leavers,DC=Kunta,DC=EXAMPLE";
  EXPECT_EQ(employee_status(e, rules, kNow), EmployeeStatus::kLeftOu);
  rules.leavers_ous = {"OU=Sote\\2C vanhat,DC=x"};
  e.dn = "CN=p,OU=SOTE\\, Vanhat,DC=x";
  EXPECT_EQ(employee_status(e, rules, kNow), EmployeeStatus::kLeftOu);
}

TEST_F(ReconcileRulesTest, LeaverRevocationWaitsForTheGracePeriod) {
  rules.leaver_grace = days(7);
  Employee e = person("p", "Elinkeinoasiat", "Omavalmentaja");
  e.disabled = true;
  snapshot.employees = {e};
  ledger = {{"p", "kela-etuustiedot", std::nullopt}};
  // Left just now (not yet stored as left): the grace period starts now.
  state.history["p"] = {std::nullopt, kNow - days(100), "Elinkeinoasiat", "Omavalmentaja", ""};
  Plan plan = run();
  EXPECT_EQ(plan.stats.revokes, 0);
  EXPECT_EQ(plan.stats.revokes_in_grace, 1);
  state.history["p"].left_at = kNow - days(6);
  EXPECT_EQ(run().stats.revokes, 0);
  state.history["p"].left_at = kNow - days(7);
  EXPECT_NE(find(run(), ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRulesTest, SomeoneNeverSeenIsRevokedWithoutGrace) {
  rules.leaver_grace = days(30);
  ledger = {{"imported-leaver", "kela-etuustiedot", std::nullopt}};
  EXPECT_NE(find(run(), ChangeKind::kRevoke, "imported-leaver", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRulesTest, MoverRevocationWaitsFromTheRoleChange) {
  rules.mover_grace = days(14);
  snapshot.employees = {person("m", "Talouspalvelut", "Controller")};
  ledger = {{"m", "kela-etuustiedot", std::nullopt}};
  // The stored values still say Elinkeinoasiat: the move is seen in this read.
  state.history["m"] = {std::nullopt, kNow - days(400), "Elinkeinoasiat", "Yritysneuvoja", ""};
  Plan plan = run();
  EXPECT_EQ(plan.stats.revokes_in_grace, 1);
  EXPECT_EQ(plan.role_changed, (std::vector<std::string>{"m"}));
  state.history["m"] = {std::nullopt, kNow - days(13), "Talouspalvelut", "Controller", ""};
  EXPECT_EQ(run().stats.revokes, 0);
  state.history["m"].role_changed_at = kNow - days(15);
  EXPECT_NE(find(run(), ChangeKind::kRevoke, "m", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRulesTest, GrantNearItsEndDateIsRenewedOnlyWhileStillRequired) {
  policy.catalog[0].renewal_notice_days = 30;
  snapshot.employees = {person("a", "Elinkeinoasiat", "Yritysneuvoja")};
  ledger = {{"a", "kela-etuustiedot", sys_days{std::chrono::year{2026} / 12 / 31}}};
  EXPECT_TRUE(run().empty());  // 37 days left: outside the notice period
  ledger[0].valid_until = sys_days{std::chrono::year{2026} / 12 / 20};
  Plan plan = run();
  const ProposedItem* renew = find(plan, ChangeKind::kRenew, "a", "kela-etuustiedot");
  ASSERT_NE(renew, nullptr);
  EXPECT_NE(renew->reason.find("2026-12-20"), std::string::npos);
  EXPECT_EQ(renew->provenance.map_id, "elinkeinoasiat");
  EXPECT_EQ(plan.stats.renews, 1);
  snapshot.employees[0].department = "Talouspalvelut";  // no longer required: revoke, not renew
  plan = run();
  EXPECT_EQ(find(plan, ChangeKind::kRenew, "a", "kela-etuustiedot"), nullptr);
  EXPECT_NE(find(plan, ChangeKind::kRevoke, "a", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRulesTest, RejectedChangeIsNotProposedAgainUntilValuesChangeOrItExpires) {
  policy.maps[1].match.title.push_back("Työnhakijan omavalmentaja");
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja")};
  const ProposedItem rejected = *find(run(), ChangeKind::kGrant, "a", "te-tyonhakija");
  state.exceptions = {
      {ChangeKind::kGrant, "a", "te-tyonhakija", rejected.fingerprint, kNow + days(90)}};
  Plan plan = run();
  EXPECT_EQ(find(plan, ChangeKind::kGrant, "a", "te-tyonhakija"), nullptr);
  EXPECT_NE(find(plan, ChangeKind::kGrant, "a", "kela-etuustiedot"), nullptr);  // others stay
  EXPECT_EQ(plan.stats.suppressed, 1);
  state.exceptions[0].until = kNow;  // expired
  EXPECT_NE(find(run(), ChangeKind::kGrant, "a", "te-tyonhakija"), nullptr);
  state.exceptions[0].until = std::nullopt;  // until the values change
  EXPECT_EQ(find(run(), ChangeKind::kGrant, "a", "te-tyonhakija"), nullptr);
  snapshot.employees[0].title = "Työnhakijan omavalmentaja";
  EXPECT_NE(find(run(), ChangeKind::kGrant, "a", "te-tyonhakija"), nullptr);
}

TEST_F(ReconcileRulesTest, ApprovedOrderFormCountsAsRequiredUntilItsEndDate) {
  snapshot.employees = {person("c", "Talouspalvelut", "Controller")};
  state.requests = {{41, "c", "te-tyonhakija", "Covers for the coach during her leave",
                     sys_days{std::chrono::year{2027} / 3 / 31}}};
  Plan plan = run();
  const ProposedItem* grant = find(plan, ChangeKind::kGrant, "c", "te-tyonhakija");
  ASSERT_NE(grant, nullptr);
  EXPECT_EQ(grant->reason, "Covers for the coach during her leave");
  EXPECT_EQ(grant->provenance.map_id, "request:41");
  // Held and still requested: nothing to do. After the end date: revoke.
  ledger = {{"c", "te-tyonhakija", std::nullopt}};
  EXPECT_TRUE(run().empty());
  state.requests[0].until = sys_days{std::chrono::year{2026} / 11 / 23};
  EXPECT_NE(find(run(), ChangeKind::kRevoke, "c", "te-tyonhakija"), nullptr);
}

TEST_F(ReconcileRulesTest, RightToGrantFromPathTwoOrExpiredDecidesThePath) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja")};
  state.organisation_rights = {"okm-avustukset"};  // DVV granted it: path 1 now
  Plan plan = run();
  EXPECT_EQ(plan.stats.org_applies, 0);
  EXPECT_FALSE(find(plan, ChangeKind::kGrant, "a", "okm-avustukset")->waits_for_org_apply);
  state.organisation_rights.clear();
  policy.catalog[0].grant_right.until = sys_days{std::chrono::year{2026} / 11 / 1};  // lapsed
  plan = run();
  EXPECT_TRUE(find(plan, ChangeKind::kGrant, "a", "kela-etuustiedot")->waits_for_org_apply);
  EXPECT_NE(find(plan, ChangeKind::kOrgApply, "", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRulesTest, IncompleteReadKeepsItemsOfPeopleItDidNotRead) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja"),
                        person("b", "Elinkeinoasiat", "Omavalmentaja")};
  ledger = {{"gone", "kela-etuustiedot", std::nullopt}};
  store(run());  // grants for a and b, org_apply, revoke for gone
  const std::size_t open_before = open_items.size();
  snapshot.employees.pop_back();  // b not read this time
  snapshot.complete = false;
  Plan plan = run();
  EXPECT_TRUE(plan.supersede.empty()) << plan.supersede.size() << " of " << open_before;
  EXPECT_TRUE(plan.add.empty());
}

}  // namespace
}  // namespace valtuus
