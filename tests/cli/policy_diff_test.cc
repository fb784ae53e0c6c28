// policy preview's comparison of two plans: per theme and department, and item by item.
#include "cli/policy_diff.h"

#include <sstream>

#include "cli/policy_preview_print.h"
#include "core/reconcile.h"
#include "tests/cli/policy_cli_fixture.h"

namespace valtuus::testing {
namespace {

ProposedItem item(ChangeKind kind, const std::string& employee, const std::string& mandate,
                  const std::string& fingerprint = "f") {
  ProposedItem p;
  p.kind = kind;
  p.employee_key = employee;
  p.mandate = mandate;
  p.fingerprint = fingerprint;
  p.reason = "because " + mandate;
  return p;
}

class PolicyDiffTest : public ::testing::Test {
 protected:
  PolicyDiffTest() {
    snapshot.employees = {person("e1", "Elinkeinoasiat", "Omavalmentaja"),
                          person("e2", "ELINKEINOASIAT ", "Yritysneuvoja")};
    snapshot.complete = true;
    state.history["gone"].department = "Talouspalvelut";
    state.open_items = {{10, ChangeKind::kGrant, ItemState::kProposed, "e1", "m3", "f"}};
  }
  Snapshot snapshot;
  ReconcileState state;
  Plan current, proposed;
};

TEST_F(PolicyDiffTest, CountsOnlyWhatDiffersPerThemeAndDepartment) {
  current.add = {item(ChangeKind::kGrant, "e1", "m1")};
  proposed.add = {item(ChangeKind::kGrant, "e1", "m1"), item(ChangeKind::kGrant, "e2", "m2"),
                  item(ChangeKind::kRevoke, "gone", "m1"), item(ChangeKind::kOrgApply, "", "m2")};
  proposed.supersede = {10};
  const PlanDiff diff = diff_plans(current, proposed, snapshot, state);

  ASSERT_EQ(diff.rows.size(), 4u);
  // Sorted by theme, then department; e1's unchanged m1 grant makes no row.
  EXPECT_EQ(diff.rows[0].mandate, "m1");
  EXPECT_EQ(diff.rows[0].department, "Talouspalvelut");  // from the stored history
  EXPECT_EQ(diff.rows[0].difference(), (KindCounts{0, 1, 0, 0, 0}));
  EXPECT_EQ(diff.rows[1].mandate, "m2");
  EXPECT_EQ(diff.rows[1].department, "(organisation)");
  EXPECT_EQ(diff.rows[1].difference(), (KindCounts{0, 0, 0, 1, 0}));
  EXPECT_EQ(diff.rows[2].department, "ELINKEINOASIAT");  // trimmed; a tie goes to sort order
  EXPECT_EQ(diff.rows[2].difference(), (KindCounts{1, 0, 0, 0, 0}));
  EXPECT_EQ(diff.rows[3].mandate, "m3");
  EXPECT_EQ(diff.rows[3].difference(), (KindCounts{0, 0, 0, 0, 1}));
  EXPECT_EQ(diff.current, (KindCounts{1, 0, 0, 0, 0}));
  EXPECT_EQ(diff.proposed, (KindCounts{2, 1, 0, 1, 1}));

  ASSERT_EQ(diff.changes.size(), 4u);
  for (const PreviewChange& c : diff.changes) EXPECT_TRUE(c.added);
  EXPECT_TRUE(diff.changes[3].supersede);
  EXPECT_EQ(diff.changes[3].item_id, 10);
  EXPECT_EQ(diff.changes[3].account, "e1");
  EXPECT_EQ(diff.reproposed, 0);  // e1's m3 is superseded, not proposed again
}

TEST_F(PolicyDiffTest, DepartmentsGroupAsTheMapsMatchThemInTheirMostCommonSpelling) {
  proposed.add = {item(ChangeKind::kGrant, "e1", "m1"), item(ChangeKind::kGrant, "e2", "m1"),
                  item(ChangeKind::kGrant, "e2", "m2")};
  PlanDiff diff = diff_plans(current, proposed, snapshot, state);
  ASSERT_EQ(diff.rows.size(), 2u);
  // A tie between "Elinkeinoasiat" and "ELINKEINOASIAT": the first in sort order, in every row.
  EXPECT_EQ(diff.rows[0].department, "ELINKEINOASIAT");
  EXPECT_EQ(diff.rows[0].difference().grants, 2);
  EXPECT_EQ(diff.rows[1].department, "ELINKEINOASIAT");
  snapshot.employees.push_back(person("e3", "Elinkeinoasiat", "Omavalmentaja"));
  diff = diff_plans(current, proposed, snapshot, state);
  EXPECT_EQ(diff.rows[0].department, "Elinkeinoasiat");
  EXPECT_EQ(diff.rows[1].department, "Elinkeinoasiat");
}

TEST_F(PolicyDiffTest, ItemsOnlyTheCurrentMapsProposeCountNegative) {
  current.add = {item(ChangeKind::kGrant, "e1", "m1")};
  current.supersede = {10};
  const PlanDiff diff = diff_plans(current, proposed, snapshot, state);
  ASSERT_EQ(diff.rows.size(), 2u);
  EXPECT_EQ(diff.rows[0].difference(), (KindCounts{-1, 0, 0, 0, 0}));
  EXPECT_EQ(diff.rows[1].difference(), (KindCounts{0, 0, 0, 0, -1}));
  ASSERT_EQ(diff.changes.size(), 2u);
  EXPECT_FALSE(diff.changes[0].added);
  EXPECT_FALSE(diff.changes[1].added);
}

TEST_F(PolicyDiffTest, ANewReasonForTheSameChangeIsADifferenceButNotACount) {
  current.add = {item(ChangeKind::kGrant, "e1", "m1", "old")};
  proposed.add = {item(ChangeKind::kGrant, "e1", "m1", "new")};
  const PlanDiff diff = diff_plans(current, proposed, snapshot, state);
  EXPECT_TRUE(diff.rows.empty());
  EXPECT_FALSE(diff.empty());
  ASSERT_EQ(diff.changes.size(), 2u);
  EXPECT_NE(diff.changes[0].added, diff.changes[1].added);
  EXPECT_TRUE(diff_plans(current, current, snapshot, state).empty());
}

// The real reconcile, the coach's case: dropping the coach map supersedes their open
// job-seeker grant and re-proposes their Kela grant (one map fewer requires it).
TEST_F(PolicyDiffTest, DroppingTheCoachMapSupersedesTheCoachsOpenGrants) {
  const Policy deployed = parse_or_fail(kCatalog, kMaps);
  const std::string maps = kMaps;
  const Policy next = parse_or_fail(kCatalog, maps.substr(0, maps.find("  - id: omavalmentaja")));
  LeaverRules rules;
  Snapshot people;
  people.complete = true;
  people.employees = {person("c", "Elinkeinoasiat", "Omavalmentaja")};
  ReconcileState stored;
  Plan first = reconcile({people, deployed, stored, rules, kNow});
  ASSERT_EQ(first.add.size(), 2u);
  long long id = 0;
  for (const ProposedItem& p : first.add)
    stored.open_items.push_back(
        {++id, p.kind, ItemState::kProposed, p.employee_key, p.mandate, p.fingerprint});

  const Plan now_current = reconcile({people, deployed, stored, rules, kNow});
  const Plan now_next = reconcile({people, next, stored, rules, kNow});
  EXPECT_TRUE(now_current.empty());
  const PlanDiff diff = diff_plans(now_current, now_next, people, stored);
  ASSERT_EQ(diff.rows.size(), 2u);
  EXPECT_EQ(diff.rows[0].mandate, "kela");
  EXPECT_EQ(diff.rows[0].difference(), (KindCounts{1, 0, 0, 0, 1}));
  EXPECT_EQ(diff.rows[1].mandate, "tyonhakija");
  EXPECT_EQ(diff.rows[1].difference(), (KindCounts{0, 0, 0, 0, 1}));
  EXPECT_EQ(diff.reproposed, 1);  // kela: superseded and proposed again

  std::ostringstream table;
  const PreviewContext context{
      "/etc/valtuus/policies", "/tmp/new", people, now_current, now_next, deployed, next};
  print_preview_table(table, diff, context);
  EXPECT_NE(table.str().find("Total: +1 grant, 0 revoke, 0 renew, 0 org_apply, +2 superseded"),
            std::string::npos)
      << table.str();
  EXPECT_NE(table.str().find("\n1 of the superseded items would be proposed again"),
            std::string::npos)
      << table.str();
  std::ostringstream csv;
  print_preview_csv(csv, diff, context);
  EXPECT_EQ(csv.str(),
            "THEME,SERVICE,DEPARTMENT,GRANT,REVOKE,RENEW,ORG_APPLY,SUPERSEDE\r\n"
            "kela,Kela,Elinkeinoasiat,1,0,0,0,1\r\n"
            "tyonhakija,TE-palvelut,Elinkeinoasiat,0,0,0,0,1\r\n");
}

TEST(SignedCountTest, ShowsTheSign) {
  EXPECT_EQ(signed_count(2), "+2");
  EXPECT_EQ(signed_count(-1), "-1");
  EXPECT_EQ(signed_count(0), "0");
}

}  // namespace
}  // namespace valtuus::testing
