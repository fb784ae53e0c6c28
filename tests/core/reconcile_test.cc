#include "core/reconcile.h"

#include "tests/core/reconcile_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace valtuus {
namespace {

TEST_F(ReconcileTest, ProposesGrantsWithProvenance) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja"),
                        person("b", "ELINKEINOASIAT ", "Yritysneuvoja"),
                        person("c", "Talouspalvelut", "Controller")};
  Plan plan = run();
  const ProposedItem* kela = find(plan, ChangeKind::kGrant, "a", "kela-etuustiedot");
  ASSERT_NE(kela, nullptr);
  EXPECT_EQ(kela->reason, "Handles Kela benefit data");
  EXPECT_EQ(kela->provenance.map_id, "elinkeinoasiat");
  EXPECT_EQ(kela->provenance.rule.file, "maps/e.yaml");
  EXPECT_EQ(kela->provenance.rule.line, 7);
  ASSERT_EQ(kela->provenance.matched.size(), 1u);
  EXPECT_EQ(kela->provenance.matched[0].second, "Elinkeinoasiat");
  EXPECT_NE(find(plan, ChangeKind::kGrant, "a", "te-tyonhakija"), nullptr);
  EXPECT_NE(find(plan, ChangeKind::kGrant, "b", "kela-etuustiedot"), nullptr);
  EXPECT_EQ(find(plan, ChangeKind::kGrant, "b", "te-tyonhakija"), nullptr);
  for (const ProposedItem& p : plan.add) EXPECT_NE(p.employee_key, "c");
  EXPECT_EQ(plan.stats.employees_read, 3);
}

TEST_F(ReconcileTest, PathTwoThemeGetsOneOrgApplyAndWaitingGrants) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja"),
                        person("b", "Elinkeinoasiat", "Omavalmentaja")};
  Plan plan = run();
  int org_applies = 0;
  for (const ProposedItem& p : plan.add) {
    if (p.kind == ChangeKind::kOrgApply) {
      ++org_applies;
      EXPECT_EQ(p.mandate, "okm-avustukset");
      EXPECT_TRUE(p.employee_key.empty());
    }
  }
  EXPECT_EQ(org_applies, 1);
  const ProposedItem* waiting = find(plan, ChangeKind::kGrant, "a", "okm-avustukset");
  ASSERT_NE(waiting, nullptr);
  EXPECT_TRUE(waiting->waits_for_org_apply);
  EXPECT_FALSE(find(plan, ChangeKind::kGrant, "a", "kela-etuustiedot")->waits_for_org_apply);
}

TEST_F(ReconcileTest, SecondRunOverUnchangedInputProposesNothing) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja")};
  ledger = {{"gone", "kela-etuustiedot", std::nullopt}};
  Plan first = run();
  ASSERT_FALSE(first.empty());
  store(first);
  Plan second = run();
  EXPECT_TRUE(second.empty()) << second.add.size() << " added, " << second.supersede.size()
                              << " superseded";
  EXPECT_EQ(second.stats.unchanged, static_cast<int>(first.add.size()));
}

TEST_F(ReconcileTest, HeldGrantIsNotProposedButExpiredOneIs) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Yritysneuvoja")};
  ledger = {{"a", "kela-etuustiedot", sys_days{std::chrono::year{2030} / 1 / 1}}};
  EXPECT_TRUE(run().empty());
  ledger = {{"a", "kela-etuustiedot", sys_days{std::chrono::year{2026} / 11 / 23}}};
  EXPECT_NE(find(run(), ChangeKind::kGrant, "a", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileTest, LeaversAreRevokedAndGetNoGrants) {
  Employee disabled = person("d", "Elinkeinoasiat", "Omavalmentaja");
  disabled.disabled = true;
  Employee expired = person("x", "Elinkeinoasiat", "Yritysneuvoja");
  expired.account_expires = kNow - days(1);
  snapshot.employees = {disabled, expired};
  ledger = {{"d", "kela-etuustiedot", std::nullopt},
            {"x", "kela-etuustiedot", std::nullopt},
            {"absent", "te-tyonhakija", std::nullopt}};
  Plan plan = run();
  EXPECT_EQ(plan.stats.grants, 0);
  const ProposedItem* d = find(plan, ChangeKind::kRevoke, "d", "kela-etuustiedot");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->reason.find("disabled"), std::string::npos);
  const ProposedItem* x = find(plan, ChangeKind::kRevoke, "x", "kela-etuustiedot");
  ASSERT_NE(x, nullptr);
  EXPECT_NE(x->reason.find("expired"), std::string::npos);
  const ProposedItem* absent = find(plan, ChangeKind::kRevoke, "absent", "te-tyonhakija");
  ASSERT_NE(absent, nullptr);
  EXPECT_NE(absent->reason.find("no longer in the directory"), std::string::npos);
  EXPECT_EQ(plan.leavers, (std::vector<std::string>{"d", "x"}));
}

