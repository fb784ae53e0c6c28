// The references that bulk writes check once per statement instead of with foreign keys hold as
// the foreign keys did: a dangling one is refused, inserted or updated, by the schema owner
// that every writing function runs as and by the daemon's login through its own function, with
// the foreign key's SQLSTATE, constraint name and key; the rows referred to are never removed
// or renumbered, not even by a superuser; an import's rows are append-only, and a row changed
// behind the audit trail's back breaks audit_verify().
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/postgres/migrations.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;
using testing::try_sql;

struct Refusal {
  std::string sqlstate;  // "" when the statement succeeded
  std::string text;
};

class BulkReferencesTest : public ::testing::Test {
 protected:
  BulkReferencesTest() : db_("bulk_references"), admin_(db_.conninfo()) {
    migrate(admin_);
    // One of everything a bulk write refers to, written as a superuser (test data).
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, entries_read, "
        "  items_added, items_superseded) VALUES (now(), 'test', true, 1, 1, 0);"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('th01', 'Teema', 'Kela', true, 730, 30);"
        "INSERT INTO employee (key, account, first_seen_run, last_seen_run) "
        "  SELECT 'k1', 'a1', id, id FROM sync_run;"
        "INSERT INTO change_item (run_id, kind, mandate_id, reason, fingerprint, employee_key) "
        "  SELECT id, 'grant', 'th01', 'needs it', 'f1', 'k1' FROM sync_run;"
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source, item_id) "
        "  SELECT 'k1', 'th01', current_date, 'item', id FROM change_item;"
        "INSERT INTO outbox (event, channel, audience, payload, idempotency_key, run_id, item_id) "
        "  SELECT 'run_items', 'mail', 'reviewers', '{}', 'seed', run_id, id FROM change_item");
    txn.commit();
  }

  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  // `sql` as valtuus_owner (the role every SECURITY DEFINER function writes as), after `setup`
  // as the superuser; rolled back either way.
  Refusal as_owner(const std::string& sql, const std::string& setup = "") {
    pqxx::connection c(db_.conninfo());
    pqxx::work txn(c);
    try {
      if (!setup.empty()) txn.exec(setup);
      txn.exec("SET LOCAL ROLE valtuus_owner");
      txn.exec(sql);
      return {};
    } catch (const pqxx::sql_error& e) {
      return {e.sqlstate(), e.what()};
    }
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(admin_);
    return txn.exec1(sql)[0].as<long long>();
  }

  TestLogins logins_;  // declared first, so dropped after the database that refers to them
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
};

struct Dangling {
  const char* what;
  const char* sql;
  const char* constraint;
  const char* key;  // the foreign key's DETAIL
};

