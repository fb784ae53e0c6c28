// The web console's decisions as the database enforces them (sql/010_web.sql), with the
// console connected as a login in valtuus_console: it acts only for a named person who logged
// in, only within that person's roles, and under every rule valtuusctl's functions apply (the
// version seen, four eyes, held runs). The audit trail names the person and "via web".
#include "connectors/postgres/web_decisions.h"

#include <gtest/gtest.h>

#include "connectors/postgres/migrations.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;
using Kind = WebRefusal::Kind;

// Items: 1 grant proposed; 2 grant in a held run; 3 grant from rita's order form;
// 4 org_apply proposed.
class WebDecisionsTest : public ::testing::Test {
 protected:
  WebDecisionsTest() : db_("web"), admin_(db_.conninfo()) {
    migrate(admin_);
    console_login_ = logins_.make("console", "valtuus_console");
    reviewer_login_ = logins_.make("cli", "valtuus_reviewer");
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (1, now(), 'test', true, 2, 3, 0);"
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, entries_read, "
        "  items_added, items_superseded, held_reason, held_at) "
        "  VALUES (2, now(), 'test', true, 2, 1, 0, 'too many revokes', now());"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "renewal_notice_days) "
        "  VALUES ('kela', 'Kela-asiat', 'Kela', true, 730, 60), ('te', 'TE-asiat', 'TE', true, "
        "730, 60),"
        "  ('okm', 'OKM-avustukset', 'OKM', false, 730, 60);"
        "INSERT INTO employee (key, account, display_name) VALUES ('k-anna', 'anna', 'Anna'),"
        "  ('k-rita', 'rita', 'Rita');"
        "INSERT INTO manual_request (id, employee_key, mandate_id, why, requested_by) "
        "  VALUES (1, 'k-anna', 'te', 'needs it', 'Rita');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint, request_id) VALUES "
        "  (1, 1, 'grant', 'proposed', 'k-anna', 'kela', 'map', 'f1', NULL),"
        "  (2, 2, 'grant', 'held', 'k-rita', 'kela', 'map', 'f2', NULL),"
        "  (3, 1, 'grant', 'proposed', 'k-anna', 'te', 'order form', 'f3', 1),"
        "  (4, 1, 'org_apply', 'proposed', NULL, 'okm', 'path 2', 'f4', NULL);"
        "SELECT setval('change_item_id_seq', 4);");
    txn.commit();
    console_ = std::make_unique<pqxx::connection>(as(console_login_));
    web_ = std::make_unique<WebDecisions>(*console_);
  }

  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  void login(const std::string& account, std::vector<std::string> roles) {
    web_->record_login({account, account + " Person", std::move(roles), std::chrono::hours{8}});
  }

  template <typename F>
  Kind refusal(F&& decision) {
    try {
      decision();
    } catch (const WebRefusal& e) {
      last_message_ = e.what();
      return e.kind();
    }
    ADD_FAILURE() << "the decision was not refused";
    return Kind::kInvalid;
  }

  pqxx::row item(long long id) {
    pqxx::read_transaction txn(admin_);
    return txn.exec_params1(
        "SELECT state, version, coalesce(decided_by, ''), coalesce(executed_by, '') "
        "FROM change_item WHERE id = $1",
        id);
  }

  TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::string console_login_, reviewer_login_;
  std::unique_ptr<pqxx::connection> console_;
  std::unique_ptr<WebDecisions> web_;
  std::string last_message_;
};

TEST_F(WebDecisionsTest, TheConsoleDecidesNothingWithoutAPersonWhoLoggedIn) {
  EXPECT_EQ(refusal([&] { web_->approve("", 1, 1); }), Kind::kNotAllowed);
  EXPECT_NE(last_message_.find("named person"), std::string::npos) << last_message_;
  EXPECT_EQ(refusal([&] { web_->approve("nobody", 1, 1); }), Kind::kNotAllowed);
  EXPECT_NE(last_message_.find("not logged in"), std::string::npos) << last_message_;
  EXPECT_EQ(item(1)[0].as<std::string>(), "proposed");
}

TEST_F(WebDecisionsTest, TheConsoleCannotUseValtuusctlsFunctionsOrWriteTables) {
  for (const char* sql :
       {"SELECT approve_item(1, 1)", "SELECT approve_item_as('rita', 'web', 1, 1)",
        "SELECT mark_item_done_as('rita', 'web', 1, 1, NULL, NULL, '')",
        "UPDATE change_item SET state = 'approved', version = 2 WHERE id = 1",
        "INSERT INTO web_person VALUES ('eve', '', '{admin}', now(), now() + interval '1 hour')",
        "SELECT * FROM identity_code"}) {
    EXPECT_NE(testing::try_sql(as(console_login_), sql).find("permission denied"),
              std::string::npos)
        << sql;
  }
  // And a reviewer's own login cannot act as someone else through the web functions.
  EXPECT_NE(testing::try_sql(as(reviewer_login_), "SELECT web_approve_item('rita', 1, 1)")
                .find("permission denied"),
            std::string::npos);
  EXPECT_EQ(item(1)[0].as<std::string>(), "proposed");
}

