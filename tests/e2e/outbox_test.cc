// Notifications end to end: valtuusd --once enqueues them in its run's transaction (its
// proposed grants announced there, their notices written by the notifier's login), people's
// decisions through valtuusctl enqueue theirs, and valtuusctl outbox lists, previews and
// retries them. Mail addresses, managers and languages come from the directory.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

class OutboxCommandsTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    // Matti (Swedish, regional tag) reports to Jörgen (English); Åsa has no address.
    const std::string ldif = "dn: cn=mmakinen," + base_ +
                             "\nchangetype: modify\nadd: mail\nmail: matti@porvoo.example\n-\n"
                             "add: preferredLanguage\npreferredLanguage: sv-FI\n-\n"
                             "add: manager\nmanager: CN=johman," +
                             base_ +
                             "\n\n"
                             "dn: cn=johman," +
                             base_ +
                             "\nchangetype: modify\nadd: mail\nmail: jorgen@porvoo.example\n-\n"
                             "add: preferredLanguage\npreferredLanguage: en\n\n";
    ProcessResult modified = ldap_modify(ldif);
    ASSERT_EQ(modified.exit_code, 0) << modified.err;
    migrate_and_sync();
  }

  ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config_});
    return valtuusctl(args);
  }

  json outbox(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"outbox", "list", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult result = ctl(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out);
  }

  static std::vector<json> of(const json& rows, const std::string& event) {
    std::vector<json> out;
    for (const json& r : rows) {
      if (r["event"] == event) out.push_back(r);
    }
    return out;
  }

  long long item(const std::string& account, const std::string& mandate) {
    pqxx::connection c(db_->conninfo());
    pqxx::read_transaction txn(c);
    return txn
        .exec_params1(
            "SELECT i.id FROM change_item i JOIN employee e ON e.key = i.employee_key "
            "WHERE e.account = $1 AND i.mandate_id = $2 AND i.kind = 'grant'",
            account, mandate)[0]
        .as<long long>();
  }

  // What valtuus-notify does at the start of each pass, as a login of the notifier's role: the
  // "grant proposed" notices of the items the runs announced. Returns how many.
  int announce() {
    if (notifier_.empty()) notifier_ = logins_.make("notify", "valtuus_notifier");
    pqxx::connection c(db_->conninfo() + " user=" + notifier_);
    pqxx::work txn(c);
    const int written = txn.exec1("SELECT outbox_announce_pending()")[0].as<int>();
    txn.commit();
    return written;
  }

  void exec(const std::string& sql) {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(sql);
    txn.commit();
  }

  std::string notifier_;  // a login of the notifier's role, made on first use
};

TEST_F(OutboxCommandsTest, ARunAndADecisionEnqueueTheirMessagesAndShowRendersThem) {
  // Right after the run, its grants' notices are not written yet: `outbox list` (as a reviewer)
  // says how many wait for the notifier, and stops saying it once they are written.
  const long long proposed = count(
      "SELECT count(*) FROM change_item WHERE state = 'proposed' AND kind IN ('grant', 'renew') "
      "AND employee_key IS NOT NULL");
  ASSERT_GT(proposed, 0);
  const std::string reviewer = config_as(logins_.make("maija", "valtuus_reviewer"));
  const std::string waiting = std::to_string(proposed) +
                              " proposed grant(s) wait for valtuus-notify to write their "
                              "\"grant proposed\" notices";
  ProcessResult listed = valtuusctl({"--config", reviewer, "outbox", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(waiting), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("run_items"), std::string::npos) << listed.out;
  EXPECT_TRUE(of(outbox(), "grant_proposed").empty());
  EXPECT_GT(announce(), 0);
  listed = valtuusctl({"--config", reviewer, "outbox", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out.find("wait for valtuus-notify"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("grant_proposed"), std::string::npos) << listed.out;

  const json rows = outbox();
  ASSERT_EQ(of(rows, "run_items").size(), 1u) << rows.dump(2);
  EXPECT_EQ(of(rows, "run_items")[0]["audience"], "reviewers");
  // Jörgen hears of Matti's grants as his manager (and of his own as an employee).
  bool to_matti = false, to_jorgen = false;
  for (const json& r : of(rows, "grant_proposed")) {
    if (r["recipient"] == "matti@porvoo.example") {
      to_matti = true;
      EXPECT_EQ(r["language"], "sv");
      EXPECT_EQ(r["audience"], "employee");
    } else if (r["recipient"] == "jorgen@porvoo.example") {
      to_jorgen = to_jorgen || r["audience"] == "manager";
      EXPECT_EQ(r["language"], "en");
    } else {
      ADD_FAILURE() << "unexpected recipient " << r.dump();
    }
  }
  EXPECT_TRUE(to_matti && to_jorgen) << rows.dump(2);

  // A second run over the same directory enqueues nothing, nor announces anything.
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  EXPECT_EQ(announce(), 0);
  EXPECT_EQ(outbox().size(), rows.size());

  const std::string id = std::to_string(item("mmakinen", "te-tyonhakija"));
  ASSERT_EQ(ctl({"approve", id}).exit_code, 0);
  ProcessResult done = ctl({"done", id});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  const auto grant_done = of(outbox(), "grant_done");
  ASSERT_EQ(grant_done.size(), 2u);
  long long to_employee = 0;
  for (const json& r : grant_done) {
    EXPECT_EQ(r["item_id"], std::stoll(id));
    if (r["audience"] == "employee") to_employee = r["id"].get<long long>();
  }
  ASSERT_NE(to_employee, 0);

  ProcessResult shown = ctl({"outbox", "show", std::to_string(to_employee), "--template-dir",
                             VALTUUS_SOURCE_TEMPLATE_DIR});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const char* fragment :
       {"grant_done by mail to matti@porvoo.example (sv), pending", "To: matti@porvoo.example",
        "Subject: Suomi.fi-fullmakten kan", "Hej Matti Mäkinen", "giltig till:"}) {
    EXPECT_NE(shown.out.find(fragment), std::string::npos) << fragment << "\n" << shown.out;
  }
}

TEST_F(OutboxCommandsTest, ADeadRowIsListedAndRetried) {
  ProcessResult none = ctl({"outbox", "list", "--dead"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "No dead notifications.\n");
  const long long id = of(outbox(), "run_items").at(0)["id"].get<long long>();
  exec("UPDATE outbox SET state = 'dead', attempts = 10, last_error = '421 try later' WHERE id = " +
       std::to_string(id));
  const json dead = outbox({"--dead"});
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["last_error"], "421 try later");
  ProcessResult table = ctl({"outbox", "list", "--dead"});
  EXPECT_NE(table.out.find("421 try later"), std::string::npos) << table.out;

  // As the README's logins: a reviewer may not retry; an administrator does.
  const std::string reviewer = config_as(logins_.make("maija", "valtuus_reviewer"));
  ProcessResult refused = valtuusctl({"--config", reviewer, "outbox", "retry", std::to_string(id)});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("permission denied"), std::string::npos) << refused.err;
  config_ = config_as(logins_.make("anna", "valtuus_admin"));
  ProcessResult retried = ctl({"outbox", "retry", std::to_string(id)});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_TRUE(outbox({"--dead"}).empty());
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'outbox_retry'"), 1);
  ProcessResult again = ctl({"outbox", "retry", std::to_string(id)});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("not dead"), std::string::npos) << again.err;
  EXPECT_EQ(ctl({"outbox", "retry", "999999"}).exit_code, 65) << "a missing row is a data error";
  EXPECT_EQ(ctl({"outbox", "retry", "x"}).exit_code, 64);
}

}  // namespace
}  // namespace valtuus::testing
