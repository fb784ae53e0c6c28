// Held runs in the store (issue #6): the guard's verdict is stored with the run, the run's
// items wait in state 'held', the next run neither duplicates nor re-proposes them, and only
// the database's functions, called by the right people, release or discard them.
#include <gtest/gtest.h>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/run_queries.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/reconcile.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;
using testing::try_sql;

const TimePoint kHeldRunNow = std::chrono::floor<std::chrono::seconds>(Clock::now());

class HeldRunStoreTest : public ::testing::Test {
 protected:
  HeldRunStoreTest() : db_("held_run"), connection_(db_.conninfo()) { migrate(connection_); }

  void SetUp() override {
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    kela.organisation_holds = true;
    MandateIssue te = kela;
    te.id = "te-tyonhakija";
    policy_.catalog = {kela, te};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 4, 9}},
                  {"te-tyonhakija", "Advises job seekers", {"m.yaml", 5, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.source = "test";
    for (const char* account : {"aastrom", "mmakinen", "johman"}) {
      Employee e;
      e.key = std::string("key-") + account;
      e.account = account;
      e.display_name = account;
      e.department = "Elinkeinoasiat";
      snapshot_.employees.push_back(e);
    }
    guard_.max_revokes = 3;  // the ledger below holds 6 grants
  }

  RunRecord sync(bool dry_run = false) {
    return plan_and_write(*borrow_sync_store(connection_),
                          {snapshot_, policy_, rules_, kHeldRunNow, kHeldRunNow, {}}, dry_run,
                          guard_);
  }

  // Everyone holds both themes in the ledger; their grant items were done elsewhere.
  void record_ledger() {
    pqxx::work txn(connection_);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT e.key, m.id, current_date, 'import' FROM employee e CROSS JOIN mandate_issue m");
    txn.commit();
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(connection_);
    return txn.exec1(sql)[0].as<long long>();
  }

  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  testing::MigratedDatabase db_;
  pqxx::connection connection_;
  Policy policy_;
  Snapshot snapshot_;
  LeaverRules rules_;
  GuardOptions guard_;
};

TEST_F(HeldRunStoreTest, AnEmptiedDirectoryIsHeldAndTheNextRunDoesNotDuplicateIt) {
  sync();  // six grants proposed
  record_ledger();
  snapshot_.employees.clear();  // the base emptied: a complete read of nobody
  RunRecord held = sync();
  ASSERT_TRUE(held.held);
  EXPECT_EQ(held.held_reason, "6 revocations exceed guard.max_revokes=3");
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL AND held_at IS "
                  "NOT NULL AND id = " +
                  std::to_string(held.run_id)),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'held' AND kind = 'revoke'"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'proposed' AND kind = "
                  "'revoke'"),
            0);
  // The pending grants it no longer wants stay open: the held run decided nothing about them.
  EXPECT_EQ(held.supersedes_deferred, 6);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'proposed'"), 6);

  // The same read again: the held revocations are open, so nothing new is held or proposed.
  RunRecord again = sync();
  EXPECT_FALSE(again.held) << again.held_reason;
  EXPECT_EQ(again.plan.stats.revokes, 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke'"), 6);
}

TEST_F(HeldRunStoreTest, BelowTheLimitsARunIsNotHeld) {
  sync();
  record_ledger();
  snapshot_.employees.pop_back();  // one leaver with two grants: 2 of 6, under both limits
  RunRecord record = sync();
  EXPECT_FALSE(record.held) << record.held_reason;
  EXPECT_EQ(record.plan.stats.revokes, 2);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'proposed' AND kind = "
                  "'revoke'"),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL"), 0);
}

TEST_F(HeldRunStoreTest, AnIncompleteReadThatSupersedesIsHeldAndLeavesOpenItemsOpen) {
  sync();
  snapshot_.employees[0].department = "Talouspalvelut";  // aastrom no longer needs either
  snapshot_.complete = false;
  snapshot_.incomplete_reason = "connection dropped";
  RunRecord record = sync();
  ASSERT_TRUE(record.held);
  EXPECT_NE(record.held_reason.find("incomplete (connection dropped)"), std::string::npos)
      << record.held_reason;
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'superseded'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'proposed'"), 6);
}

TEST_F(HeldRunStoreTest, ADryRunSaysItWouldBeHeldAndWritesNothing) {
  sync();
  record_ledger();
  snapshot_.employees.clear();
  RunRecord dry = sync(true);
  EXPECT_TRUE(dry.held);
  EXPECT_EQ(dry.run_id, 0);
  // Absent from the read, the people are still named for the printed plan.
  EXPECT_EQ(dry.people.at("key-aastrom").account, "aastrom");
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
}