const Dangling kDangling[] = {
    {"employee first seen",
     "INSERT INTO employee (key, account, first_seen_run) "
     "VALUES ('k2', 'a2', 999999)",
     "employee_first_seen_run_fkey",
     "Key (first_seen_run)=(999999) is not present in table \"sync_run\"."},
    {"employee last seen",
     "INSERT INTO employee (key, account, last_seen_run) "
     "VALUES ('k2', 'a2', 999999)",
     "employee_last_seen_run_fkey",
     "Key (last_seen_run)=(999999) is not present in table \"sync_run\"."},
    {"employee absent since",
     "INSERT INTO employee (key, account, absent_since_run) "
     "VALUES ('k2', 'a2', 999999)",
     "employee_absent_since_run_fkey",
     "Key (absent_since_run)=(999999) is not present in table \"sync_run\"."},
    {"employee last seen, updated", "UPDATE employee SET last_seen_run = 999999",
     "employee_last_seen_run_fkey",
     "Key (last_seen_run)=(999999) is not present in table \"sync_run\"."},
    {"employee absent since, updated", "UPDATE employee SET absent_since_run = 999999",
     "employee_absent_since_run_fkey",
     "Key (absent_since_run)=(999999) is not present in table \"sync_run\"."},
    {"item run",
     "INSERT INTO change_item (run_id, kind, mandate_id, reason, fingerprint, "
     "employee_key) VALUES (999999, 'revoke', 'th01', 'r', 'f', 'k1')",
     "change_item_run_id_fkey", "Key (run_id)=(999999) is not present in table \"sync_run\"."},
    {"item person",
     "INSERT INTO change_item (run_id, kind, mandate_id, reason, fingerprint, "
     "employee_key) SELECT id, 'revoke', 'th01', 'r', 'f', 'nobody' FROM sync_run",
     "change_item_employee_key_fkey",
     "Key (employee_key)=(nobody) is not present in table \"employee\"."},
    {"item theme",
     "INSERT INTO change_item (run_id, kind, mandate_id, reason, fingerprint, "
     "employee_key) SELECT id, 'revoke', 'th99', 'r', 'f', 'k1' FROM sync_run",
     "change_item_mandate_id_fkey",
     "Key (mandate_id)=(th99) is not present in table \"mandate_issue\"."},
    {"ledger theme",
     "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
     "VALUES ('k1', 'th99', current_date, 'import')",
     "grant_ledger_mandate_id_fkey",
     "Key (mandate_id)=(th99) is not present in table \"mandate_issue\"."},
    {"ledger item",
     "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source, "
     "item_id) VALUES ('k2', 'th01', current_date, 'item', 999999)",
     "grant_ledger_item_id_fkey",
     "Key (item_id)=(999999) is not present in table \"change_item\"."},
    {"ledger theme, updated", "UPDATE grant_ledger SET mandate_id = 'th99'",
     "grant_ledger_mandate_id_fkey",
     "Key (mandate_id)=(th99) is not present in table \"mandate_issue\"."},
    {"ledger item, updated", "UPDATE grant_ledger SET item_id = 999999",
     "grant_ledger_item_id_fkey",
     "Key (item_id)=(999999) is not present in table \"change_item\"."},
    {"notice run",
     "INSERT INTO outbox (event, channel, audience, payload, idempotency_key, "
     "run_id) VALUES ('run_items', 'mail', 'reviewers', '{}', 'k2', 999999)",
     "outbox_run_id_fkey", "Key (run_id)=(999999) is not present in table \"sync_run\"."},
    {"notice item",
     "INSERT INTO outbox (event, channel, audience, payload, idempotency_key, "
     "item_id) VALUES ('run_items', 'mail', 'reviewers', '{}', 'k2', 999999)",
     "outbox_item_id_fkey", "Key (item_id)=(999999) is not present in table \"change_item\"."},
    {"notice run, updated", "UPDATE outbox SET run_id = 999999", "outbox_run_id_fkey",
     "Key (run_id)=(999999) is not present in table \"sync_run\"."},
    {"notice item, updated", "UPDATE outbox SET item_id = 999999", "outbox_item_id_fkey",
     "Key (item_id)=(999999) is not present in table \"change_item\"."},
};

TEST_F(BulkReferencesTest, ADanglingReferenceIsRefusedAsItsForeignKeyRefusedIt) {
  for (const Dangling& d : kDangling) {
    const Refusal refusal = as_owner(d.sql);
    EXPECT_EQ(refusal.sqlstate, "23503") << d.what << ": " << refusal.text;
    EXPECT_NE(
        refusal.text.find("violates foreign key constraint \"" + std::string(d.constraint) + "\""),
        std::string::npos)
        << d.what << ": " << refusal.text;
    EXPECT_NE(refusal.text.find(d.key), std::string::npos) << d.what << ": " << refusal.text;
  }
  // The same statements with references that exist are accepted: the check is not a refusal
  // of everything.
  for (const char* sql :
       {"INSERT INTO employee (key, account, first_seen_run, last_seen_run, absent_since_run) "
        "SELECT 'k2', 'a2', id, id, id FROM sync_run",
        "UPDATE employee SET last_seen_run = (SELECT max(id) FROM sync_run)",
        "INSERT INTO change_item (run_id, kind, mandate_id, reason, fingerprint, employee_key) "
        "SELECT id, 'revoke', 'th01', 'r', 'f', 'k1' FROM sync_run",
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source, item_id) "
        "SELECT 'k2', 'th01', current_date, 'item', id FROM change_item",
        "INSERT INTO outbox (event, channel, audience, payload, idempotency_key, run_id, "
        "item_id) SELECT 'run_items', 'mail', 'reviewers', '{}', 'k2', run_id, id "
        "FROM change_item"}) {
    EXPECT_EQ(as_owner(sql).text, "") << sql;
  }
}

