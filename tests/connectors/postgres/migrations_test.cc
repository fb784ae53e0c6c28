#include "connectors/postgres/migrations.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "tests/support/test_database.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

TEST(Migrations, EmptyDatabaseMigratesToTheLatestVersionOnce) {
  TestDatabase db("migrate");
  pqxx::connection c(db.conninfo());
  EXPECT_EQ(schema_status(c).current, 0);
  EXPECT_THROW(require_current_schema(c), ConfigError);
  const auto applied = migrate(c);
  ASSERT_EQ(applied.size(), known_migrations().size());
  EXPECT_EQ(applied.front(), "001_initial.sql");
  EXPECT_EQ(schema_status(c).current, expected_schema_version());
  EXPECT_NO_THROW(require_current_schema(c));
  EXPECT_TRUE(migrate(c).empty());
  pqxx::read_transaction txn(c);
  for (const char* table :
       {"sync_run", "employee", "mandate_issue", "change_item", "grant_ledger", "audit_event"}) {
    EXPECT_TRUE(txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", table)[0].as<bool>())
        << table;
  }
}

TEST(Migrations, RefusesADatabaseNewerThanTheProgram) {
  TestDatabase db("newer");
  pqxx::connection c(db.conninfo());
  migrate(c);
  {
    pqxx::work txn(c);
    txn.exec("INSERT INTO schema_version (version, name) VALUES (999, '999_future.sql')");
    txn.commit();
  }
  try {
    require_current_schema(c);
    FAIL() << "accepted schema version 999";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("999"), std::string::npos);
  }
  EXPECT_THROW(migrate(c), ConfigError);
}

TEST(Migrations, AuditTrailRefusesUpdateAndDelete) {
  TestDatabase db("audit");
  pqxx::connection c(db.conninfo());
  migrate(c);
  {
    pqxx::work txn(c);
    txn.exec("INSERT INTO audit_event (action) VALUES ('test')");
    txn.commit();
  }
  for (const char* statement : {"UPDATE audit_event SET action = 'edited'",
                                "DELETE FROM audit_event", "TRUNCATE audit_event"}) {
    pqxx::work txn(c);
    EXPECT_THROW(txn.exec(statement), pqxx::sql_error) << statement;
  }
  pqxx::read_transaction txn(c);
  EXPECT_EQ(txn.exec1("SELECT action FROM audit_event")[0].as<std::string>(), "test");
}

TEST(Migrations, OnlyOneOpenItemPerEmployeeThemeAndKind) {
  TestDatabase db("unique");
  pqxx::connection c(db.conninfo());
  migrate(c);
  pqxx::work setup(c);
  setup.exec(
      "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, entries_read, "
      "  items_added, items_superseded) VALUES (now(), 'test', true, 0, 0, 0);"
      "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
      "  renewal_notice_days) VALUES ('m', 'M', 'Kela', true, 730, 60);"
      "INSERT INTO employee (key, account) VALUES ('k', 'a');"
      "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, fingerprint) "
      "  VALUES (1, 'grant', 'k', 'm', 'r', 'f1')");
  setup.commit();
  {
    pqxx::work txn(c);
    EXPECT_THROW(txn.exec("INSERT INTO change_item (run_id, kind, employee_key, mandate_id, "
                          "reason, fingerprint) VALUES (1, 'grant', 'k', 'm', 'r', 'f2')"),
                 pqxx::unique_violation);
  }
  pqxx::work txn(c);
  txn.exec("UPDATE change_item SET state = 'superseded', version = version + 1");
  EXPECT_NO_THROW(
      txn.exec("INSERT INTO change_item (run_id, kind, employee_key, mandate_id, "
               "reason, fingerprint) VALUES (1, 'grant', 'k', 'm', 'r', 'f2')"));
}

}  // namespace
}  // namespace valtuus
