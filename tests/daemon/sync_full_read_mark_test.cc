// A full read (as `valtuusd --once` runs it: a new process, no state kept) after a run that
// left its mark (sql/022_reconcile_mark.sql): when nothing but the directory changed since a
// whole reconcile, only the people whose entries are not as stored are reconciled, and the
// plan is the whole one's; anything else (an audit event by anyone, another policy) makes it
// whole again. The in-memory directory, the suite's PostgreSQL, the daemon's and a reviewer's
// logins.
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/postgres/grant_import_store.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "daemon/sync_cycle.h"
#include "tests/support/fake_directory.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::InMemoryDirectory;
using testing::TestDatabase;
using testing::TestLogins;
using testing::try_sql;

constexpr int kStaff = 40;
// Half the staff in the theme's department, four of them leavers (disabled accounts).
constexpr int kGrants = kStaff / 2 - 4;

Employee person(int n, const std::string& department) {
  Employee e;
  e.key = "key-" + std::to_string(n);
  e.account = "person" + std::to_string(n);
  e.dn = "CN=" + e.account + ",OU=Staff,DC=example,DC=fi";
  e.department = department;
  e.title = "Neuvoja";
  return e;
}

std::vector<std::string> described(const std::vector<ProposedItem>& items) {
  std::vector<std::string> out;
  for (const ProposedItem& item : items) out.push_back(describe(item) + " " + item.fingerprint);
  std::sort(out.begin(), out.end());
  return out;
}

class SyncFullReadMarkTest : public ::testing::Test {
 protected:
  SyncFullReadMarkTest() : db_("sync_full_read_mark"), owner_(db_.conninfo()) {
    migrate(owner_);
    daemon_ = std::make_unique<pqxx::connection>(
        db_.conninfo() + " user=" + logins_.make("daemon", "valtuus_daemon"));
    reviewer_ = db_.conninfo() + " user=" + logins_.make("reviewer", "valtuus_reviewer");
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    MandateIssue vero = kela;
    vero.id = "vero-palkat";
    vero.service = "Verohallinto";
    policy_.catalog = {kela, vero};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 6, 9}}};
    policy_.maps = {map};
    for (int n = 0; n < kStaff; ++n) {
      Employee e = person(n, n % 2 ? "Elinkeinoasiat" : "Talous");
      e.disabled = n % 10 == 3;  // leavers, four of them
      directory_.put(e);
    }
  }

  // One `valtuusd --once`: a new process's memory, a full read, nothing kept.
  CycleResult once(bool dry_run = false, const GuardOptions& guard = unguarded()) {
    DirectoryMemory memory;
    CycleOptions options;
    options.full_read = true;
    options.keep_state = false;
    options.dry_run = dry_run;
    options.guard = guard;
    return run_sync_cycle(directory_, memory, policy_, rules_, *borrow_sync_store(*daemon_),
                          options);
  }

  static GuardOptions unguarded() {
    GuardOptions guard;
    guard.enabled = false;
    return guard;
  }

  // An administrator imports the ledger: everyone in the theme's department holds it.
  void import_grants() {
    std::vector<GrantRecord> records;
    const auto today = std::chrono::floor<std::chrono::days>(Clock::now());
    for (int n = 1; n < kStaff; n += 2) {
      GrantRecord r;
      r.line = static_cast<std::size_t>(n + 1);
      r.account = "person" + std::to_string(n);
      r.mandate = "kela-etuustiedot";
      r.valid_from = std::chrono::year_month_day{today};
      r.valid_until = std::chrono::year_month_day{today + std::chrono::days(365)};
      records.push_back(r);
    }
    pqxx::connection admin(db_.conninfo() + " user=" + logins_.make("admin", "valtuus_admin"));
    ASSERT_EQ(apply_grant_import(admin, records, "grants.csv").added, records.size());
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(owner_);
    return txn.exec1(sql)[0].as<long long>();
  }

  TestDatabase db_;
  pqxx::connection owner_;
  TestLogins logins_;
  std::unique_ptr<pqxx::connection> daemon_;
  std::string reviewer_;
  Policy policy_;
  LeaverRules rules_;
  InMemoryDirectory directory_;
};