TEST_F(HeldRunStoreTest, ReleaseProposesTheHeldItemsOnceAndIsAudited) {
  sync();
  record_ledger();
  snapshot_.employees.clear();
  const long long run = sync().run_id;
  pqxx::connection c(db_.conninfo());
  {
    pqxx::work txn(c);
    EXPECT_EQ(release_run(txn, run, "the reorganisation"), 6);
    txn.commit();
  }
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'proposed' AND kind = 'revoke' "
                  "AND version = 2"),
            6);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'run_released' AND run_id = " +
                  std::to_string(run) +
                  " AND details->>'note' = 'the reorganisation' AND (details->>'items')::int = 6"),
            1);
  const RunDetail detail = load_run(c, run);
  EXPECT_EQ(detail.run.hold_status(), "released");
  EXPECT_EQ(detail.items.size(), 6u);
  const std::string again = try_sql(db_.conninfo(), "SELECT run_release($1, '')", run);
  EXPECT_NE(again.find("was already released"), std::string::npos) << again;
  const std::string discard = try_sql(db_.conninfo(), "SELECT run_discard($1, 'x')", run);
  EXPECT_NE(discard.find("was already released"), std::string::npos) << discard;
  const std::string plain = try_sql(db_.conninfo(), "SELECT run_release(1, '')");
  EXPECT_NE(plain.find("run 1 is not held"), std::string::npos) << plain;
}

TEST_F(HeldRunStoreTest, DiscardEndsTheItemsAndTheNextRunJudgesAgain) {
  sync();
  record_ledger();
  snapshot_.employees.clear();
  const long long run = sync().run_id;
  EXPECT_NE(try_sql(db_.conninfo(), "SELECT run_discard($1, '  ')", run).find("needs a reason"),
            std::string::npos);
  EXPECT_EQ(try_sql(db_.conninfo(), "SELECT run_discard($1, 'restore in progress')", run), "");
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'discarded'"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'run_discarded' AND "
                  "details->>'reason' = 'restore in progress'"),
            1);
  // The directory still says so: the same revocations again, held again.
  RunRecord next = sync();
  EXPECT_TRUE(next.held);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'held'"), 6);
}

TEST_F(HeldRunStoreTest, AHeldItemCannotBeDecidedAndALaterRunMaySupersedeIt) {
  sync();
  record_ledger();
  snapshot_.employees.clear();
  sync();
  const long long held_item = count("SELECT min(id) FROM change_item WHERE state = 'held'");
  const std::string refused = try_sql(db_.conninfo(), "SELECT approve_item($1, NULL)", held_item);
  EXPECT_NE(refused.find("is held by the guard"), std::string::npos) << refused;
  // The directory comes back: the held revocations are no longer wanted.
  SetUp();
  RunRecord back = sync();
  EXPECT_FALSE(back.held) << back.held_reason;
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'held'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke' AND state = "
                  "'superseded'"),
            6);
}

TEST_F(HeldRunStoreTest, OnlyAnAdministratorReleasesAndTheDaemonResolvesNothing) {
  TestLogins logins;
  const std::string daemon = logins.make("daemon", "valtuus_daemon");
  const std::string reviewer = logins.make("alice", "valtuus_reviewer");
  const std::string admin = logins.make("admin", "valtuus_admin");
  sync();
  record_ledger();
  snapshot_.employees.clear();
  const long long run = sync().run_id;
  for (const std::string& login : {daemon, reviewer}) {
    const std::string refused = try_sql(as(login), "SELECT run_release($1, '')", run);
    EXPECT_NE(refused.find("permission denied"), std::string::npos) << login << ": " << refused;
  }
  EXPECT_NE(try_sql(as(daemon), "SELECT run_discard($1, 'x')", run).find("permission denied"),
            std::string::npos);
  // Nor can the daemon write its way around the function.
  EXPECT_NE(try_sql(as(daemon),
                    "UPDATE change_item SET state = 'proposed', version = version + 1 "
                    "WHERE run_id = $1",
                    run)
                .find("permission denied"),
            std::string::npos);
  EXPECT_EQ(try_sql(as(admin), "SELECT run_release($1, 'checked with HR')", run), "");
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE released_by = '" + admin + "'"), 1);
}

TEST_F(HeldRunStoreTest, AReviewerMayDiscard) {
  TestLogins logins;
  const std::string reviewer = logins.make("alice", "valtuus_reviewer");
  sync();
  record_ledger();
  snapshot_.employees.clear();
  const long long run = sync().run_id;
  EXPECT_EQ(try_sql(as(reviewer), "SELECT run_discard($1, 'a bad read')", run), "");
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE discarded_by = '" + reviewer + "'"), 1);
}

}  // namespace
}  // namespace valtuus