TEST_F(BulkReferencesTest, AnItemsRunPersonAndThemeAreCheckedEvenWithItsGuardSwitchedOff) {
  // change_item_guard refuses any change of what an item is about; should someone switch it
  // off, the references are still checked.
  const std::string no_guard = "ALTER TABLE change_item DISABLE TRIGGER change_item_state_machine";
  const Refusal run = as_owner("UPDATE change_item SET run_id = 999999", no_guard);
  EXPECT_NE(run.text.find("\"change_item_run_id_fkey\""), std::string::npos) << run.text;
  const Refusal person = as_owner("UPDATE change_item SET employee_key = 'nobody'", no_guard);
  EXPECT_NE(person.text.find("Key (employee_key)=(nobody)"), std::string::npos) << person.text;
  const Refusal theme = as_owner("UPDATE change_item SET mandate_id = 'th99'", no_guard);
  EXPECT_NE(theme.text.find("\"change_item_mandate_id_fkey\""), std::string::npos) << theme.text;
  EXPECT_EQ(as_owner("UPDATE change_item SET reason = 'still needs it'", no_guard).text, "");
}

TEST_F(BulkReferencesTest, OneDanglingValueAmongThousandsOfRowsIsFoundAndNamed) {
  const std::string rows =
      "INSERT INTO employee (key, account, first_seen_run, last_seen_run) "
      "SELECT 'p' || n, 'p' || n, r.id, CASE WHEN n = 4321 THEN 999999 ELSE r.id END "
      "FROM generate_series(1, 5000) n, (SELECT max(id) AS id FROM sync_run) r";
  const Refusal refusal = as_owner(rows);
  EXPECT_EQ(refusal.sqlstate, "23503") << refusal.text;
  EXPECT_NE(refusal.text.find("Key (last_seen_run)=(999999)"), std::string::npos) << refusal.text;
  EXPECT_EQ(as_owner("INSERT INTO employee (key, account, first_seen_run, last_seen_run) "
                     "SELECT 'p' || n, 'p' || n, r.id, r.id FROM generate_series(1, 5000) n, "
                     "(SELECT max(id) AS id FROM sync_run) r")
                .text,
            "");
}

// Of many missing values in a large statement, the first reference's smallest is named, so
// the message is the same whichever plan the check ran with (here every row of 5,000 misses
// its person: a plan reading the employee index in key order and one probing per value must
// agree).
TEST_F(BulkReferencesTest, ManyDanglingValuesNameTheSmallestOfTheFirstReference) {
  const Refusal refusal = as_owner(
      "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, fingerprint) "
      "SELECT CASE WHEN n = 77 THEN 999999 ELSE r.id END, 'grant', 'gone' || (9000 - n), "
      "CASE WHEN n = 5 THEN 'th99' ELSE 'th01' END, 'r', 'f' || n "
      "FROM generate_series(1, 5000) n, (SELECT max(id) AS id FROM sync_run) r");
  EXPECT_EQ(refusal.sqlstate, "23503") << refusal.text;
  EXPECT_NE(refusal.text.find("\"change_item_run_id_fkey\""), std::string::npos) << refusal.text;
  const Refusal person = as_owner(
      "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, fingerprint) "
      "SELECT r.id, 'grant', 'gone' || (9000 - n), 'th01', 'r', 'f' || n "
      "FROM generate_series(1, 5000) n, (SELECT max(id) AS id FROM sync_run) r");
  EXPECT_NE(person.text.find("Key (employee_key)=(gone4000)"), std::string::npos) << person.text;
}

// The daemon's login, through the function it writes a run's items with.
TEST_F(BulkReferencesTest, TheDaemonCannotAddAnItemForSomeoneWhoIsNotThere) {
  pqxx::connection daemon(as(logins_.make("daemon", "valtuus_daemon")));
  pqxx::work txn(daemon);
  const long long run =
      txn.exec1("SELECT sync_run_insert(now(), 'test', true, '', 1, 1, 0, NULL, '', true, '{}')")[0]
          .as<long long>();
  txn.exec(
      "CREATE TEMPORARY TABLE item_stage (ord bigint, kind text, mandate_id text, reason text, "
      "map_id text, policy_file text, policy_line integer, matched text, fingerprint text, "
      "waits_for_org_apply boolean, employee_key text, request_id bigint) ON COMMIT DROP; "
      "GRANT SELECT ON item_stage TO PUBLIC");
  txn.exec(
      "INSERT INTO item_stage VALUES (1, 'revoke', 'th01', 'r', 'm', 'm.yaml', 1, '[]', 'f2', "
      "false, 'k1', NULL), (2, 'grant', 'th01', 'r', 'm', 'm.yaml', 1, '[]', 'f3', false, "
      "'gone', NULL)");
  try {
    txn.exec_params("SELECT sync_add_items($1, 'proposed')", run);
    ADD_FAILURE() << "an item for a person not in employee was added";
  } catch (const pqxx::foreign_key_violation& e) {
    EXPECT_NE(std::string(e.what()).find("\"change_item_employee_key_fkey\""), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("Key (employee_key)=(gone)"), std::string::npos)
        << e.what();
  }
}

