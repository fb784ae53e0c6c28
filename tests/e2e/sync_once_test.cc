// valtuusd --once, then valtuusctl changes list: the walking skeleton end to end.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

json list_json(const ProcessResult& result) {
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out);
}

const json* find_item(const json& items, const std::string& account, const std::string& mandate) {
  for (const json& item : items)
    if (item["account"] == account && item["mandate"] == mandate) return &item;
  return nullptr;
}

class SyncOnceTest : public E2eTest {};

TEST_F(SyncOnceTest, ProposesTheMapsGrantsAndASecondRunAddsNothing) {
  ProcessResult migrate = valtuusctl({"--config", config_, "db", "migrate"});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  EXPECT_NE(migrate.out.find("applied 001_initial.sql"), std::string::npos);

  ProcessResult first = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("read 4"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("(complete)"), std::string::npos) << first.err;

  json items = list_json(valtuusctl({"--config", config_, "changes", "list", "--format", "json"}));
  ASSERT_TRUE(items.is_array());
  ASSERT_EQ(items.size(), 7u) << items.dump(2);
  for (const json& item : items) {
    for (const char* field :
         {"id", "kind", "state", "account", "department", "title", "mandate", "reason"}) {
      EXPECT_TRUE(item.contains(field)) << field;
    }
    EXPECT_EQ(item["kind"], "grant");
    EXPECT_EQ(item["state"], "proposed");
    EXPECT_NE(item["account"], "sjarvinen");  // disabled: a leaver gets nothing
  }
  const json* coach = find_item(items, "mmakinen", "te-tyonhakija");
  ASSERT_NE(coach, nullptr);
  EXPECT_EQ((*coach)["department"], "Elinkeinoasiat");
  EXPECT_EQ((*coach)["title"], "Omavalmentaja");
  EXPECT_NE((*coach)["reason"].get<std::string>().find("job seekers"), std::string::npos);
  EXPECT_NE((*coach)["rule"].get<std::string>().find("maps/elinkeinoasiat.yaml:"),
            std::string::npos);
  // "ELINKEINOASIAT " in the directory matches the map's "Elinkeinoasiat".
  EXPECT_NE(find_item(items, "aastrom", "kela-etuustiedot"), nullptr);
  EXPECT_NE(find_item(items, "johman", "vero-veroasiat"), nullptr);

  ProcessResult second = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.err.find("no changes"), std::string::npos) << second.err;
  json again = list_json(valtuusctl({"--config", config_, "changes", "list", "--format", "json"}));
  EXPECT_EQ(again, items);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 7);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 2);
}

TEST_F(SyncOnceTest, TableShowsAReviewerWhoWhatAndWhy) {
  ASSERT_EQ(valtuusctl({"--config", config_, "db", "migrate"}).exit_code, 0);
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  ProcessResult table = valtuusctl({"--config", config_, "changes", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("ACCOUNT"), std::string::npos);
  EXPECT_NE(table.out.find("Åsa Åström"), std::string::npos);
  EXPECT_NE(table.out.find("te-tyonhakija"), std::string::npos);
  EXPECT_NE(table.out.find("7 item(s)"), std::string::npos);

  ProcessResult csv = valtuusctl({"--config", config_, "changes", "list", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("ID,KIND,STATE,ACCOUNT", 0), 0u);
}

TEST_F(SyncOnceTest, DryRunPrintsThePlanAndWritesNothing) {
  ASSERT_EQ(valtuusctl({"--config", config_, "db", "migrate"}).exit_code, 0);
  ProcessResult dry = valtuusd({"--config", config_, "--once", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("+ grant te-tyonhakija"), std::string::npos) << dry.out;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
}

TEST_F(SyncOnceTest, LeaverInTheDirectoryAfterAGrantIsDoneGetsARevoke) {
  ASSERT_EQ(valtuusctl({"--config", config_, "db", "migrate"}).exit_code, 0);
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  // The ledger says mmakinen holds kela-etuustiedot; then the account is disabled.
  {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT key, 'kela-etuustiedot', current_date, 'import' FROM employee "
        "WHERE account = 'mmakinen'");
    txn.commit();
  }
  ProcessResult disabled = ldap_modify("dn: cn=mmakinen," + base_ +
                                       "\nchangetype: modify\nreplace: userAccountControl\n"
                                       "userAccountControl: 514\n");
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  json items = list_json(
      valtuusctl({"--config", config_, "changes", "list", "--format", "json", "--kind", "revoke"}));
  ASSERT_EQ(items.size(), 1u) << items.dump(2);
  EXPECT_EQ(items[0]["account"], "mmakinen");
  EXPECT_EQ(items[0]["mandate"], "kela-etuustiedot");
  EXPECT_NE(items[0]["reason"].get<std::string>().find("disabled"), std::string::npos);
  // Their other open grants are no longer wanted: superseded, not deleted.
  EXPECT_EQ(count("SELECT count(*) FROM change_item i JOIN employee e ON e.key = i.employee_key "
                  "WHERE e.account = 'mmakinen' AND i.state = 'superseded'"),
            3);
}

}  // namespace
}  // namespace valtuus::testing
