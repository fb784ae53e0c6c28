// Only functions change state: every login of every group role is refused INSERT, UPDATE,
// DELETE and TRUNCATE on every table of the schema (read from the catalog, so a table a later
// migration adds is covered without touching this test); the schema owner cannot log in; the
// state machine refuses an item change that did not come through a decision function.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "connectors/postgres/migrations.h"
#include "core/errors.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;
using testing::try_sql;

class LeastPrivilegeTest : public ::testing::Test {
 protected:
  LeastPrivilegeTest() : db_("least_privilege") {
    pqxx::connection owner(db_.conninfo());
    migrate(owner);
  }

  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  std::vector<std::pair<std::string, std::string>> tables_and_a_column() {
    pqxx::connection c(db_.conninfo());
    pqxx::read_transaction txn(c);
    std::vector<std::pair<std::string, std::string>> tables;
    for (const auto& row : txn.exec(
             "SELECT c.relname, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid "
             "  AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LIMIT 1) "
             "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
             "AND c.relkind IN ('r', 'p') ORDER BY c.relname")) {
      tables.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    }
    return tables;
  }

  TestLogins logins_;  // declared first, so dropped after the database that refers to them
  testing::MigratedDatabase db_;
};

bool refused(const std::string& error) {
  return error.find("permission denied") != std::string::npos;
}

TEST_F(LeastPrivilegeTest, NoLoginWritesAnyTableDirectly) {
  // Every group role the migrations created (read from the catalog, so a role a later
  // migration adds, such as the web console's, is covered too), one login in each.
  std::map<std::string, std::string> people;
  {
    pqxx::connection c(db_.conninfo());
    pqxx::read_transaction txn(c);
    for (const auto& row : txn.exec(
             "SELECT rolname FROM pg_roles WHERE rolname LIKE 'valtuus\\_%' AND NOT rolcanlogin "
             "AND rolname <> 'valtuus_owner' ORDER BY rolname")) {
      const std::string group = row[0].as<std::string>();
      people[logins_.make(group.substr(8), group)] = group;
    }
  }
  std::set<std::string> groups;
  for (const auto& [login, group] : people) groups.insert(group);
  for (const char* group : {"valtuus_admin", "valtuus_daemon", "valtuus_notifier",
                            "valtuus_reviewer", "valtuus_security"}) {
    EXPECT_TRUE(groups.count(group)) << group;
  }
  const auto tables = tables_and_a_column();
  ASSERT_GE(tables.size(), 14u);  // the catalog query found the schema's tables
  int tried = 0;
  for (const auto& [login, group] : people) {
    for (const auto& [table, column] : tables) {
      const std::string t = "\"" + table + "\"";
      const std::string c = "\"" + column + "\"";
      // Privileges are checked before any row is looked at: WHERE false still needs them.
      for (const std::string& sql :
           {"INSERT INTO " + t + " DEFAULT VALUES", "UPDATE " + t + " SET " + c + " = " + c,
            "DELETE FROM " + t, "TRUNCATE " + t}) {
        const std::string error = try_sql(as(login), sql);
        EXPECT_TRUE(refused(error))
            << group << ": " << sql << ": " << (error.empty() ? "succeeded" : error);
        ++tried;
      }
    }
  }
  EXPECT_GT(tried, 250);
}

TEST_F(LeastPrivilegeTest, EverythingBelongsToTheOwnerRoleWhichCannotLogIn) {
  pqxx::connection c(db_.conninfo());
  pqxx::read_transaction txn(c);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                      "AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                      "AND relowner <> 'valtuus_owner'::regrole")[0]
                .as<int>(),
            0);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
                      "AND proowner <> 'valtuus_owner'::regrole")[0]
                .as<int>(),
            0);
  // Every SECURITY DEFINER function runs as the owner, never as the superuser that migrated.
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
                      "AND prosecdef AND proowner <> 'valtuus_owner'::regrole")[0]
                .as<int>(),
            0);
  const auto role = txn.exec1(
      "SELECT rolcanlogin, rolsuper, rolcreaterole, rolbypassrls FROM pg_roles "
      "WHERE rolname = 'valtuus_owner'");
  EXPECT_FALSE(role[0].as<bool>());
  EXPECT_FALSE(role[1].as<bool>());
  EXPECT_FALSE(role[2].as<bool>());
  EXPECT_FALSE(role[3].as<bool>());
  try {
    pqxx::connection owner(as("valtuus_owner"));
    ADD_FAILURE() << "valtuus_owner logged in";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("not permitted to log in"), std::string::npos) << e.what();
  }
}