TEST_F(BulkReferencesTest, RowsReferredToAreNeverRemovedOrRenumberedEvenByASuperuser) {
  for (const char* sql :
       {"DELETE FROM sync_run", "DELETE FROM employee WHERE key = 'k1'",
        "DELETE FROM mandate_issue", "DELETE FROM change_item", "TRUNCATE sync_run CASCADE",
        "TRUNCATE employee CASCADE", "TRUNCATE mandate_issue CASCADE",
        "TRUNCATE change_item CASCADE", "UPDATE sync_run SET id = id + 100",
        "UPDATE employee SET key = 'k9'", "UPDATE mandate_issue SET id = 'th09'",
        "UPDATE change_item SET id = id + 100"}) {
    EXPECT_NE(try_sql(db_.conninfo(), sql), "") << sql;
  }
  EXPECT_NE(try_sql(db_.conninfo(), "DELETE FROM employee").find("never removed"),
            std::string::npos);
  EXPECT_NE(
      try_sql(db_.conninfo(), "UPDATE mandate_issue SET id = 'th09'").find("its id never changes"),
      std::string::npos);
  EXPECT_NE(
      try_sql(db_.conninfo(), "UPDATE change_item SET id = id + 1").find("its id never changes"),
      std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run") + count("SELECT count(*) FROM employee") +
                count("SELECT count(*) FROM mandate_issue") +
                count("SELECT count(*) FROM change_item"),
            4);
  // Their other columns change as before.
  EXPECT_EQ(try_sql(db_.conninfo(), "UPDATE mandate_issue SET name_fi = 'Uusi', id = id"), "");
  EXPECT_EQ(try_sql(db_.conninfo(), "UPDATE employee SET mail = 'k1@example.org'"), "");
}

// An import is planned and written only through the two functions an administrator may call;
// the plan's parts are not callable on their own, and no other role plans an import.
TEST_F(BulkReferencesTest, OnlyAnAdministratorPlansOrImportsGrants) {
  const std::string anna = logins_.make("anna", "valtuus_admin");
  const std::string maija = logins_.make("maija", "valtuus_reviewer");
  const std::string daemon = logins_.make("daemon", "valtuus_daemon");
  for (const std::string& login : {maija, daemon}) {
    for (const char* call :
         {"import_grants_planned('f')", "import_grants_staged('f')",
          "grant_import_make_plan('f', false)", "grant_import_plan_exceptions()"}) {
      EXPECT_NE(try_sql(as(login), std::string("SELECT * FROM ") + call).find("permission denied"),
                std::string::npos)
          << login << ": " << call;
    }
  }
  for (const char* call : {"grant_import_make_plan('f', true)", "grant_import_plan_exceptions()"}) {
    EXPECT_NE(try_sql(as(anna), std::string("SELECT * FROM ") + call).find("permission denied"),
              std::string::npos)
        << call;
  }
  // The administrator's dry run plans from the stage and writes nothing.
  {
    pqxx::work seed(admin_);
    seed.exec(
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "renewal_notice_days) VALUES ('th02', 'Toinen', 'Kela', false, 730, 30)");
    seed.commit();
  }
  pqxx::connection c(as(anna));
  pqxx::work txn(c);
  txn.exec(
      "CREATE TEMPORARY TABLE grant_import_stage (line integer, account text, mandate text, "
      "valid_from date, valid_until date, granted_by text, note text) ON COMMIT DROP; "
      "GRANT SELECT ON grant_import_stage TO PUBLIC; "
      "INSERT INTO grant_import_stage VALUES "
      "(2, 'A1', 'th01', current_date, current_date + 365, '', ''), "
      "(3, 'gone', 'th01', current_date, current_date + 365, '', ''), "
      "(4, 'gone', 'th02', current_date, current_date + 365, '', '')");
  const auto row = txn.exec1(
      "SELECT already_held, new_stub, add_for_absent FROM import_grants_planned('grants.csv')");
  EXPECT_EQ(row[0].as<std::string>(), "{2}");  // k1 holds th01 (the seed)
  EXPECT_EQ(row[1].as<std::string>(), "{3}");
  EXPECT_EQ(row[2].as<std::string>(), "{4}");
  txn.commit();
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE key = 'import:gone'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM grant_import_row"), 0);
}

