// Held runs through the web console as the database enforces them (sql/011_web_runs.sql): the
// console, a login in valtuus_console, releases only for an administrator and discards for a
// reviewer or an administrator, with a reason; the run and the audit trail name the person and
// that it came through the web; valtuusctl's functions still stamp their own login.
#include <gtest/gtest.h>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/web_decisions.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using Kind = WebRefusal::Kind;

// Run 1 complete; runs 2 and 3 held, each with one held item (2 and 3).
class WebRunsTest : public ::testing::Test {
 protected:
  WebRunsTest() : db_("webruns"), admin_(db_.conninfo()) {
    migrate(admin_);
    console_login_ = logins_.make("console", "valtuus_console");
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (1, now(), 'test', true, 2, 0, 0);"
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, entries_read, "
        "  items_added, items_superseded, held_reason, held_at) "
        "  VALUES (2, now(), 'test', true, 2, 1, 0, 'too many revokes', now()),"
        "  (3, now(), 'test', true, 2, 1, 0, 'incomplete read', now());"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('kela', 'Kela-asiat', 'Kela', true, 730, 60),"
        "  ('te', 'TE-asiat', 'TE', true, 730, 60);"
        "INSERT INTO employee (key, account, display_name) VALUES ('k-anna', 'anna', 'Anna');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint) VALUES (2, 2, 'revoke', 'held', 'k-anna', 'kela', 'left', 'f2'),"
        "  (3, 3, 'revoke', 'held', 'k-anna', 'te', 'left', 'f3');"
        "SELECT setval('change_item_id_seq', 3);");
    txn.commit();
    console_ = std::make_unique<pqxx::connection>(as(console_login_));
    web_ = std::make_unique<WebDecisions>(*console_);
  }

  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  void login(const std::string& account, std::vector<std::string> roles) {
    web_->record_login({account, account + " Person", std::move(roles), std::chrono::hours{8}});
  }

  template <typename F>
  Kind refusal(F&& action) {
    try {
      action();
    } catch (const WebRefusal& e) {
      last_message_ = e.what();
      return e.kind();
    }
    ADD_FAILURE() << "the action was not refused";
    return Kind::kInvalid;
  }

  std::string item_state(long long id) {
    pqxx::read_transaction txn(admin_);
    return txn.exec_params1("SELECT state FROM change_item WHERE id = $1", id)[0].as<std::string>();
  }

  pqxx::row run(long long id) {
    pqxx::read_transaction txn(admin_);
    return txn.exec_params1(
        "SELECT coalesce(released_by, ''), coalesce(discarded_by, '') FROM sync_run WHERE id = $1",
        id);
  }

  testing::TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::string console_login_;
  std::unique_ptr<pqxx::connection> console_;
  std::unique_ptr<WebDecisions> web_;
  std::string last_message_;
};

TEST_F(WebRunsTest, OnlyAnAdministratorReleases) {
  login("rauno", {"reviewer"});
  login("sanna", {"security"});
  EXPECT_EQ(refusal([&] { web_->release_run("rauno", 2, ""); }), Kind::kNotAllowed);
  EXPECT_NE(last_message_.find("admin"), std::string::npos) << last_message_;
  EXPECT_EQ(refusal([&] { web_->release_run("sanna", 2, ""); }), Kind::kNotAllowed);
  EXPECT_EQ(refusal([&] { web_->release_run("", 2, ""); }), Kind::kNotAllowed);
  EXPECT_EQ(item_state(2), "held");
  EXPECT_EQ(run(2)[0].as<std::string>(), "");

  login("aino", {"admin"});
  EXPECT_EQ(web_->release_run("aino", 2, "checked with HR"), 1);
  EXPECT_EQ(item_state(2), "proposed");
  EXPECT_EQ(run(2)[0].as<std::string>(), "aino");
  pqxx::read_transaction txn(admin_);
  const auto event = txn.exec1(
      "SELECT actor, details->>'via', details->>'note' FROM audit_event "
      "WHERE action = 'run_released' AND run_id = 2");
  EXPECT_EQ(event[0].as<std::string>(), "aino");
  EXPECT_EQ(event[1].as<std::string>(), "web");
  EXPECT_EQ(event[2].as<std::string>(), "checked with HR");
}

TEST_F(WebRunsTest, AReviewerDiscardsWithAReasonAndSecurityCannot) {
  login("rauno", {"reviewer"});
  login("sanna", {"security"});
  EXPECT_EQ(refusal([&] { web_->discard_run("sanna", 3, "no"); }), Kind::kNotAllowed);
  EXPECT_EQ(refusal([&] { web_->discard_run("rauno", 3, " "); }), Kind::kInvalid);
  EXPECT_NE(last_message_.find("needs a reason"), std::string::npos) << last_message_;
  EXPECT_EQ(item_state(3), "held");

  EXPECT_EQ(web_->discard_run("rauno", 3, "a wrong OU was read"), 1);
  EXPECT_EQ(item_state(3), "discarded");
  EXPECT_EQ(run(3)[1].as<std::string>(), "rauno");
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'run_discarded' "
                      "AND run_id = 3 AND actor = 'rauno' AND details->>'via' = 'web'")[0]
                .as<int>(),
            1);
}

TEST_F(WebRunsTest, AResolvedOrUnheldRunCannotBeResolvedAgain) {
  login("aino", {"admin"});
  ASSERT_EQ(web_->discard_run("aino", 3, "wrong OU"), 1);
  EXPECT_EQ(refusal([&] { web_->release_run("aino", 3, ""); }), Kind::kInvalid);
  EXPECT_NE(last_message_.find("already discarded"), std::string::npos) << last_message_;
  EXPECT_EQ(item_state(3), "discarded");
  EXPECT_EQ(refusal([&] { web_->discard_run("aino", 1, "x"); }), Kind::kInvalid);
  EXPECT_NE(last_message_.find("not held"), std::string::npos) << last_message_;
  EXPECT_EQ(refusal([&] { web_->release_run("aino", 99, ""); }), Kind::kNotFound);
}

TEST_F(WebRunsTest, TheConsoleCannotCallTheRunFunctionsDirectly) {
  for (const char* sql : {"SELECT run_release(2, '')", "SELECT run_discard(2, 'x')",
                          "SELECT run_release_as('aino', 'web', 2, '')",
                          "SELECT run_discard_as('aino', 'web', 2, 'x')"}) {
    EXPECT_NE(testing::try_sql(as(console_login_), sql).find("permission denied"),
              std::string::npos)
        << sql;
  }
  EXPECT_EQ(item_state(2), "held");
}

TEST_F(WebRunsTest, ValtuusctlsReleaseStillStampsItsLoginAndWritesNoVia) {
  const std::string admin_login = logins_.make("cli", "valtuus_admin");
  pqxx::connection cli(as(admin_login));
  pqxx::work txn(cli);
  EXPECT_EQ(txn.exec1("SELECT run_release(2, 'ok')")[0].as<int>(), 1);
  txn.commit();
  EXPECT_EQ(run(2)[0].as<std::string>(), admin_login);
  pqxx::read_transaction check(admin_);
  const auto event =
      check.exec1("SELECT actor, details ? 'via' FROM audit_event WHERE action = 'run_released'");
  EXPECT_EQ(event[0].as<std::string>(), admin_login);
  EXPECT_FALSE(event[1].as<bool>());
}

}  // namespace
}  // namespace valtuus
