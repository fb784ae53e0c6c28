// The review workflow as the database enforces it, with people and the daemon connected as
// their own login roles: least privilege, the state machine, versions, four eyes, the ledger,
// and the hash-chained audit trail.
#include <gtest/gtest.h>
#include <unistd.h>

#include <thread>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/reconcile.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::test_env;
using testing::TestDatabase;

const TimePoint kReviewNow = std::chrono::floor<std::chrono::seconds>(Clock::now());

using Logins = testing::TestLogins;

class ReviewTest : public ::testing::Test {
 protected:
  ReviewTest() : db_("review"), admin_(db_.conninfo()) {
    migrate(admin_);
    alice_ = logins_.make("alice", "valtuus_reviewer");
    bob_ = logins_.make("bob", "valtuus_reviewer");
    daemon_ = logins_.make("daemon", "valtuus_daemon");
    security_ = logins_.make("sec", "valtuus_security");
    policy_.catalog = {theme("kela-etuustiedot", true), theme("okm-avustukset", false)};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 4, 9}},
                  {"okm-avustukset", "Applies for OKM grants", {"m.yaml", 5, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.source = "test";
    Employee e;
    e.key = "key-mmakinen";
    e.account = "mmakinen";
    e.department = "Elinkeinoasiat";
    snapshot_.employees = {e};
  }

  static MandateIssue theme(const std::string& id, bool holds) {
    MandateIssue m;
    m.id = id;
    m.name_fi = id;
    m.service = "Kela";
    m.organisation_holds = holds;
    return m;
  }

  std::string as(const std::string& role) const {
    return db_.conninfo() + " user=" + role;  // the later user= wins in libpq
  }

  // One sync run, written as the daemon's own login.
  RunRecord sync() {
    pqxx::connection daemon(as(daemon_));
    return plan_and_write(*borrow_sync_store(daemon),
                          {snapshot_, policy_, rules_, kReviewNow, kReviewNow, {}}, false,
                          GuardOptions{});
  }

  long long item(const std::string& kind, const std::string& mandate) {
    pqxx::read_transaction txn(admin_);
    return txn
        .exec_params1(
            "SELECT id FROM change_item WHERE kind = $1 AND mandate_id = $2 "
            "ORDER BY id DESC LIMIT 1",
            kind, mandate)[0]
        .as<long long>();
  }

  std::string state_of(long long id) {
    pqxx::read_transaction txn(admin_);
    return txn.exec_params1("SELECT state FROM change_item WHERE id = $1", id)[0].as<std::string>();
  }

  // Runs `sql` as `role`; returns the refusal's text, or "" on success.
  template <typename... Args>
  std::string try_as(const std::string& role, const std::string& sql, Args&&... args) {
    return testing::try_sql(as(role), sql, std::forward<Args>(args)...);
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(admin_);
    return txn.exec1(sql)[0].as<long long>();
  }

  Logins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::string alice_, bob_, daemon_, security_;
  Policy policy_;
  Snapshot snapshot_;
  LeaverRules rules_;
};

TEST_F(ReviewTest, DaemonWritesRunsButCannotDecide) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  EXPECT_NE(try_as(daemon_, "SELECT approve_item($1, 1)", id).find("permission denied"),
            std::string::npos);
  EXPECT_NE(
      try_as(daemon_, "UPDATE change_item SET state = 'approved', version = 2 WHERE id = $1", id)
          .find("permission denied"),
      std::string::npos);
  EXPECT_NE(try_as(daemon_,
                   "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, "
                   "source) VALUES ('x', 'kela-etuustiedot', current_date, 'import')")
                .find("permission denied"),
            std::string::npos);
  EXPECT_EQ(state_of(id), "proposed");
}

TEST_F(ReviewTest, SecurityReadsButChangesNothing) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  EXPECT_EQ(try_as(security_, "SELECT count(*) FROM change_item"), "");
  EXPECT_NE(try_as(security_, "SELECT approve_item($1, 1)", id).find("permission denied"),
            std::string::npos);
  EXPECT_NE(try_as(security_, "DELETE FROM employee").find("permission denied"), std::string::npos);
}

