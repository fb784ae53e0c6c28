// The reconcile state the loop keeps between cycles (DirectoryMemory::state): an incremental
// cycle over it reconciles and writes only the people the read found changed, and anything
// another writer changed (an audit event the daemon did not write) makes it load the state
// again. The in-memory directory instead of slapd, the suite's PostgreSQL, the daemon's login.
#include <gtest/gtest.h>

#include <thread>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "daemon/daemon_cycle.h"
#include "daemon/sync_cycle.h"
#include "tests/support/fake_directory.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::InMemoryDirectory;
using testing::TestDatabase;
using testing::TestLogins;

constexpr int kKeptStaff = 50;

Employee person(int n, const std::string& department) {
  Employee e;
  e.key = "key-" + std::to_string(n);
  e.account = "person" + std::to_string(n);
  e.dn = "CN=" + e.account + ",OU=Staff,DC=example,DC=fi";
  e.department = department;
  e.title = "Neuvoja";
  return e;
}

class SyncKeptStateTest : public ::testing::Test {
 protected:
  SyncKeptStateTest() : db_("sync_kept_state"), owner_(db_.conninfo()) {
    migrate(owner_);
    daemon_ = std::make_unique<pqxx::connection>(
        db_.conninfo() + " user=" + logins_.make("daemon", "valtuus_daemon"));
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    kela.organisation_holds = true;
    policy_.catalog = {kela};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 6, 9}}};
    policy_.maps = {map};
    for (int n = 0; n < kKeptStaff; ++n) directory_.put(person(n, "Elinkeinoasiat"));
  }

  CycleResult cycle(bool full_read) {
    CycleOptions options;
    options.full_read = full_read;
    options.guard.enabled = false;
    return run_sync_cycle(directory_, memory_, policy_, rules_, *borrow_sync_store(*daemon_),
                          options);
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(owner_);
    return txn.exec1(sql)[0].as<long long>();
  }

  // Everyone holds the theme, as if every proposed grant had been executed and recorded.
  void record_ledger_as_another_writer() {
    pqxx::work txn(owner_);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT e.key, m.id, current_date, 'import' FROM employee e CROSS JOIN mandate_issue m");
    txn.exec("INSERT INTO audit_event (action, details) VALUES ('grants_imported', '{}')");
    txn.commit();
  }

  testing::MigratedDatabase db_;
  pqxx::connection owner_;
  TestLogins logins_;
  std::unique_ptr<pqxx::connection> daemon_;
  Policy policy_;
  LeaverRules rules_;
  InMemoryDirectory directory_;
  DirectoryMemory memory_;
};

TEST_F(SyncKeptStateTest, AnIncrementalCycleReconcilesAndWritesOnlyTheChangedPerson) {
  const CycleResult first = cycle(true);
  ASSERT_TRUE(first.complete);
  ASSERT_EQ(first.record.plan.add.size(), static_cast<std::size_t>(kKeptStaff));
  ASSERT_TRUE(memory_.state.valid);  // kept after the daemon's own run

  // One person moves to a department that needs nothing: their open grant is superseded.
  directory_.put(person(7, "Talous"));
  const CycleResult second = cycle(false);
  ASSERT_FALSE(second.full_read);
  ASSERT_TRUE(second.complete);
  EXPECT_TRUE(second.record.plan.add.empty());
  ASSERT_EQ(second.record.plan.supersede.size(), 1u);
  EXPECT_EQ(second.record.plan.role_changed, std::vector<std::string>{"key-7"});
  // Only key-7 was reconciled: the other 49 open grants were not even looked at.
  EXPECT_EQ(second.record.plan.stats.unchanged, 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE last_seen_run = " +
                  std::to_string(second.record.run_id)),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE last_seen_run = " +
                  std::to_string(second.record.run_id) + " AND key = 'key-7'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'superseded' "
                  "AND employee_key = 'key-7'"),
            1);
  EXPECT_TRUE(memory_.state.valid);

  // Nothing changed: nothing reconciled, nothing written but the run.
  const CycleResult idle = cycle(false);
  EXPECT_TRUE(idle.record.plan.empty());
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE last_seen_run = " +
                  std::to_string(idle.record.run_id)),
            0);

  // Back: exactly one grant again, for key-7, from the kept state as the run refreshed it.
  directory_.put(person(7, "Elinkeinoasiat"));
  const CycleResult back = cycle(false);
  ASSERT_EQ(back.record.plan.add.size(), 1u);
  EXPECT_EQ(back.record.plan.add[0].employee_key, "key-7");
  EXPECT_TRUE(back.record.plan.supersede.empty());

  // A full read loads the state afresh and finds nothing to change: nobody's entry differs
  // from their stored row and nobody else wrote, so nobody is reconciled (the mark the last
  // run left, sql/022_reconcile_mark.sql).
  const CycleResult full = cycle(true);
  EXPECT_TRUE(full.record.plan.empty());
  EXPECT_FALSE(full.record.state_kept);
  EXPECT_EQ(full.record.people_reconciled, 0);
}

TEST_F(SyncKeptStateTest, ADisabledAccountGetsItsRevokeInTheNextIncrementalCycle) {
  ASSERT_TRUE(cycle(true).complete);
  record_ledger_as_another_writer();
  // The ledger now stands for the grants: their open items go.
  ASSERT_EQ(cycle(false).record.plan.supersede.size(), static_cast<std::size_t>(kKeptStaff));
  Employee leaver = person(3, "Elinkeinoasiat");
  leaver.disabled = true;
  directory_.put(leaver);
  const CycleResult next = cycle(false);
  ASSERT_EQ(next.record.plan.add.size(), 1u);
  EXPECT_EQ(next.record.plan.add[0].kind, ChangeKind::kRevoke);
  EXPECT_EQ(next.record.plan.add[0].employee_key, "key-3");
  EXPECT_EQ(next.record.plan.leavers, std::vector<std::string>{"key-3"});
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left'"), 1);
}