TEST_F(WebDecisionsTest, ARolesDecisionsAreOnlyThoseTheRoleAllows) {
  login("sanna", {"security"});
  EXPECT_EQ(refusal([&] { web_->approve("sanna", 1, 1); }), Kind::kNotAllowed);
  EXPECT_NE(last_message_.find("reviewer or admin"), std::string::npos) << last_message_;
  EXPECT_EQ(refusal([&] { web_->reject("sanna", 1, 1, "no", std::nullopt); }), Kind::kNotAllowed);
  // The roles of the last login count: a reviewer whose group was taken away loses the right.
  login("rauno", {"reviewer"});
  login("rauno", {});
  EXPECT_EQ(refusal([&] { web_->approve("rauno", 1, 1); }), Kind::kNotAllowed);
  EXPECT_EQ(item(1)[0].as<std::string>(), "proposed");
}

TEST_F(WebDecisionsTest, ALoginRunsOutWithItsSession) {
  login("rauno", {"reviewer"});
  pqxx::work txn(admin_);
  txn.exec("UPDATE web_person SET acts_until = now() - interval '1 second'");
  txn.commit();
  EXPECT_EQ(refusal([&] { web_->approve("rauno", 1, 1); }), Kind::kNotAllowed);
  // A session longer than a day, or unknown roles, are refused at login.
  EXPECT_THROW(web_->record_login({"rauno", "", {"reviewer"}, std::chrono::hours{25}}),
               pqxx::sql_error);
  EXPECT_THROW(web_->record_login({"rauno", "", {"superuser"}, std::chrono::hours{1}}),
               pqxx::sql_error);
}

TEST_F(WebDecisionsTest, ADecisionRecordsThePersonAndThatItCameThroughTheWeb) {
  login("Rauno", {"reviewer"});
  EXPECT_EQ(web_->approve("RAUNO", 1, 1), 2);
  EXPECT_EQ(web_->done("rauno", 1, 2, std::nullopt, std::nullopt, "granted in Suomi.fi"), 3);
  const pqxx::row row = item(1);
  EXPECT_EQ(row[0].as<std::string>(), "done");
  EXPECT_EQ(row[2].as<std::string>(), "rauno");
  EXPECT_EQ(row[3].as<std::string>(), "rauno");
  pqxx::read_transaction txn(admin_);
  const auto events = txn.exec(
      "SELECT actor, action, details->>'via' FROM audit_event "
      "WHERE item_id = 1 OR action = 'web_login' ORDER BY id");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0][1].as<std::string>(), "web_login");
  for (const auto& event : events) {
    EXPECT_EQ(event[0].as<std::string>(), "rauno");
    EXPECT_EQ(event[2].as<std::string>(), "web");
  }
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM grant_ledger WHERE employee_key = 'k-anna' "
                      "AND mandate_id = 'kela' AND revoked_at IS NULL")[0]
                .as<int>(),
            1);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_verify()")[0].as<int>(), 0);
}

TEST_F(WebDecisionsTest, AStalePageChangesNothing) {
  login("rauno", {"reviewer"});
  login("riikka", {"reviewer"});
  ASSERT_EQ(web_->approve("rauno", 1, 1), 2);
  EXPECT_EQ(refusal([&] { web_->reject("riikka", 1, 1, "not needed", std::nullopt); }),
            Kind::kStale);
  EXPECT_NE(last_message_.find("changed since you saw it"), std::string::npos) << last_message_;
  EXPECT_EQ(item(1)[1].as<int>(), 2);
  EXPECT_EQ(item(1)[2].as<std::string>(), "rauno");
  EXPECT_EQ(refusal([&] { web_->approve("rauno", 99, 1); }), Kind::kNotFound);
}

TEST_F(WebDecisionsTest, NobodyApprovesTheirOwnOrderThroughTheWebEither) {
  login("rita", {"reviewer"});  // ordered item 3 (as "Rita")
  EXPECT_EQ(refusal([&] { web_->approve("rita", 3, 1); }), Kind::kNotAllowed);
  EXPECT_NE(last_message_.find("another person must approve it"), std::string::npos);
  login("rauno", {"reviewer"});
  EXPECT_EQ(web_->approve("rauno", 3, 1), 2);
}

