// A refused value is not absence (invariant 9): a person whose entry or deciding value the
// connector refused is treated like a person not read, in a complete read too.
#include <gtest/gtest.h>

#include "core/reconcile.h"
#include "tests/core/reconcile_fixture.h"

namespace valtuus {
namespace {

class ReconcileRefusedTest : public ReconcileTest {
 protected:
  void SetUp() override {
    ReconcileTest::SetUp();
    ledger = {{"p", "kela-etuustiedot", std::nullopt}};
    state.history["p"] = {std::nullopt,
                          kNow - days(100),
                          "Elinkeinoasiat",
                          "Omavalmentaja",
                          "",
                          "CN=Pia,OU=People,DC=kunta,DC=example",
                          "pia"};
  }

  static RefusedValue refused(std::string key, std::string field, std::string dn = "",
                              std::string account = "") {
    return {dn.empty() ? "CN=Pia,OU=People,DC=kunta,DC=example" : dn, std::move(key),
            std::move(account), std::move(field), field + ": contains a control character"};
  }
};

TEST_F(ReconcileRefusedTest, ARefusedAccountIsNotALeaver) {
  // The entry was skipped (its account refused), so the complete read does not contain p.
  snapshot.refused = {refused("p", "account")};
  const Plan plan = run();
  EXPECT_EQ(find(plan, ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr);
  EXPECT_EQ(plan.refused, std::vector<std::string>{"p"});
  EXPECT_EQ(plan.stats.refused_people, 1);
  // Without the refusal the same read makes p a leaver: the test above can fail.
  snapshot.refused.clear();
  EXPECT_NE(find(run(), ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRefusedTest, ARefusedDepartmentIsNotAMove) {
  // The connector blanked the department; matching it as empty would make p a mover.
  snapshot.employees = {person("p", "", "Omavalmentaja")};
  snapshot.employees[0].dn = "CN=Pia,OU=People,DC=kunta,DC=example";
  snapshot.refused = {refused("p", "department")};
  const Plan plan = run();
  EXPECT_TRUE(plan.add.empty()) << describe(plan.add.front());
  EXPECT_TRUE(plan.role_changed.empty());
  EXPECT_TRUE(plan.leavers.empty());
  EXPECT_EQ(plan.refused, std::vector<std::string>{"p"});
  snapshot.refused.clear();
  const Plan moved = run();
  EXPECT_NE(find(moved, ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr);
  EXPECT_EQ(moved.role_changed, std::vector<std::string>{"p"});
}

TEST_F(ReconcileRefusedTest, EveryDecidingFieldProtectsAndOthersDoNot) {
  Employee p = person("p", "Talouspalvelut", "Controller");  // a real move
  p.dn = "CN=Pia,OU=People,DC=kunta,DC=example";
  snapshot.employees = {p};
  for (const char* field : {"title", "groups", "ou", "account_flags", "account_expires",
                            "long_leave", "key", "account", "department"}) {
    snapshot.refused = {refused("p", field)};
    EXPECT_EQ(find(run(), ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr) << field;
  }
  // A refused mail, name or identity code decides nothing: the move is still a move.
  for (const char* field : {"mail", "display_name", "identity_code", "manager"}) {
    snapshot.refused = {refused("p", field)};
    EXPECT_NE(find(run(), ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr) << field;
  }
}

TEST_F(ReconcileRefusedTest, OpenItemsOfARefusedPersonStay) {
  open_items = {{11, ChangeKind::kGrant, ItemState::kProposed, "p", "te-tyonhakija", "f1"},
                {12, ChangeKind::kRevoke, ItemState::kApproved, "p", "kela-etuustiedot", "f2"}};
  snapshot.refused = {refused("p", "title")};
  const Plan plan = run();
  EXPECT_TRUE(plan.supersede.empty());
  EXPECT_TRUE(plan.add.empty());
}

TEST_F(ReconcileRefusedTest, WithoutAKeyTheDnThenTheAccountSaysWhoItIs) {
  // The key attribute itself was refused: the stored DN (in another case) names the person.
  snapshot.refused = {refused("", "key", "cn=pia,ou=PEOPLE,dc=kunta,dc=example")};
  EXPECT_EQ(run().refused, std::vector<std::string>{"p"});
  // A DN never stored (the entry was moved), but the account is known.
  snapshot.refused = {refused("", "key", "CN=Pia,OU=Other,DC=kunta,DC=example", "PIA")};
  EXPECT_EQ(run().refused, std::vector<std::string>{"p"});
  // Nobody known: nobody protected, and p (not read) is a leaver.
  snapshot.refused = {refused("", "key", "CN=Someone,DC=x", "someone")};
  const Plan plan = run();
  EXPECT_TRUE(plan.refused.empty());
  EXPECT_NE(find(plan, ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileRefusedTest, OthersAreStillJudged) {
  ledger.push_back({"q", "kela-etuustiedot", std::nullopt});
  snapshot.refused = {refused("p", "account")};
  const Plan plan = run();
  EXPECT_EQ(find(plan, ChangeKind::kRevoke, "p", "kela-etuustiedot"), nullptr);
  EXPECT_NE(find(plan, ChangeKind::kRevoke, "q", "kela-etuustiedot"), nullptr);
}

TEST(RefusedValues, CountsEntriesNotFields) {
  const std::vector<RefusedValue> refused = {{"CN=a,DC=x", "a", "", "title", "r"},
                                             {"cn=A,dc=X", "a", "", "department", "r"},
                                             {"CN=b,DC=x", "", "", "key", "r"}};
  EXPECT_EQ(refused_entry_count(refused), 2u);
  EXPECT_EQ(refused_entry_count({}), 0u);
}

}  // namespace
}  // namespace valtuus