TEST_F(SyncKeptStateTest, AnotherWritersAuditEventMakesTheCycleLoadTheStateAgain) {
  ASSERT_TRUE(cycle(true).complete);
  ASSERT_TRUE(memory_.state.valid);
  // Another writer records every grant as done (with its audit event) while the daemon
  // sleeps; one unrelated person changes in the directory.
  record_ledger_as_another_writer();
  directory_.put(person(11, "Elinkeinoasiat"));
  const CycleResult next = cycle(false);
  // Loaded again and reconciled whole: all 50 open grants are now held in the ledger, so
  // every one is superseded, not only key-11's.
  EXPECT_TRUE(next.record.plan.add.empty());
  EXPECT_EQ(next.record.plan.supersede.size(), static_cast<std::size_t>(kKeptStaff));
  EXPECT_TRUE(memory_.state.valid);
  // The same in the kept state: the next change proposes nothing for anyone.
  directory_.put(person(12, "Elinkeinoasiat"));
  EXPECT_TRUE(cycle(false).record.plan.empty());
}

// The leavers an incremental cycle reports (the summary line, valtuus_last_run_leavers) are the
// whole directory's, as a whole reconcile would count them now: not only those among the people
// it reconciled. Two leavers stay out of every changed set here.
TEST_F(SyncKeptStateTest, AnIncrementalCycleReportsEveryLeaverNotOnlyTheReconciledOnes) {
  for (int n : {1, 2}) {
    Employee leaver = person(n, "Elinkeinoasiat");
    leaver.disabled = true;
    directory_.put(leaver);
  }
  Employee on_leave = person(3, "Elinkeinoasiat");
  on_leave.long_leave_marker = "vanhempainvapaa";
  directory_.put(on_leave);
  const CycleResult full = cycle(true);
  ASSERT_EQ(full.record.plan.stats.leavers, 2);
  ASSERT_EQ(full.record.plan.stats.on_long_leave, 1);

  // Someone else changes: the two leavers are not reconciled, and still counted.
  directory_.put(person(9, "Talous"));
  const CycleResult moved = cycle(false);
  ASSERT_GE(moved.record.people_reconciled, 0);  // a partial reconcile over the kept state
  EXPECT_EQ(moved.record.plan.leavers, std::vector<std::string>{});
  EXPECT_EQ(moved.record.plan.stats.leavers, 2);
  EXPECT_EQ(moved.record.plan.stats.on_long_leave, 1);
  EXPECT_NE(cycle_summary(moved).find("leavers 2,"), std::string::npos) << cycle_summary(moved);
  EXPECT_EQ(metrics_of(&moved).stats.leavers, 2);

  // A third leaver among the changed people is added to them; a leaver back is taken off.
  Employee third = person(4, "Elinkeinoasiat");
  third.disabled = true;
  directory_.put(third);
  const CycleResult left = cycle(false);
  ASSERT_GE(left.record.people_reconciled, 0);
  EXPECT_EQ(left.record.plan.stats.leavers, 3);
  directory_.put(person(1, "Elinkeinoasiat"));
  const CycleResult back = cycle(false);
  ASSERT_GE(back.record.people_reconciled, 0);
  EXPECT_EQ(back.record.plan.stats.leavers, 2);
  EXPECT_EQ(back.record.plan.stats.on_long_leave, 1);

  // Someone removed from the directory leaves in that cycle, as a whole reconcile counts them
  // (once: the next one finds them recorded absent).
  directory_.remove("key-5");
  const CycleResult gone = cycle(false);
  ASSERT_GE(gone.record.people_reconciled, 0);
  EXPECT_EQ(gone.record.plan.stats.leavers, 3);
  directory_.put(person(6, "Talous"));
  const CycleResult after = cycle(false);
  ASSERT_GE(after.record.people_reconciled, 0);
  EXPECT_EQ(after.record.plan.stats.leavers, 2);

  // What a whole reconcile counts now, from a state loaded afresh: the same.
  const CycleResult whole = cycle(true);
  EXPECT_EQ(whole.record.plan.stats.leavers, 2);
  EXPECT_EQ(whole.record.plan.stats.on_long_leave, 1);
}

// An account that expires between two cycles is reconciled in the second though nothing of it
// changed in the directory: the kept accounts that expire, not a pass over everyone, name it.
TEST_F(SyncKeptStateTest, AnAccountExpiredSinceIsReconciledWithoutBeingChanged) {
  Employee expiring = person(8, "Elinkeinoasiat");
  expiring.account_expires =
      std::chrono::floor<std::chrono::seconds>(Clock::now()) + std::chrono::seconds(2);
  directory_.put(expiring);
  ASSERT_EQ(cycle(true).record.plan.stats.leavers, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(3100));
  directory_.put(person(9, "Talous"));
  const CycleResult next = cycle(false);
  EXPECT_EQ(next.record.plan.leavers, std::vector<std::string>{"key-8"});
  EXPECT_EQ(next.record.plan.stats.leavers, 1);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left'"), 1);
}

TEST_F(SyncKeptStateTest, ADryRunNeitherUsesNorKeepsTheState) {
  CycleOptions options;
  options.dry_run = true;
  const CycleResult dry =
      run_sync_cycle(directory_, memory_, policy_, rules_, *borrow_sync_store(*daemon_), options);
  EXPECT_EQ(dry.record.plan.add.size(), static_cast<std::size_t>(kKeptStaff));
  EXPECT_FALSE(memory_.state.valid);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
}

}  // namespace
}  // namespace valtuus
