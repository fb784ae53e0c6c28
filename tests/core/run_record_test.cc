#include "core/run_record.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

ProposedItem proposed(ChangeKind kind, const std::string& key, const std::string& mandate) {
  ProposedItem item;
  item.kind = kind;
  item.employee_key = key;
  item.mandate = mandate;
  return item;
}

OpenItem open_item(long long id, ChangeKind kind, const std::string& key,
                   const std::string& mandate) {
  OpenItem item;
  item.id = id;
  item.kind = kind;
  item.employee_key = key;
  item.mandate = mandate;
  return item;
}

Employee employee(const std::string& key, const std::string& account,
                  const std::string& department) {
  Employee e;
  e.key = key;
  e.account = account;
  e.display_name = "Name of " + account;
  e.department = department;
  return e;
}

TEST(RunRecord, AHeldRunKeepsOnlyTheSupersedesItsOwnItemsReplace) {
  Plan plan;
  // Item 1 is replaced by a new grant of the same person and theme; items 2 and 3 are merely
  // no longer wanted (the read may have been bad), and item 4 is the same theme of another kind.
  plan.add = {proposed(ChangeKind::kGrant, "anna", "kela")};
  plan.supersede = {1, 2, 3, 4};
  plan.stats.superseded = 4;
  const std::vector<OpenItem> open = {open_item(1, ChangeKind::kGrant, "anna", "kela"),
                                      open_item(2, ChangeKind::kGrant, "bert", "kela"),
                                      open_item(3, ChangeKind::kRevoke, "cecilia", "te"),
                                      open_item(4, ChangeKind::kRevoke, "anna", "kela")};
  EXPECT_EQ(keep_only_replacing_supersedes(plan, open), 3);
  EXPECT_EQ(plan.supersede, std::vector<long long>{1});
  EXPECT_EQ(plan.stats.superseded, 1);
  ASSERT_EQ(plan.add.size(), 1u);  // the new items are all kept
}

TEST(RunRecord, NothingReplacedLeavesNoSupersede) {
  Plan plan;
  plan.supersede = {7};
  plan.stats.superseded = 1;
  EXPECT_EQ(keep_only_replacing_supersedes(plan, {open_item(7, ChangeKind::kGrant, "a", "m")}), 1);
  EXPECT_TRUE(plan.supersede.empty());
  EXPECT_EQ(plan.stats.superseded, 0);
}

TEST(RunRecord, TheGuardJudgesByTheLedgerAsLoadedAndTheReadsRefusals) {
  Plan plan;
  ReconcileState state;
  state.ledger.resize(3);
  Snapshot snapshot;
  snapshot.complete = false;
  snapshot.incomplete_reason = "size limit";
  // Two refused fields of one entry and one of another: two entries.
  snapshot.refused = {{"CN=a", "", "a", "title", "bad"},
                      {"CN=a", "", "a", "department", "bad"},
                      {"CN=b", "", "b", "title", "bad"}};
  const GuardInput input = guard_input(plan, state, snapshot);
  EXPECT_EQ(&input.plan, &plan);
  EXPECT_EQ(input.current_grants, 3);
  EXPECT_FALSE(input.snapshot_complete);
  EXPECT_EQ(input.incomplete_reason, "size limit");
  EXPECT_EQ(input.refused_entries, 2);
}

// A state loaded for a few people holds only their grants: the store's count is the base.
TEST(RunRecord, TheGuardJudgesByTheGrantsCountedWhenTheStateHoldsAFew) {
  Plan plan;
  Snapshot snapshot;
  snapshot.complete = true;
  snapshot.refused = {{"CN=a", "a", "a", "title", "bad"}};
  const GuardInput input = guard_input(plan, 153446, snapshot);
  EXPECT_EQ(&input.plan, &plan);
  EXPECT_EQ(input.current_grants, 153446);
  EXPECT_TRUE(input.snapshot_complete);
  EXPECT_EQ(input.refused_entries, 1);
}

TEST(RunRecord, APrintedPlanNamesPeopleFromTheReadAndAsksTheStoreForTheRest) {
  RunRecord record;
  record.plan.add = {proposed(ChangeKind::kGrant, "anna", "kela"),
                     proposed(ChangeKind::kOrgApply, "", "te")};
  record.plan.supersede = {5};
  const std::vector<OpenItem> open = {open_item(5, ChangeKind::kGrant, "leaver", "kela"),
                                      open_item(6, ChangeKind::kGrant, "bert", "kela")};
  Snapshot snapshot;
  snapshot.employees = {employee("anna", "aastrom", "Elinkeinoasiat"),
                        employee("bert", "bberg", "Talous")};
  const std::set<std::string> unknown = describe_from_snapshot(record, snapshot, open);
  EXPECT_EQ(unknown, std::set<std::string>{"leaver"});
  ASSERT_EQ(record.superseded.size(), 1u);
  EXPECT_EQ(record.superseded[0].id, 5);
  ASSERT_EQ(record.people.size(), 1u);  // bert is read but not named by the plan
  EXPECT_EQ(record.people.at("anna").account, "aastrom");
  EXPECT_EQ(record.people.at("anna").name, "Name of aastrom");
  EXPECT_EQ(record.people.at("anna").department, "Elinkeinoasiat");
}

}  // namespace
}  // namespace valtuus