TEST_F(WebDecisionsTest, HeldItemsCannotBeDecidedEvenByAnAdmin) {
  login("aino", {"admin"});
  EXPECT_EQ(refusal([&] { web_->approve("aino", 2, 1); }), Kind::kInvalid);
  EXPECT_NE(last_message_.find("held"), std::string::npos) << last_message_;
  EXPECT_EQ(item(2)[0].as<std::string>(), "held");
}

TEST_F(WebDecisionsTest, TheStateMachineAndValuesAreCheckedAsForValtuusctl) {
  login("rauno", {"reviewer"});
  EXPECT_EQ(refusal([&] { web_->done("rauno", 1, 1, std::nullopt, std::nullopt, ""); }),
            Kind::kInvalid);
  EXPECT_EQ(refusal([&] { web_->reject("rauno", 1, 1, "  ", std::nullopt); }), Kind::kInvalid);
  ASSERT_EQ(web_->approve("rauno", 4, 1), 2);
  EXPECT_EQ(web_->applied("rauno", 4, 2, "DVV 123"), 3);
  EXPECT_EQ(refusal([&] { web_->failed("rauno", 4, 3, ""); }), Kind::kInvalid);
  EXPECT_EQ(web_->failed("rauno", 4, 3, "DVV refused"), 4);
  ASSERT_EQ(web_->approve("rauno", 1, 1), 2);
  EXPECT_EQ(refusal([&] { web_->done("rauno", 1, 2, std::nullopt, "2099-01-01", ""); }),
            Kind::kInvalid);  // more than 25 years ahead
}

// Bulk approve (sql/011_web_runs.sql): each item bound to its version, all or nothing.
TEST_F(WebDecisionsTest, BulkApproveApprovesAllWithOneCommentOrNone) {
  login("rita", {"reviewer"});
  login("sanna", {"security"});
  EXPECT_EQ(refusal([&] {
              web_->approve_all("sanna", {{1, 1}, {4, 1}}, "ok");
            }),
            Kind::kNotAllowed);
  EXPECT_EQ(refusal([&] { web_->approve_all("rita", {{1, 1}, {4, 1}}, " "); }), Kind::kInvalid);
  EXPECT_EQ(refusal([&] { web_->approve_all("rita", {}, "ok"); }), Kind::kInvalid);
  EXPECT_EQ(refusal([&] { web_->approve_all("rita", {{1, 1}, {1, 1}}, "ok"); }), Kind::kInvalid);
  // Rita's own order among them: four eyes refuses it, and the others are not approved either.
  EXPECT_EQ(refusal([&] {
              web_->approve_all("rita", {{1, 1}, {3, 1}, {4, 1}}, "ok");
            }),
            Kind::kNotAllowed);
  // A held item, or a version the page no longer shows, likewise.
  EXPECT_EQ(refusal([&] { web_->approve_all("rita", {{1, 1}, {2, 1}}, "ok"); }), Kind::kInvalid);
  EXPECT_EQ(refusal([&] { web_->approve_all("rita", {{1, 1}, {4, 7}}, "ok"); }), Kind::kStale);
  EXPECT_NE(last_message_.find("item 4"), std::string::npos) << last_message_;
  EXPECT_EQ(item(1)[0].as<std::string>(), "proposed");
  EXPECT_EQ(item(4)[0].as<std::string>(), "proposed");

  EXPECT_EQ(web_->approve_all("rita", {{1, 1}, {4, 1}}, "checked against HR's list"), 2);
  EXPECT_EQ(item(1)[0].as<std::string>(), "approved");
  EXPECT_EQ(item(1)[2].as<std::string>(), "rita");
  EXPECT_EQ(item(4)[0].as<std::string>(), "approved");
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'item_approved' "
                      "AND actor = 'rita' AND details->>'via' = 'web'")[0]
                .as<int>(),
            2);
  const auto together = txn.exec1(
      "SELECT actor, details->>'comment', details->'items' = '[1, 4]'::jsonb FROM audit_event "
      "WHERE action = 'items_approved_together'");
  EXPECT_EQ(together[0].as<std::string>(), "rita");
  EXPECT_EQ(together[1].as<std::string>(), "checked against HR's list");
  EXPECT_TRUE(together[2].as<bool>());
}

TEST_F(WebDecisionsTest, ValtuusctlStillStampsItsLoginAndWritesNoVia) {
  EXPECT_EQ(testing::try_sql(as(reviewer_login_), "SELECT approve_item(1, 1)"), "");
  EXPECT_EQ(item(1)[2].as<std::string>(), reviewer_login_);
  pqxx::read_transaction txn(admin_);
  const auto event = txn.exec1(
      "SELECT actor, details ? 'via' FROM audit_event WHERE item_id = 1 "
      "AND action = 'item_approved'");
  EXPECT_EQ(event[0].as<std::string>(), reviewer_login_);
  EXPECT_FALSE(event[1].as<bool>());
}

}  // namespace
}  // namespace valtuus