TEST_F(ReviewTest, ApprovalStampsThePersonAndNeedsTheVersionTheySaw) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  EXPECT_NE(try_as(alice_, "SELECT approve_item($1, 7)", id).find("changed since you saw it"),
            std::string::npos);
  EXPECT_EQ(try_as(alice_, "SELECT approve_item($1, 1)", id), "");
  pqxx::read_transaction txn(admin_);
  auto row =
      txn.exec_params1("SELECT state, version, decided_by FROM change_item WHERE id = $1", id);
  EXPECT_EQ(row[0].as<std::string>(), "approved");
  EXPECT_EQ(row[1].as<int>(), 2);
  EXPECT_EQ(row[2].as<std::string>(), alice_);
  // Bob saw version 1 too: his decision is refused, not applied on top of Alice's.
  EXPECT_NE(try_as(bob_, "SELECT reject_item($1, 1, 'no', NULL)", id).find("changed since"),
            std::string::npos);
}

TEST_F(ReviewTest, EveryIllegalTransitionIsRefused) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  // proposed → done, proposed → applied (and applied is for org_apply only)
  EXPECT_NE(try_as(alice_, "SELECT mark_item_done($1, 1, NULL, NULL, '')", id).find("not allowed"),
            std::string::npos);
  EXPECT_NE(try_as(alice_, "SELECT mark_item_applied($1, 1, '')", id).find("not allowed"),
            std::string::npos);
  ASSERT_EQ(try_as(alice_, "SELECT approve_item($1, 1)", id), "");
  EXPECT_NE(try_as(alice_, "SELECT mark_item_applied($1, 2, '')", id).find("not allowed"),
            std::string::npos);
  EXPECT_NE(try_as(alice_, "SELECT approve_item($1, 2)", id).find("not allowed"),
            std::string::npos);
  ASSERT_EQ(try_as(alice_, "SELECT mark_item_done($1, 2, NULL, NULL, 'done in Suomi.fi')", id), "");
  for (const char* sql :
       {"SELECT approve_item($1, 3)", "SELECT reject_item($1, 3, 'x', NULL)",
        "SELECT mark_item_failed($1, 3, 'x')", "SELECT mark_item_done($1, 3, NULL, NULL, '')"}) {
    EXPECT_NE(try_as(alice_, sql, id).find("not allowed"), std::string::npos) << sql;
  }
  // Even the superuser cannot jump states or rewrite what an item is about.
  pqxx::work txn(admin_);
  EXPECT_THROW(txn.exec_params("UPDATE change_item SET state = 'proposed', version = version + 1 "
                               "WHERE id = $1",
                               id),
               pqxx::sql_error);
}

TEST_F(ReviewTest, RejectionNeedsAReasonAndStandsAsAnException) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  EXPECT_NE(try_as(alice_, "SELECT reject_item($1, 1, '  ', NULL)", id).find("needs a reason"),
            std::string::npos);
  ASSERT_EQ(try_as(alice_, "SELECT reject_item($1, 1, 'Works without it', NULL)", id), "");
  RunRecord again = sync();
  EXPECT_EQ(again.plan.stats.suppressed, 1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE mandate_id = 'kela-etuustiedot'"), 1);
}

TEST_F(ReviewTest, OnlyDoneChangesTheLedger) {
  sync();
  const long long grant = item("grant", "kela-etuustiedot");
  ASSERT_EQ(try_as(alice_, "SELECT approve_item($1, 1)", grant), "");
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger"), 0);
  ASSERT_EQ(
      try_as(bob_, "SELECT mark_item_done($1, 2, now() - interval '1 hour', NULL, '')", grant), "");
  pqxx::read_transaction txn(admin_);
  auto row = txn.exec1(
      "SELECT valid_until - valid_from, item_id FROM grant_ledger WHERE revoked_at IS NULL");
  EXPECT_EQ(row[0].as<int>(), 730);  // the theme's default validity
  EXPECT_EQ(row[1].as<long long>(), grant);
  txn.commit();
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'done' AND executed_by = '" +
                  bob_ + "'"),
            1);
}