TEST_F(ReconcileTest, AccountExpiringLaterIsNotALeaver) {
  Employee later = person("l", "Elinkeinoasiat", "Yritysneuvoja");
  later.account_expires = kNow + days(30);
  EXPECT_FALSE(is_leaver(employee_status(later, rules, kNow)));
  snapshot.employees = {later};
  EXPECT_NE(find(run(), ChangeKind::kGrant, "l", "kela-etuustiedot"), nullptr);
}

TEST_F(ReconcileTest, IncompleteSnapshotNeverRevokes) {
  Employee disabled = person("d", "Elinkeinoasiat", "Omavalmentaja");
  disabled.disabled = true;
  snapshot.employees = {disabled};
  snapshot.complete = false;
  snapshot.incomplete_reason = "timeout on page 3";
  ledger = {{"d", "kela-etuustiedot", std::nullopt}, {"absent", "te-tyonhakija", std::nullopt}};
  Plan plan = run();
  for (const ProposedItem& p : plan.add) EXPECT_NE(p.kind, ChangeKind::kRevoke);
  EXPECT_EQ(plan.stats.revokes, 0);
}

TEST_F(ReconcileTest, MoverLosesThemeTheNewMapsDoNotRequire) {
  snapshot.employees = {person("a", "Talouspalvelut", "Controller")};
  ledger = {{"a", "kela-etuustiedot", std::nullopt}};
  const Plan plan = run();
  const ProposedItem* revoke = find(plan, ChangeKind::kRevoke, "a", "kela-etuustiedot");
  ASSERT_NE(revoke, nullptr);
  EXPECT_NE(revoke->reason.find("No authorisation map or request requires"), std::string::npos);
  EXPECT_NE(revoke->reason.find("Talouspalvelut"), std::string::npos);
}

TEST_F(ReconcileTest, ChangedSourceValuesSupersedeExactlyThatItem) {
  policy.maps[1].match.title.push_back("Työnhakijan omavalmentaja");
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja"),
                        person("b", "Elinkeinoasiat", "Omavalmentaja")};
  store(run());
  // a's title changes to another value of the coach map: the items that came from the coach
  // map (te-tyonhakija, okm-avustukset) are replaced; a's department item and b's stay.
  snapshot.employees[0].title = "Työnhakijan omavalmentaja";
  Plan plan = run();
  std::vector<std::string> superseded;
  for (long long id : plan.supersede) {
    auto item = std::find_if(open_items.begin(), open_items.end(),
                             [&](const OpenItem& i) { return i.id == id; });
    ASSERT_NE(item, open_items.end());
    EXPECT_EQ(item->employee_key, "a");
    superseded.push_back(item->mandate);
  }
  std::sort(superseded.begin(), superseded.end());
  EXPECT_EQ(superseded, (std::vector<std::string>{"okm-avustukset", "te-tyonhakija"}));
  ASSERT_EQ(plan.add.size(), 2u);
  EXPECT_NE(find(plan, ChangeKind::kGrant, "a", "te-tyonhakija"), nullptr);
}

TEST_F(ReconcileTest, CaseOnlyChangeOfAMatchedValueChurnsNothing) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja")};
  store(run());
  snapshot.employees[0].department = "ELINKEINOASIAT ";
  EXPECT_TRUE(run().empty());
}

TEST_F(ReconcileTest, ItemNoLongerWantedIsSuperseded) {
  snapshot.employees = {person("a", "Elinkeinoasiat", "Omavalmentaja")};
  store(run());
  snapshot.employees[0].department = "Talouspalvelut";
  Plan plan = run();
  EXPECT_EQ(plan.supersede.size(), open_items.size());  // every open item, org_apply too
  EXPECT_TRUE(plan.add.empty());
}

TEST_F(ReconcileTest, InputOrderDoesNotChangeThePlan) {
  std::mt19937 random(20261124);
  const char* departments[] = {"Elinkeinoasiat", "Talouspalvelut", "elinkeinoasiat "};
  const char* titles[] = {"Omavalmentaja", "Controller", "OMAVALMENTAJA"};
  for (int i = 0; i < 200; ++i) {
    Employee e = person("k" + std::to_string(i), departments[random() % 3], titles[random() % 3]);
    e.disabled = random() % 10 == 0;
    snapshot.employees.push_back(e);
    if (random() % 4 == 0) ledger.push_back({e.key, "kela-etuustiedot", std::nullopt});
  }
  const Plan reference = run();
  ASSERT_GT(reference.add.size(), 50u);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(snapshot.employees.begin(), snapshot.employees.end(), random);
    std::shuffle(ledger.begin(), ledger.end(), random);
    Plan plan = run();
    ASSERT_EQ(plan.add.size(), reference.add.size());
    for (std::size_t i = 0; i < plan.add.size(); ++i) {
      EXPECT_EQ(describe(plan.add[i]), describe(reference.add[i]));
      EXPECT_EQ(plan.add[i].fingerprint, reference.add[i].fingerprint);
    }
  }
}

}  // namespace
}  // namespace valtuus
