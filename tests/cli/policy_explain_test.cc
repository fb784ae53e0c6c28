// policy explain's model: which maps match, which almost do, and why each theme is needed.
#include "cli/policy_explain.h"

#include <sstream>

#include "cli/policy_explain_print.h"
#include "tests/cli/policy_cli_fixture.h"

namespace valtuus::testing {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

class PolicyExplainTest : public ::testing::Test {
 protected:
  Policy policy = parse_or_fail(kCatalog, kMaps);
  ReconcileState state;
  LeaverRules rules;

  const ThemeExplanation* theme(const std::vector<ThemeExplanation>& list, const std::string& id) {
    for (const ThemeExplanation& t : list)
      if (t.mandate_id == id) return &t;
    return nullptr;
  }
};

TEST_F(PolicyExplainTest, CoachMatchesTwoMapsAndNeedsTwoThemesWithEveryReason) {
  const Employee coach = person("c", "ELINKEINOASIAT ", "omavalmentaja");
  const Explanation ex = explain_employee(coach, policy, state, rules, kNow);
  EXPECT_EQ(ex.status, EmployeeStatus::kActive);
  ASSERT_EQ(ex.matching.size(), 2u);
  EXPECT_EQ(ex.matching[0].map->id, "elinkeinoasiat");
  EXPECT_EQ(ex.matching[1].map->id, "omavalmentaja");
  // The values as read, not as folded.
  ASSERT_EQ(ex.matching[1].matched.size(), 2u);
  EXPECT_EQ(ex.matching[1].matched[0],
            std::make_pair(std::string("department"), coach.department.str()));
  EXPECT_EQ(ex.matching[1].matched[1], std::make_pair(std::string("title"), coach.title.str()));

  ASSERT_EQ(ex.needed.size(), 2u);
  EXPECT_EQ(ex.needed[0].mandate_id, "kela");  // catalog order
  ASSERT_EQ(ex.needed[0].reasons.size(), 2u);
  EXPECT_EQ(ex.needed[0].reasons[1].grant->why, "Coach views benefits");
  const ThemeExplanation* job = theme(ex.needed, "tyonhakija");
  ASSERT_NE(job, nullptr);
  ASSERT_EQ(job->reasons.size(), 1u);
  EXPECT_EQ(job->reasons[0].map->id, "omavalmentaja");
  EXPECT_EQ(job->reasons[0].grant->location.file, "maps.yaml");
  EXPECT_EQ(job->reasons[0].grant->location.line, 11);
  EXPECT_FALSE(job->held.has_value());
  EXPECT_TRUE(job->organisation_can_grant);
  EXPECT_TRUE(ex.not_needed.empty());
}

TEST_F(PolicyExplainTest, NearMissNamesTheSelectorThatFailed) {
  const Employee coach = person("c", "Elinkeinoasiat", "Omavalmentaja");
  const Explanation ex = explain_employee(coach, policy, state, rules, kNow);
  ASSERT_EQ(ex.near_misses.size(), 1u);
  EXPECT_EQ(ex.near_misses[0].map->id, "koordinaattori");
  EXPECT_EQ(ex.near_misses[0].unmatched, std::vector<std::string>{"title"});
  EXPECT_FALSE(ex.near_misses[0].excluded);
  // Another department is not "almost": nothing is listed.
  const Employee elsewhere = person("x", "Talous", "Koordinaattori");
  EXPECT_TRUE(explain_employee(elsewhere, policy, state, rules, kNow).near_misses.empty());
}

TEST_F(PolicyExplainTest, ExceptIsReportedAsExclusion) {
  const Employee trainee = person("t", "Elinkeinoasiat", "Harjoittelija");
  const Explanation ex = explain_employee(trainee, policy, state, rules, kNow);
  EXPECT_TRUE(ex.matching.empty());
  ASSERT_FALSE(ex.near_misses.empty());
  EXPECT_EQ(ex.near_misses[0].map->id, "elinkeinoasiat");
  EXPECT_TRUE(ex.near_misses[0].excluded);
  std::ostringstream text;
  print_explanation(text, ex, Snapshot{});
  EXPECT_NE(text.str().find("but its except excludes the person (title: Harjoittelija)"),
            std::string::npos)
      << text.str();
}

TEST_F(PolicyExplainTest, LedgerOpenItemsAndOrderFormsAreShownPerTheme) {
  state.ledger = {{"c", "kela", sys_days{std::chrono::year{2027} / 1 / 31}},
                  {"c", "tyonhakija", sys_days{std::chrono::year{2026} / 3 / 1}},  // ended
                  {"c", "old", std::nullopt},
                  {"other", "kela", std::nullopt}};
  state.open_items = {{7, ChangeKind::kGrant, ItemState::kProposed, "c", "tyonhakija", "f"},
                      {8, ChangeKind::kRevoke, ItemState::kApproved, "c", "old", "f"},
                      {9, ChangeKind::kOrgApply, ItemState::kProposed, "", "avustus", "f"},
                      {10, ChangeKind::kGrant, ItemState::kRejected, "c", "kela", "f"}};
  state.requests = {{3, "c", "avustus", "Order form reason", std::nullopt},
                    {4, "c", "kela", "Expired form", sys_days{std::chrono::year{2026} / 1 / 1}}};
  const Employee coach = person("c", "Elinkeinoasiat", "Omavalmentaja");
  const Explanation ex = explain_employee(coach, policy, state, rules, kNow);
  const ThemeExplanation* kela = theme(ex.needed, "kela");
  ASSERT_NE(kela, nullptr);
  ASSERT_TRUE(kela->held.has_value());
  EXPECT_EQ(*kela->held->valid_until, sys_days{std::chrono::year{2027} / 1 / 31});
  EXPECT_EQ(kela->reasons.size(), 2u);    // the expired order form is not a reason
  EXPECT_TRUE(kela->open_items.empty());  // a rejected item is not open
  const ThemeExplanation* job = theme(ex.needed, "tyonhakija");
  EXPECT_FALSE(job->held.has_value());  // its end date has passed
  ASSERT_EQ(job->open_items.size(), 1u);
  EXPECT_EQ(job->open_items[0].id, 7);
  const ThemeExplanation* grant = theme(ex.needed, "avustus");
  ASSERT_NE(grant, nullptr);
  ASSERT_EQ(grant->reasons.size(), 1u);
  EXPECT_EQ(grant->reasons[0].request->id, 3);
  EXPECT_FALSE(grant->organisation_can_grant);
  ASSERT_EQ(grant->open_items.size(), 1u);
  EXPECT_EQ(grant->open_items[0].kind, ChangeKind::kOrgApply);
  ASSERT_EQ(ex.not_needed.size(), 1u);
  EXPECT_EQ(ex.not_needed[0].mandate_id, "old");
  EXPECT_EQ(ex.not_needed[0].mandate, nullptr);
  ASSERT_EQ(ex.not_needed[0].open_items.size(), 1u);
  EXPECT_EQ(ex.not_needed[0].open_items[0].kind, ChangeKind::kRevoke);
}

TEST_F(PolicyExplainTest, LeaverAndLongLeaveAreSaidAndNoIdentityCodeIsPrinted) {
  Employee leaver = person("l", "Elinkeinoasiat", "Omavalmentaja");
  leaver.disabled = true;
  const Snapshot snapshot{{leaver}, true, "", kNow, "ldaps://x/"};
  const Explanation ex = explain_employee(leaver, policy, state, rules, kNow);
  EXPECT_EQ(ex.status, EmployeeStatus::kLeftDisabled);
  std::ostringstream text;
  print_explanation(text, ex, snapshot);
  EXPECT_NE(text.str().find("leaver (the account is disabled): a leaver gets no new grants"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("none proposed: the person is a leaver"), std::string::npos);
  EXPECT_NE(text.str().find("as read     2026-03-02 00:00 UTC (complete read)"), std::string::npos);
  const std::string json = explanation_json(ex, snapshot).dump();
  EXPECT_EQ(text.str().find(leaver.identity_code), std::string::npos);
  EXPECT_EQ(json.find(leaver.identity_code), std::string::npos);
  EXPECT_NE(json.find("\"leaver\":true"), std::string::npos);

  leaver.long_leave_marker = "vanhempainvapaa";
  EXPECT_EQ(explain_employee(leaver, policy, state, rules, kNow).status,
            EmployeeStatus::kLongLeave);
  EXPECT_EQ(status_text(EmployeeStatus::kLongLeave),
            "on long leave: keeps what they hold, but no new grants are proposed");
}

TEST_F(PolicyExplainTest, AccountsCompareFoldedAndActivePeopleComeFirst) {
  Employee old = person("k1", "Talous", "Controller");
  old.account = "JOHMAN";
  old.disabled = true;
  Employee current = person("k2", "Talous", "Controller");
  current.account = "johman";
  Snapshot snapshot;
  snapshot.employees = {old, current, person("k3", "Talous", "Controller")};
  const auto found = find_by_account(snapshot, " Johman", rules, kNow);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0]->key, "k2");
  EXPECT_EQ(found[1]->key, "k1");
  EXPECT_TRUE(find_by_account(snapshot, "nobody", rules, kNow).empty());
}

}  // namespace
}  // namespace valtuus::testing