TEST_F(SyncFullReadMarkTest, AnUnchangedFullReadReconcilesNobodyAndWritesNoItem) {
  const CycleResult first = once();
  ASSERT_TRUE(first.complete);
  EXPECT_EQ(first.record.people_reconciled, -1);  // no mark yet: everyone
  ASSERT_EQ(first.record.plan.add.size(), static_cast<std::size_t>(kGrants));
  const long long items = count("SELECT count(*) FROM change_item");

  const CycleResult second = once();
  ASSERT_TRUE(second.complete);
  EXPECT_EQ(second.record.people_reconciled, 0);
  EXPECT_TRUE(second.record.plan.empty());
  EXPECT_EQ(second.record.plan.stats.unchanged, 0);  // nobody's items were even looked at
  // The figures are still the whole directory's.
  EXPECT_EQ(second.record.plan.stats.leavers, first.record.plan.stats.leavers);
  EXPECT_EQ(second.record.plan.stats.leavers, 4);
  EXPECT_EQ(second.record.plan.stats.employees_read, kStaff);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), items);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE last_seen_run = " +
                  std::to_string(second.record.run_id)),
            0);
  EXPECT_NE(cycle_summary(second).find("0 people reconciled"), std::string::npos)
      << cycle_summary(second);
  // The mark is the newest run's alone.
  EXPECT_EQ(count("SELECT count(*) FROM sync_reconcile_mark"), 1);
  EXPECT_EQ(count("SELECT run_id FROM sync_reconcile_mark"), second.record.run_id);

  // And the next one too: a restricted run leaves a mark as good as a whole one's.
  EXPECT_EQ(once().record.people_reconciled, 0);
}

TEST_F(SyncFullReadMarkTest, AReviewersDecisionMakesTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  const long long id = count(
      "SELECT id FROM change_item WHERE state = 'proposed' AND employee_key = 'key-1' LIMIT 1");
  ASSERT_EQ(try_sql(reviewer_, "SELECT reject_item($1, 1, 'not needed', NULL)", id), "");

  const CycleResult after = once();
  EXPECT_EQ(after.record.people_reconciled, -1);  // everyone
  EXPECT_EQ(after.record.plan.stats.unchanged, kGrants - 1);
  EXPECT_TRUE(after.record.plan.add.empty());  // the rejection stands
  // Whole again, it leaves a mark: the next is restricted.
  EXPECT_EQ(once().record.people_reconciled, 0);
}

TEST_F(SyncFullReadMarkTest, AGrantImportMakesTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  ASSERT_NO_FATAL_FAILURE(import_grants());
  const CycleResult after = once();
  EXPECT_EQ(after.record.people_reconciled, -1);
  // The ledger now stands for the grants: their open items go, as only a whole reconcile sees.
  EXPECT_EQ(after.record.plan.supersede.size(), static_cast<std::size_t>(kGrants));
}

TEST_F(SyncFullReadMarkTest, AChangedAndARemovedEntryGiveTheWholePlan) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  directory_.put(person(1, "Talous"));          // moves away from the theme's department
  directory_.put(person(2, "Elinkeinoasiat"));  // moves to it
  Employee title = person(5, "Elinkeinoasiat");
  title.title = "Päällikkö";  // a change that gives no item
  directory_.put(title);
  directory_.remove("key-13");  // a leaver who left the directory
  directory_.remove("key-7");

  // A dry run reconciles everyone (and writes nothing): what a whole reconcile says.
  const CycleResult whole = once(true);
  ASSERT_EQ(whole.record.people_reconciled, -1);
  const CycleResult part = once();
  EXPECT_EQ(part.record.people_reconciled, 5);
  EXPECT_EQ(described(part.record.plan.add), described(whole.record.plan.add));
  EXPECT_EQ(part.record.plan.supersede, whole.record.plan.supersede);
  EXPECT_EQ(part.record.plan.absent, whole.record.plan.absent);
  EXPECT_EQ(part.record.plan.role_changed, whole.record.plan.role_changed);
  EXPECT_EQ(part.record.plan.stats.leavers, whole.record.plan.stats.leavers);
  EXPECT_EQ(part.record.plan.stats.grants, 1);
  EXPECT_EQ(part.record.plan.stats.superseded, 2);  // key-1's grant, key-7's grant
  EXPECT_EQ(part.record.plan.absent, (std::vector<std::string>{"key-13", "key-7"}));
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE last_seen_run = " +
                  std::to_string(part.record.run_id)),
            3);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE absent_since_run = " +
                  std::to_string(part.record.run_id)),
            2);
  // And afterwards, nothing more.
  const CycleResult settled = once();
  EXPECT_EQ(settled.record.people_reconciled, 0);
  EXPECT_TRUE(settled.record.plan.empty());
}

