// The daemon's login writes no table directly: every write of a sync run goes through the
// functions of sql/009_sync_writes.sql, which check it and write its audit event. Tried on every
// table the schema has, so a new table is covered without editing this test.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/reconcile.h"
#include "daemon/sync_cycle.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;
using testing::try_sql;

TEST(DaemonPrivilegesTest, TheDaemonWritesNoTableDirectlyButSyncsThroughTheFunctions) {
  TestLogins logins;
  TestDatabase db("daemon_privileges");
  pqxx::connection admin(db.conninfo());
  migrate(admin);
  const std::string daemon = db.conninfo() + " user=" + logins.make("daemon", "valtuus_daemon");

  // A run written as the daemon, so that every table the daemon touches has rows to refuse.
  Policy policy;
  MandateIssue kela;
  kela.id = "kela-etuustiedot";
  kela.name_fi = "Etuustietojen katselu";
  kela.service = "Kela";
  policy.catalog = {kela};
  AuthorisationMap map;
  map.id = "talous";
  map.match.department = {"Talous"};
  map.grants = {{"kela-etuustiedot", "Claims", {"m.yaml", 1, 1}}};
  policy.maps = {map};
  Snapshot snapshot;
  snapshot.complete = true;
  snapshot.source = "test";
  Employee e;
  e.key = "key-anna";
  e.account = "anna";
  e.department = "Talous";
  snapshot.employees = {e};
  const TimePoint now = std::chrono::floor<std::chrono::seconds>(Clock::now());
  {
    pqxx::connection as_daemon(daemon);
    const RunRecord record =
        plan_and_write(*borrow_sync_store(as_daemon),
                       {snapshot, policy, LeaverRules{}, now, now, {}}, false, GuardOptions{});
    ASSERT_GT(record.run_id, 0);
    ASSERT_EQ(record.plan.add.size(), 1u);
  }

  std::vector<std::pair<std::string, std::string>> tables;  // name, a column
  {
    pqxx::read_transaction txn(admin);
    for (const auto& row : txn.exec(
             "SELECT c.relname, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid "
             "  AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LIMIT 1) "
             "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1")) {
      tables.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    }
  }
  ASSERT_GT(tables.size(), 10u);
  for (const auto& [table, column] : tables) {
    const std::string t = admin.quote_name(table);
    const std::string c = admin.quote_name(column);
    for (const std::string& sql :
         {"INSERT INTO " + t + " DEFAULT VALUES", "UPDATE " + t + " SET " + c + " = " + c,
          "DELETE FROM " + t, "TRUNCATE " + t}) {
      EXPECT_NE(try_sql(daemon, sql).find("permission denied"), std::string::npos)
          << sql << " as the daemon";
    }
  }
  // Nor can it call the functions to write a run it did not start in its transaction.
  EXPECT_NE(try_sql(daemon, "SELECT sync_write_employees(1, '{}')").find("not started"),
            std::string::npos);
  EXPECT_NE(try_sql(daemon, "SELECT sync_add_items(1, 'proposed')").find("not started"),
            std::string::npos);
  EXPECT_NE(try_sql(daemon, "SELECT sync_reconcile_mark_write(1, 0, 0, '', now(), '{}')")
                .find("not started"),
            std::string::npos);
  // And a run's items are never added in a decided state.
  EXPECT_NE(try_sql(daemon,
                    "SELECT sync_add_items(sync_run_insert(now(), 't', true, '', 0, 0, 0, NULL, "
                    "'', true, '{}'), 'approved')")
                .find("proposed or held"),
            std::string::npos);
}

}  // namespace
}  // namespace valtuus