TEST_F(BulkReferencesTest, AnImportsRowsAreAppendOnlyAndTheAuditTrailCoversThem) {
  const std::string anna = logins_.make("anna", "valtuus_admin");
  const std::string sami = logins_.make("sami", "valtuus_security");
  long long event = 0;
  {
    pqxx::connection c(as(anna));
    pqxx::work txn(c);
    txn.exec(
        "CREATE TEMPORARY TABLE grant_import_stage (line integer, account text, mandate text, "
        "valid_from date, valid_until date, granted_by text, note text) ON COMMIT DROP; "
        "GRANT SELECT ON grant_import_stage TO PUBLIC");
    txn.exec(
        "INSERT INTO grant_import_stage VALUES "
        "(2, 'A1', 'th01', current_date, current_date + 365, 'Päivi', 'Åsa, \"hyväksyi\"'), "
        "(3, 'gone', 'th01', current_date, current_date + 365, '', '')");
    const auto row = txn.exec1(
        "SELECT audit_event, already_held, new_stub, add_for_absent "
        "FROM import_grants_staged('grants.csv')");
    txn.commit();
    EXPECT_EQ(row[1].as<std::string>(), "{2}");  // k1 holds th01 (the seed)
    EXPECT_EQ(row[2].as<std::string>(), "{3}");
    EXPECT_EQ(row[3].as<std::string>(), "{}");
    event = row[0].as<long long>();
  }
  EXPECT_EQ(count("SELECT count(*) FROM grant_import_row WHERE line = 2 AND ledger_id IS NULL"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM grant_import_row WHERE line = 3 AND "
                  "employee_key = 'import:gone' AND ledger_id IS NOT NULL"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE id = " + std::to_string(event) +
                  " AND action = 'grants_imported' AND (details->>'rows')::int = 2 AND "
                  "(details->>'added')::int = 1 AND (details->>'already_held')::int = 1 AND "
                  "details->>'rows_sha256' = grant_import_digest((details->>'import')::bigint) "
                  "AND length(details->>'rows_sha256') = 64"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM grant_import_row WHERE note = 'Åsa, \"hyväksyi\"' AND "
                  "granted_by = 'Päivi' AND action = 'already held' AND employee_key = 'k1'"),
            1);
  const auto problems = [&] {
    std::vector<std::pair<long long, std::string>> found;
    pqxx::connection c(as(sami));  // security reads the trail and checks it
    pqxx::read_transaction txn(c);
    for (const auto& row : txn.exec("SELECT event_id, problem FROM audit_verify()"))
      found.emplace_back(row[0].as<long long>(), row[1].as<std::string>());
    return found;
  };
  EXPECT_TRUE(problems().empty());

  // Nobody changes them, not the administrator, not even a superuser while the guard is on.
  EXPECT_NE(try_sql(as(anna), "UPDATE grant_import_row SET note = ''").find("permission denied"),
            std::string::npos);
  EXPECT_NE(try_sql(db_.conninfo(), "UPDATE grant_import_row SET note = ''"), "");
  EXPECT_NE(try_sql(db_.conninfo(), "DELETE FROM grant_import_row"), "");
  EXPECT_NE(try_sql(db_.conninfo(), "TRUNCATE grant_import_row"), "");

  // Someone who can switch the guard off edits a note, then removes a row: each breaks the check.
  const auto behind_its_back = [&](const std::string& sql) {
    pqxx::work txn(admin_);
    txn.exec("ALTER TABLE grant_import_row DISABLE TRIGGER grant_import_row_append_only");
    txn.exec(sql);
    txn.exec("ALTER TABLE grant_import_row ENABLE TRIGGER grant_import_row_append_only");
    txn.commit();
  };
  behind_its_back("UPDATE grant_import_row SET note = 'Åsa' WHERE line = 2");
  auto found = problems();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, event);
  EXPECT_NE(found[0].second.find("imported rows changed"), std::string::npos) << found[0].second;
  behind_its_back("UPDATE grant_import_row SET note = 'Åsa, \"hyväksyi\"' WHERE line = 2");
  EXPECT_TRUE(problems().empty());  // the digest is of the content: put back, it matches
  behind_its_back("DELETE FROM grant_import_row WHERE line = 3");
  found = problems();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].first, event);
}

}  // namespace
}  // namespace valtuus