TEST_F(SyncFullReadMarkTest, AnotherPolicyOrOtherLeaverRulesMakeTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  AuthorisationMap talous;
  talous.id = "talous";
  talous.match.department = {"Talous"};
  talous.grants = {{"vero-palkat", "Reports salaries", {"m.yaml", 20, 9}}};
  policy_.maps.push_back(talous);
  const CycleResult policy = once();
  EXPECT_EQ(policy.record.people_reconciled, -1);
  EXPECT_EQ(policy.record.plan.stats.grants, kStaff / 2);  // everyone in Talous
  ASSERT_EQ(once().record.people_reconciled, 0);

  rules_.leaver_grace = std::chrono::days(14);
  EXPECT_EQ(once().record.people_reconciled, -1);
  EXPECT_EQ(once().record.people_reconciled, 0);
}

// The loop: a full read restricted by the mark keeps the state, and the incremental cycles
// over it count every leaver, as do the full reads after them.
TEST_F(SyncFullReadMarkTest, TheLoopKeepsTheStateOfARestrictedFullRead) {
  DirectoryMemory memory;
  auto cycle = [&](bool full_read) {
    CycleOptions options;
    options.full_read = full_read;
    options.guard.enabled = false;
    return run_sync_cycle(directory_, memory, policy_, rules_, *borrow_sync_store(*daemon_),
                          options);
  };
  ASSERT_EQ(cycle(true).record.people_reconciled, -1);
  const CycleResult full = cycle(true);
  EXPECT_EQ(full.record.people_reconciled, 0);
  EXPECT_FALSE(full.record.state_kept);
  ASSERT_TRUE(memory.state.valid);

  Employee leaving = person(5, "Elinkeinoasiat");
  leaving.disabled = true;
  directory_.put(leaving);
  const CycleResult left = cycle(false);
  EXPECT_TRUE(left.record.state_kept);
  EXPECT_EQ(left.record.people_reconciled, 1);
  EXPECT_EQ(left.record.plan.stats.leavers, 5);
  EXPECT_EQ(left.record.plan.supersede.size(), 1u);  // key-5's grant is not needed now

  const CycleResult again = cycle(true);
  EXPECT_EQ(again.record.people_reconciled, 0);
  EXPECT_EQ(again.record.plan.stats.leavers, 5);
  EXPECT_TRUE(again.record.plan.empty());
}

// A held run keeps only the supersedes its own items replace: what it deferred, only a
// whole reconcile finds again. It leaves no mark.
TEST_F(SyncFullReadMarkTest, AHeldRunMakesTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_NO_FATAL_FAILURE(import_grants());
  ASSERT_EQ(once().record.people_reconciled, -1);
  ASSERT_EQ(once().record.people_reconciled, 0);
  for (int n : {1, 5, 9}) {
    Employee e = person(n, "Elinkeinoasiat");
    e.disabled = true;
    directory_.put(e);
  }
  GuardOptions guard;
  guard.max_revokes = 1;
  const CycleResult held = once(false, guard);
  ASSERT_TRUE(held.record.held) << held.record.held_reason;
  EXPECT_EQ(held.record.people_reconciled, 3);
  EXPECT_EQ(held.record.plan.stats.revokes, 3);
  EXPECT_NE(count("SELECT coalesce(max(run_id), 0) FROM sync_reconcile_mark"), held.record.run_id);
  const CycleResult after = once(false, guard);
  EXPECT_EQ(after.record.people_reconciled, -1);
}

TEST_F(SyncFullReadMarkTest, ADryRunReconcilesEveryoneAndLeavesTheMarkAsItWas) {
  const CycleResult first = once();
  ASSERT_TRUE(first.complete);
  const CycleResult dry = once(true);
  EXPECT_EQ(dry.record.run_id, 0);
  EXPECT_EQ(dry.record.people_reconciled, -1);
  EXPECT_EQ(dry.record.plan.stats.unchanged, kGrants);
  EXPECT_EQ(count("SELECT run_id FROM sync_reconcile_mark"), first.record.run_id);
  EXPECT_EQ(once().record.people_reconciled, 0);
}

}  // namespace
}  // namespace valtuus