// Migrations create cluster roles and give the schema to valtuus_owner: only a superuser may,
// and any other login is told how to run them instead of failing halfway.
TEST(Migrate, RefusesALoginThatIsNotASuperuserWithTheWayToRunIt) {
  TestLogins logins;
  TestDatabase fresh("migrate_as_login");
  const std::string admin = logins.make("anna", "valtuus_admin");
  pqxx::connection c(fresh.conninfo() + " user=" + admin);
  try {
    migrate(c);
    ADD_FAILURE() << "a login that is not a superuser migrated";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sudo -u postgres valtuusctl db migrate"),
              std::string::npos)
        << e.what();
  }
  pqxx::read_transaction txn(c);
  EXPECT_FALSE(txn.exec1("SELECT to_regclass('schema_version') IS NOT NULL")[0].as<bool>());
}

class ForgedDecisionTest : public LeastPrivilegeTest {
 protected:
  ForgedDecisionTest() {
    pqxx::connection c(db_.conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, entries_read, "
        "items_added, items_superseded) VALUES (now(), 'test', true, 1, 1, 0);"
        "INSERT INTO employee (key, account) VALUES ('k', 'mmakinen');"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "renewal_notice_days) VALUES ('kela', 'Kela', 'Kela', true, 730, 30);");
    item_ = txn.exec1(
                   "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, "
                   "fingerprint) SELECT max(id), 'grant', 'k', 'kela', 'needs', 'f' "
                   "FROM sync_run RETURNING id")[0]
                .as<long long>();
    txn.commit();
  }

  long long audit_events() {
    pqxx::connection c(db_.conninfo());
    pqxx::read_transaction txn(c);
    return txn.exec1("SELECT count(*) FROM audit_event")[0].as<long long>();
  }

  std::string state() {
    pqxx::connection c(db_.conninfo());
    pqxx::read_transaction txn(c);
    return txn.exec_params1("SELECT state FROM change_item WHERE id = $1", item_)[0]
        .as<std::string>();
  }

  long long item_ = 0;
};

TEST_F(ForgedDecisionTest, AnAdministratorCannotApproveByUpdatingTheItem) {
  const std::string admin = logins_.make("anna", "valtuus_admin");
  const long long before = audit_events();
  const std::string error = try_sql(as(admin),
                                    "UPDATE change_item SET state = 'approved', version = 2, "
                                    "decided_by = 'someone else', decided_at = now() WHERE id = $1",
                                    item_);
  EXPECT_TRUE(refused(error)) << error;
  EXPECT_EQ(state(), "proposed");
  EXPECT_EQ(audit_events(), before);
}

// A site that grants UPDATE on change_item to a login by mistake still gets no forged
// decision: the state machine accepts a change only from inside a decision function.
TEST_F(ForgedDecisionTest, TheStateMachineRefusesAChangeOutsideTheDecisionFunctions) {
  const std::string admin = logins_.make("anna", "valtuus_admin");
  {
    pqxx::connection c(db_.conninfo());
    pqxx::work txn(c);
    txn.exec("GRANT UPDATE ON change_item TO " + txn.quote_name(admin));
    txn.commit();
  }
  const std::string error = try_sql(
      as(admin), "UPDATE change_item SET state = 'approved', version = 2 WHERE id = $1", item_);
  EXPECT_NE(error.find("may not change an item directly"), std::string::npos) << error;
  EXPECT_EQ(state(), "proposed");

  // The same change through the function is accepted and audited, by a reviewer.
  const std::string reviewer = logins_.make("maija", "valtuus_reviewer");
  EXPECT_EQ(try_sql(as(reviewer), "SELECT approve_item($1, 1)", item_), "");
  EXPECT_EQ(state(), "approved");
}

