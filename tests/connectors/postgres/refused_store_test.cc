// Refused entries in the store: a run from a complete read with a refused person leaves that
// person's row and grants alone, records the refused entries through record_refused_entries
// (its audit event in the same transaction) under the daemon's own login, and no login writes
// the table directly.
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

const TimePoint kRefusedNow = std::chrono::floor<std::chrono::seconds>(Clock::now());

class RefusedStoreTest : public ::testing::Test {
 protected:
  RefusedStoreTest() : db_("refused"), connection_(db_.conninfo()) { migrate(connection_); }

  void SetUp() override {
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    kela.organisation_holds = true;
    policy_.catalog = {kela};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 4, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.source = "test";
    for (const char* account : {"aastrom", "mmakinen"}) {
      Employee e;
      e.key = std::string("key-") + account;
      e.account = account;
      e.dn = std::string("CN=") + account + ",OU=People,DC=x";
      e.department = "Elinkeinoasiat";
      snapshot_.employees.push_back(e);
    }
  }

  RunRecord sync(pqxx::connection& connection) {
    return plan_and_write(*borrow_sync_store(connection),
                          {snapshot_, policy_, rules_, kRefusedNow, kRefusedNow, {}}, false,
                          guard_);
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

TEST_F(RefusedStoreTest, ARefusedPersonKeepsRowAndGrantsAndTheRunListsThem) {
  TestLogins logins;
  pqxx::connection daemon(as(logins.make("daemon", "valtuus_daemon")));
  const long long first = sync(daemon).run_id;
  {
    pqxx::work txn(connection_);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT key, 'kela-etuustiedot', current_date, 'import' FROM employee");
    txn.commit();
  }
  // mmakinen's account is refused (the entry is not read); aastrom's department was blanked.
  snapshot_.employees.erase(snapshot_.employees.begin() + 1);
  snapshot_.employees[0].department = "";
  snapshot_.refused = {{"CN=mmakinen,OU=People,DC=x", "key-mmakinen", "", "account",
                        "sAMAccountName: contains a control character"},
                       {"CN=aastrom,OU=People,DC=x", "key-aastrom", "aastrom", "department",
                        "department: contains a control character"}};
  const RunRecord run = sync(daemon);
  EXPECT_EQ(run.plan.stats.revokes, 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke'"), 0);
  // Their rows are as the first run stored them.
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'active' AND department = "
                  "'Elinkeinoasiat' AND last_seen_run = " +
                  std::to_string(first)),
            2);
  const RunDetail detail = load_run(connection_, run.run_id);
  EXPECT_EQ(detail.run.entries_refused, 2);
  ASSERT_EQ(detail.refused.size(), 2u);
  EXPECT_EQ(detail.refused[0].dn, "CN=mmakinen,OU=People,DC=x");
  EXPECT_EQ(detail.refused[0].field, "account");
  EXPECT_EQ(detail.refused[1].account, "aastrom");
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'entries_refused' AND "
                  "(details->>'entries')::int = 2 AND run_id = " +
                  std::to_string(run.run_id)),
            1);
}

TEST_F(RefusedStoreTest, OnlyTheFunctionWritesRefusedEntriesAndOnlyOncePerRun) {
  TestLogins logins;
  const std::string daemon = logins.make("daemon", "valtuus_daemon");
  const std::string reviewer = logins.make("alice", "valtuus_reviewer");
  const std::string security = logins.make("sec", "valtuus_security");
  pqxx::connection connection(as(daemon));
  snapshot_.refused = {{"CN=x,DC=x", "", "", "key", "objectGUID: not 16 bytes"}};
  const long long run = sync(connection).run_id;
  for (const std::string& login : {daemon, reviewer, security}) {
    EXPECT_NE(try_sql(as(login),
                      "INSERT INTO refused_entry (run_id, dn, field, reason) "
                      "VALUES ($1, 'CN=y', 'key', 'forged')",
                      run)
                  .find("permission denied"),
              std::string::npos)
        << login;
    EXPECT_EQ(try_sql(as(login), "SELECT count(*) FROM refused_entry"), "") << login;
  }
  EXPECT_NE(try_sql(as(reviewer),
                    "SELECT record_refused_entries($1, '{a}', '{\"\"}', '{key}', '{r}')", run)
                .find("permission denied"),
            std::string::npos);
  // A second list for the same run would rewrite what the run saw.
  EXPECT_NE(
      try_sql(as(daemon), "SELECT record_refused_entries($1, '{a}', '{\"\"}', '{key}', '{r}')", run)
          .find("already recorded"),
      std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM refused_entry"), 1);
}

}  // namespace
}  // namespace valtuus