TEST_F(ReviewTest, PathTwoGoesThroughAppliedAndGivesTheOrganisationTheRight) {
  sync();
  const long long apply = item("org_apply", "okm-avustukset");
  ASSERT_EQ(try_as(alice_, "SELECT approve_item($1, 1)", apply), "");
  ASSERT_EQ(try_as(alice_, "SELECT mark_item_applied($1, 2, 'sent to DVV')", apply), "");
  EXPECT_EQ(state_of(apply), "applied");
  ASSERT_EQ(try_as(alice_, "SELECT mark_item_done($1, 3, NULL, NULL, 'DVV decision')", apply), "");
  EXPECT_EQ(count("SELECT count(*) FROM organisation_holding WHERE mandate_id = 'okm-avustukset'"),
            1);
  // The waiting grant no longer waits: the next run replaces it with a path-1 grant.
  RunRecord next = sync();
  EXPECT_EQ(next.plan.stats.org_applies, 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'grant' AND mandate_id = "
                  "'okm-avustukset' AND state = 'proposed' AND NOT waits_for_org_apply"),
            1);
}

TEST_F(ReviewTest, NobodyApprovesTheirOwnOrderForm) {
  policy_.catalog[1].organisation_holds = true;
  policy_.maps[0].grants.pop_back();  // okm only through the order form
  sync();
  // What is already being granted is not ordered again (the order form's rule).
  ASSERT_EQ(count("SELECT count(*) FROM change_item WHERE mandate_id = 'okm-avustukset'"), 0);
  ASSERT_EQ(
      try_as(alice_,
             "SELECT create_request('MMAKINEN', 'okm-avustukset', 'covers a colleague', NULL)"),
      "");
  EXPECT_NE(try_as(bob_, "SELECT create_request('MMAKINEN', 'okm-avustukset', 'asked twice', NULL)")
                .find("already open"),
            std::string::npos);
  sync();
  const long long id = item("grant", "okm-avustukset");
  {
    pqxx::read_transaction txn(admin_);
    EXPECT_FALSE(
        txn.exec_params1("SELECT request_id FROM change_item WHERE id = $1", id)[0].is_null());
  }
  const int version =
      static_cast<int>(count("SELECT version FROM change_item WHERE id = " + std::to_string(id)));
  EXPECT_NE(try_as(alice_, "SELECT approve_item($1, $2)", id, version).find("another person"),
            std::string::npos);
  EXPECT_EQ(try_as(bob_, "SELECT approve_item($1, $2)", id, version), "");
  EXPECT_EQ(count("SELECT count(*) FROM manual_request WHERE state = 'approved'"), 1);
}

TEST_F(ReviewTest, ConcurrentRunsCannotDuplicateAnOpenItem) {
  std::thread first([&] { sync(); });
  std::thread second([&] { sync(); });
  first.join();
  second.join();
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 3);  // 2 grants and 1 org_apply, once
}

TEST_F(ReviewTest, AuditTrailIsChainedAndTamperingIsDetected) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  ASSERT_EQ(try_as(alice_, "SELECT approve_item($1, 1)", id), "");
  ASSERT_EQ(try_as(alice_, "SELECT mark_item_failed($1, 2, 'Suomi.fi was down')", id), "");
  EXPECT_EQ(count("SELECT count(*) FROM audit_verify()"), 0);
  EXPECT_NE(try_as(alice_, "UPDATE audit_event SET actor = 'mallory'").find("permission denied"),
            std::string::npos);
  {
    // Someone with the power to switch off the guard edits one event...
    pqxx::work txn(admin_);
    txn.exec("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
    txn.exec("UPDATE audit_event SET actor = 'mallory' WHERE action = 'item_approved'");
    txn.exec("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
    txn.commit();
  }
  pqxx::read_transaction check(admin_);
  auto broken = check.exec("SELECT event_id, problem FROM audit_verify()");
  ASSERT_FALSE(broken.empty());
  EXPECT_EQ(broken[0][1].as<std::string>(), "content changed");
}

TEST_F(ReviewTest, RemovedAuditEventIsDetected) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  ASSERT_EQ(try_as(alice_, "SELECT approve_item($1, 1)", id), "");
  ASSERT_EQ(try_as(alice_, "SELECT mark_item_failed($1, 2, 'x')", id), "");
  {
    pqxx::work txn(admin_);
    txn.exec("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
    txn.exec("DELETE FROM audit_event WHERE action = 'item_approved'");
    txn.exec("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
    txn.commit();
  }
  pqxx::read_transaction check(admin_);
  auto broken = check.exec("SELECT problem FROM audit_verify()");
  ASSERT_FALSE(broken.empty());
  EXPECT_EQ(broken[0][0].as<std::string>(), "previous event removed or changed");
}

}  // namespace
}  // namespace valtuus