// The daemon writes items only through its functions; even a daemon login given INSERT on the
// table by mistake cannot insert one already decided in a person's name: an item is born
// proposed or held.
TEST_F(ForgedDecisionTest, TheDaemonCannotInsertAnItemAlreadyDecided) {
  const std::string daemon = logins_.make("valtuus", "valtuus_daemon");
  EXPECT_NE(
      try_sql(as(daemon), "INSERT INTO change_item (run_id) VALUES (1)").find("permission denied"),
      std::string::npos);
  {
    pqxx::connection c(db_.conninfo());
    pqxx::work txn(c);
    txn.exec("GRANT INSERT ON change_item TO " + txn.quote_name(daemon));
    txn.exec("GRANT USAGE ON SEQUENCE change_item_id_seq TO " + txn.quote_name(daemon));
    txn.commit();
  }
  const auto insert = [&](const std::string& columns, const std::string& values) {
    return try_sql(as(daemon),
                   "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, "
                   "fingerprint, " +
                       columns + ") SELECT max(id), 'revoke', 'k', 'kela', 'r', 'f', " + values +
                       " FROM sync_run");
  };
  const std::pair<const char*, const char*> forged[] = {
      {"state, decided_by", "'approved', 'maija'"},
      {"state, decided_by", "'proposed', 'maija'"},
      {"state, version", "'proposed', 7"},
      {"state, executed_by, executed_at", "'done', 'maija', now()"},
  };
  for (const auto& [columns, values] : forged) {
    const std::string error = insert(columns, values);
    EXPECT_NE(error.find("a new item is proposed or held"), std::string::npos)
        << columns << ": " << (error.empty() ? "inserted" : error);
  }
  EXPECT_EQ(insert("state", "'held'"), "");
}

// What administrators still change (channels, identity codes) goes through functions that
// refuse other roles and record who did it.
TEST_F(ForgedDecisionTest, AdministratorsChangeChannelsAndEraseCodesOnlyThroughAuditedFunctions) {
  const std::string admin = logins_.make("anna", "valtuus_admin");
  const std::string reviewer = logins_.make("maija", "valtuus_reviewer");
  {
    pqxx::connection c(db_.conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked) "
        "VALUES ('k', '\\x00', '\\x00', '\\x00', '131052-****')");
    txn.commit();
  }
  EXPECT_TRUE(
      refused(try_sql(as(reviewer), "SELECT outbox_channel_set('reviewers', 'webhook', true)")));
  EXPECT_TRUE(refused(try_sql(as(reviewer), "SELECT erase_identity_code('k', 'asked')")));
  EXPECT_TRUE(refused(try_sql(as(reviewer), "SELECT outbox_set_default_language('sv')")));
  EXPECT_EQ(try_sql(as(admin), "SELECT outbox_channel_set('reviewers', 'webhook', true)"), "");
  EXPECT_EQ(try_sql(as(admin), "SELECT outbox_set_default_language('sv')"), "");
  EXPECT_NE(try_sql(as(admin), "SELECT outbox_set_default_language('de')").find("check"),
            std::string::npos);
  EXPECT_NE(try_sql(as(admin), "SELECT outbox_channel_set('employee', 'webhook', true)")
                .find("outbox_channel_check"),
            std::string::npos)
      << "people are reached by mail only";
  EXPECT_NE(try_sql(as(admin), "SELECT erase_identity_code('k', ' ')").find("needs a reason"),
            std::string::npos);
  EXPECT_EQ(try_sql(as(admin), "SELECT erase_identity_code('k', 'data subject request 12')"), "");

  pqxx::connection c(db_.conninfo());
  pqxx::read_transaction txn(c);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM outbox_channel WHERE audience = 'reviewers' "
                      "AND channel = 'webhook'")[0]
                .as<int>(),
            1);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM identity_code")[0].as<int>(), 0);
  EXPECT_EQ(txn.exec_params1("SELECT count(*) FROM audit_event WHERE actor = $1 AND action IN "
                             "('outbox_channel_added', 'identity_code_erased', "
                             "'outbox_default_language_set')",
                             admin)[0]
                .as<int>(),
            3);
  EXPECT_EQ(txn.exec1("SELECT default_language FROM outbox_setting")[0].as<std::string>(), "sv");
}

}  // namespace
}  // namespace valtuus
