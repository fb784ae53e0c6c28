// valtuus-notify end to end: the real program drains a migrated database's outbox into the
// loopback receivers (scripts/test-receivers) over STARTTLS SMTP and HTTPS, as a login of the
// valtuus_notifier role. Rows are put with the database's own outbox_put, as the triggers do.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <pqxx/pqxx>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "connectors/postgres/migrations.h"
#include "tests/notify/receivers_env.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"

namespace valtuus::testing {
namespace {

class NotifyE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>("notify");
    {
      pqxx::connection c(db_->conninfo());
      migrate(c);
    }
    login_ = logins_.make("notifier", "valtuus_notifier");
    domain_ = Receivers::unique_name("notify");
    segment_ = Receivers::unique_name("hook");
    dir_ = scratch_dir("notify");
    config_ = write_config({});
  }

  std::string notifier_conninfo() const {
    std::string conninfo = db_->conninfo();
    const auto at = conninfo.find("user=postgres");
    return conninfo.replace(at, 13, "user=" + login_);
  }

  // The configuration file; `overrides` ("key = value") replace or add [notify] settings.
  std::string write_config(const std::vector<std::string>& overrides) {
    const Receivers& r = Receivers::get();
    std::map<std::string, std::string> notify{
        {"smtp_url", r.value("VALTUUS_TEST_SMTP_URL")},
        {"smtp_ca_file", r.value("VALTUUS_TEST_RECEIVERS_CA_FILE")},
        {"smtp_user", r.value("VALTUUS_TEST_SMTP_USER")},
        {"smtp_password_file", r.value("VALTUUS_TEST_SMTP_PASSWORD_FILE")},
        {"mail_from", "valtuus@kunta.example"},
        {"reviewers_mail", "reviewers@" + domain_ + ", second-reviewer@" + domain_},
        {"security_mail", "security@" + domain_},
        {"webhook_url", r.value("VALTUUS_TEST_WEBHOOK_URL") + "/hooks/" + segment_},
        {"webhook_ca_file", r.value("VALTUUS_TEST_RECEIVERS_CA_FILE")},
        {"webhook_token_file", r.value("VALTUUS_TEST_WEBHOOK_TOKEN_FILE")},
        {"template_dir", source_dir() + "/templates"},
        {"daily_jobs", "false"},
        {"connect_timeout", "5"},
        {"timeout", "20"},
    };
    for (const std::string& line : overrides) {
      const auto eq = line.find(" = ");
      notify[line.substr(0, eq)] = line.substr(eq + 3);
    }
    std::string text = "[database]\nconninfo = " + notifier_conninfo() + "\n\n[notify]\n";
    for (const auto& [key, value] : notify) {
      if (!value.empty()) text += key + " = " + value + "\n";
    }
    static std::atomic<int> counter{0};
    const std::string path = dir_ + "/notify-" + std::to_string(counter++) + ".conf";
    write_file(path, text);
    return path;
  }

  ProcessResult notify(const std::vector<std::string>& args, std::vector<std::string> env = {}) {
    std::vector<std::string> argv{VALTUUS_NOTIFY_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    env.push_back("VALTUUS_ALLOW_ROOT=1");
    env.push_back("JOURNAL_STREAM=");  // log to stderr, where the test reads it
    return run_process(argv, env);
  }

  ProcessResult once(const std::string& config, std::vector<std::string> env = {}) {
    return notify({"--config", config, "--once"}, std::move(env));
  }

  // As the triggers do, in one transaction as the superuser.
  void put(pqxx::work& txn, const std::string& event, const std::string& audience,
           const std::string& recipient, const std::string& language, const std::string& payload,
           const std::string& key) {
    txn.exec_params("SELECT outbox_put($1, $2, $3, $4, $5, $6::jsonb, $7, NULL, NULL)", event,
                    audience, recipient, language, !language.empty(), payload, key);
  }
  void put(const std::string& event, const std::string& audience, const std::string& recipient,
           const std::string& language, const std::string& payload, const std::string& key) {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    put(txn, event, audience, recipient, language, payload, key);
    txn.commit();
  }

  static std::string run_items_payload(int run) {
    return R"({"run_id": )" + std::to_string(run) +
           R"(, "items": 3, "grants": 2, "org_applies": 0, "revokes": 1, "renews": 0,
               "source": "ldaps://dc1", "command": "valtuusctl changes list"})";
  }
  static std::string grant_payload() {
    return R"({"item_id": 7, "kind": "grant", "employee_name": "Åsa Åström", "account": "aastrom",
               "recipient_name": "Åsa Åström", "mandate_id": "kela", "mandate_name": "Etuustiedot",
               "service": "Kela", "reason": "Elinkeinoasiat", "path": 1,
               "handling_time": "cirka 3 dagar", "valid_until": "", "executed_at": ""})";
  }

  long long count(const std::string& sql) {
    pqxx::connection c(db_->conninfo());
    pqxx::read_transaction txn(c);
    return txn.exec1(sql)[0].as<long long>();
  }
  void exec(const std::string& sql) {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(sql);
    txn.commit();
  }
  // Time passes: every pending row is due now.
  void make_due() { exec("UPDATE outbox SET next_attempt_at = now() WHERE state = 'pending'"); }

  void expect_no_secret(const ProcessResult& result) {
    const Receivers& r = Receivers::get();
    for (const std::string& secret : {r.smtp_password(), r.webhook_token()}) {
      EXPECT_EQ(result.err.find(secret), std::string::npos) << "a secret in the log";
      EXPECT_EQ(result.out.find(secret), std::string::npos) << "a secret in the output";
    }
  }

  TestLogins logins_;
  std::unique_ptr<TestDatabase> db_;
  std::string login_, domain_, segment_, dir_, config_;
};

TEST_F(NotifyE2e, MailsReachTheRightPeopleInTheirLanguage) {
  put("run_items", "reviewers", "", "", run_items_payload(41), "run_items.41");
  put("grant_proposed", "employee", "aastrom@" + domain_, "sv", grant_payload(),
      "grant_proposed.7.employee");
  const ProcessResult result = once(config_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  expect_no_secret(result);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'sent' AND sent_at IS NOT NULL"), 2);

  const auto mails = Receivers::get().mails(domain_);
  ASSERT_EQ(mails.size(), 2u);
  bool saw_reviewers = false, saw_employee = false;
  for (const auto& m : mails) {
    const std::string data = m["data"];
    const std::string id = m["message_id"];
    EXPECT_TRUE(m["tls"].get<bool>());
    EXPECT_FALSE(m["duplicate"].get<bool>());
    if (id.find(".run_items.41@valtuus>") != std::string::npos) {
      saw_reviewers = true;
      EXPECT_EQ(m["rcpt_tos"],
                (nlohmann::json{"reviewers@" + domain_, "second-reviewer@" + domain_}));
      // The database's default language (fi) for reviewers.
      EXPECT_NE(data.find("valtuusctl changes list"), std::string::npos) << data;
      EXPECT_NE(data.find("Synkronointiajo 41"), std::string::npos) << data;
    } else if (id.find(".grant_proposed.7.employee@valtuus>") != std::string::npos) {
      saw_employee = true;
      EXPECT_EQ(m["rcpt_tos"], (nlohmann::json{"aastrom@" + domain_}));
      EXPECT_NE(data.find("Hej "), std::string::npos) << "Swedish template expected:\n" << data;
      EXPECT_NE(data.find("cirka 3 dagar"), std::string::npos) << data;
    }
  }
  EXPECT_TRUE(saw_reviewers);
  EXPECT_TRUE(saw_employee);

  // A second run finds nothing due and sends nothing again.
  ASSERT_EQ(once(config_).exit_code, 0);
  EXPECT_EQ(Receivers::get().mails(domain_).size(), 2u);
}

TEST_F(NotifyE2e, WebhookGetsJsonWithTheIdempotencyKey) {
  exec("INSERT INTO outbox_channel VALUES ('reviewers', 'webhook')");
  put("run_items", "reviewers", "", "", run_items_payload(42), "run_items.42");
  ASSERT_EQ(count("SELECT count(*) FROM outbox"), 2);  // mail and webhook
  const ProcessResult result = once(config_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto posts = Receivers::get().posts(segment_);
  ASSERT_EQ(posts.size(), 1u);
  const std::string key = posts[0]["headers"]["Idempotency-Key"];
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE channel = 'webhook' AND state = 'sent' AND "
                  "idempotency_key = '" +
                  key + "'"),
            1);
  const auto body = nlohmann::json::parse(posts[0]["body"].get<std::string>());
  EXPECT_EQ(body["event"], "run_items") << body.dump();
  EXPECT_EQ(body["audience"], "reviewers") << body.dump();
  EXPECT_EQ(body["language"], "fi") << body.dump();
  EXPECT_NE(body["subject"].get<std::string>().find("muutosta odottaa"), std::string::npos)
      << body.dump();
  EXPECT_NE(body["text"].get<std::string>().find("Synkronointiajo 42"), std::string::npos)
      << body.dump();
  EXPECT_EQ(body["run_id"], 42) << body.dump();
  EXPECT_EQ(Receivers::get().mails(domain_).size(), 1u);
}

TEST_F(NotifyE2e, ReceiverDownForAWhileGetsEverythingOnceBack) {
  const Receivers& r = Receivers::get();
  put("run_items", "reviewers", "", "", run_items_payload(43), "run_items.43");
  put("grant_proposed", "employee", "aastrom@" + domain_, "sv", grant_payload(), "gp.43");
  r.control_smtp(domain_, 0, -1);  // down
  ProcessResult result = once(config_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1 AND "
                  "next_attempt_at > now() AND last_error <> ''"),
            2);
  // Backoff with jitter: the first retry after 30 to 60 s (notify.retry_base 60, jitter half).
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE next_attempt_at BETWEEN now() + "
                  "interval '29 s' AND now() + interval '61 s'"),
            2);
  make_due();
  result = once(config_);  // still down
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 2"), 2);
  // The second waits twice as long: 60 to 120 s.
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE next_attempt_at BETWEEN now() + "
                  "interval '59 s' AND now() + interval '121 s'"),
            2);
  r.clear_smtp(domain_);
  ASSERT_EQ(once(config_).exit_code, 0);  // not due yet: nothing happens
  EXPECT_EQ(r.mails(domain_).size(), 0u);
  make_due();
  result = once(config_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  expect_no_secret(result);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'sent'"), 2);
  const auto mails = r.mails(domain_);
  EXPECT_EQ(mails.size(), 2u);
  for (const auto& m : mails) EXPECT_FALSE(m["duplicate"].get<bool>());
}

TEST_F(NotifyE2e, AlwaysFailingReceiverEndsInDeadRows) {
  const Receivers& r = Receivers::get();
  exec("INSERT INTO outbox_channel VALUES ('reviewers', 'webhook')");
  exec("DELETE FROM outbox_channel WHERE audience = 'reviewers' AND channel = 'mail'");
  const std::string config = write_config({"max_attempts = 3"});
  put("run_items", "reviewers", "", "", run_items_payload(44), "run_items.44");
  r.control_webhook(segment_, 503, -1);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    const ProcessResult result = once(config);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    expect_no_secret(result);
    make_due();
  }
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'dead' AND attempts = 3 AND "
                  "last_error LIKE '%503%'"),
            1);
  // A permanent refusal (4xx) is dead at once.
  r.control_webhook(segment_, 422, -1);
  put("run_items", "reviewers", "", "", run_items_payload(45), "run_items.45");
  ASSERT_EQ(once(config).exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'dead' AND attempts = 1 AND "
                  "last_error LIKE '%422%'"),
            1);
  r.clear_webhook(segment_);
  // Dead rows are not tried again.
  make_due();
  ASSERT_EQ(once(config).exit_code, 0);
  for (const auto& post : r.posts(segment_)) EXPECT_NE(post["status"], 200);
}

TEST_F(NotifyE2e, ConfiguredLanguageReplacesTheDatabaseDefaultButNotAPersonsOwn) {
  put("run_items", "reviewers", "", "", run_items_payload(49), "run_items.49");
  put("grant_proposed", "employee", "aastrom@" + domain_, "sv", grant_payload(), "gp.49");
  const ProcessResult result = once(write_config({"language = en"}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto mails = Receivers::get().mails(domain_);
  ASSERT_EQ(mails.size(), 2u);
  for (const auto& m : mails) {
    const std::string data = m["data"];
    if (m["message_id"].get<std::string>().find("run_items") != std::string::npos) {
      EXPECT_NE(data.find("Review and decide them with"), std::string::npos) << data;
    } else {
      EXPECT_NE(data.find("Hej "), std::string::npos) << data;
    }
  }
}

// A sync's proposed grant is only announced in the sync's transaction; a pass of the
// notifier writes its notice first, then sends it, in the same run of the program.
TEST_F(NotifyE2e, APassWritesTheNoticesOfNewlyProposedGrantsThenSendsThem) {
  long long item = 0;
  {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO mandate_issue (id, name_fi, name_sv, service, organisation_holds, "
        "  max_validity_days, renewal_notice_days) "
        "VALUES ('kela', 'Etuustiedot', 'Förmånsuppgifter', 'Kela', true, 730, 30)");
    txn.exec_params(
        "INSERT INTO employee (key, account, display_name, mail, preferred_language) "
        "VALUES ('k-asa', 'aastrom', 'Åsa Åström', $1, 'sv')",
        "aastrom@" + domain_);
    const long long run =
        txn.exec1(
               "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, "
               "  entries_read, items_added, items_superseded) "
               "VALUES (now(), 'ldaps://dc1', true, 1, 1, 0) RETURNING id")[0]
            .as<long long>();
    item = txn.exec_params1(
                  "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, "
                  "  fingerprint) VALUES ($1, 'grant', 'k-asa', 'kela', 'Elinkeinoasiat', 'f') "
                  "RETURNING id",
                  run)[0]
               .as<long long>();
    txn.commit();
  }
  ASSERT_EQ(count("SELECT count(*) FROM outbox WHERE event = 'grant_proposed'"), 0);
  const ProcessResult result = once(config_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("wrote 1 \"grant proposed\" notice(s)"), std::string::npos)
      << result.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE event = 'grant_proposed' AND state = 'sent' "
                  "AND item_id = " +
                  std::to_string(item)),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM outbox_announcement"), 0);
  bool saw_employee = false;
  for (const auto& m : Receivers::get().mails(domain_)) {
    const std::string id = m["message_id"];
    if (id.find(".grant_proposed." + std::to_string(item) + ".employee@valtuus>") ==
        std::string::npos) {
      continue;
    }
    saw_employee = true;
    EXPECT_EQ(m["rcpt_tos"], (nlohmann::json{"aastrom@" + domain_}));
    const std::string data = m["data"];
    EXPECT_NE(data.find("Hej "), std::string::npos) << data;
    EXPECT_NE(data.find("cirka 3 dagar"), std::string::npos) << data;
  }
  EXPECT_TRUE(saw_employee);
  // The next pass has nothing more to write.
  const ProcessResult again = once(config_);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find("grant proposed\" notice(s)"), std::string::npos) << again.err;
}

// Writing the new notices refused (here: the grant taken away) is logged, and the pass still
// sends what the outbox holds.
TEST_F(NotifyE2e, ARefusedAnnouncementIsLoggedAndThePassGoesOn) {
  exec("REVOKE EXECUTE ON FUNCTION outbox_announce_pending() FROM valtuus_notifier");
  put("run_items", "reviewers", "", "", run_items_payload(45), "run_items.45");
  const ProcessResult result = once(config_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("announcing newly proposed grants"), std::string::npos) << result.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'sent'"), 1);
  EXPECT_EQ(Receivers::get().mails(domain_).size(), 1u);
}

TEST_F(NotifyE2e, NothingIsSentForARolledBackTransaction) {
  {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    put(txn, "run_items", "reviewers", "", "", run_items_payload(46), "run_items.46");
    txn.abort();
  }
  ASSERT_EQ(once(config_).exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(Receivers::get().mails(domain_).size(), 0u);
}

TEST_F(NotifyE2e, CrashAfterSendResendsWithTheSameMessageId) {
  put("run_items", "reviewers", "", "", run_items_payload(47), "run_items.47");
  const ProcessResult crashed = once(config_, {"VALTUUS_NOTIFY_TEST_CRASH_AFTER_SEND=1"});
  ASSERT_EQ(crashed.exit_code, 86) << crashed.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 0"), 1);
  ASSERT_EQ(Receivers::get().mails(domain_).size(), 1u);

  const ProcessResult result = once(config_);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'sent'"), 1);
  const auto mails = Receivers::get().mails(domain_);
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0]["message_id"], mails[1]["message_id"]);
  EXPECT_TRUE(mails[1]["duplicate"].get<bool>()) << "the receiver deduplicates on Message-ID";
}

TEST_F(NotifyE2e, RowsNeedingMissingRecipientsOrChannelsGoDeadWithAReason) {
  // No address for security: rendering refuses, and the row is dead at once with the reason.
  const std::string config = write_config({"security_mail = "});
  put("leavers_digest", "security", "", "",
      R"({"day": "2026-11-24", "leavers": 1, "mandates": 2, "list": "- x", "command": "c"})",
      "leavers_digest.2026-11-24");
  ASSERT_EQ(once(config).exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'dead' AND attempts = 1"), 1);
}

TEST_F(NotifyE2e, DailyJobsRunOnceADay) {
  const std::string config = write_config({"daily_jobs = true", "daily_hour = 0"});
  const ProcessResult result = once(config);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("daily messages for"), std::string::npos) << result.err;
}

TEST_F(NotifyE2e, RefusesRootBadOptionsAndRedactsNothingSecretInPrintConfig) {
  if (::geteuid() == 0) {
    const ProcessResult root =
        run_process({VALTUUS_NOTIFY_PATH, "--config", config_, "--once"}, {"VALTUUS_ALLOW_ROOT="});
    EXPECT_EQ(root.exit_code, 78);
    EXPECT_NE(root.err.find("root"), std::string::npos) << root.err;
  }
  const ProcessResult bad = once(write_config({"max_attempts = 0"}));
  EXPECT_EQ(bad.exit_code, 78);
  EXPECT_NE(bad.err.find("notify.max_attempts"), std::string::npos) << bad.err;
  const ProcessResult http = once(write_config({"webhook_url = http://127.0.0.1:1/"}));
  EXPECT_EQ(http.exit_code, 78);
  EXPECT_NE(http.err.find("notify.webhook_url"), std::string::npos) << http.err;
  const ProcessResult check = notify({"--config", config_, "--check-config"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  const ProcessResult print = notify({"--config", config_, "--print-config"});
  EXPECT_EQ(print.exit_code, 0) << print.err;
  EXPECT_NE(print.out.find("notify.smtp_url = smtp://"), std::string::npos) << print.out;
  expect_no_secret(print);
}

TEST_F(NotifyE2e, CheckConfigOpensEveryFileAndNamesTheOption) {
  const std::string folder = dir_ + "/a-folder";
  std::filesystem::create_directories(folder);
  write_file(dir_ + "/empty", "");
  const std::pair<std::string, std::string> cases[] = {
      {"smtp_ca_file = " + dir_ + "/no-ca.pem", "notify.smtp_ca_file"},
      {"webhook_ca_file = " + folder, "notify.webhook_ca_file"},
      {"template_dir = " + dir_ + "/no-templates", "notify.template_dir"},
      {"smtp_password_file = " + folder, "notify.smtp_password_file"},
      {"webhook_token_file = " + dir_ + "/empty", "notify.webhook_token_file"},
  };
  for (const auto& [line, option] : cases) {
    const ProcessResult result = notify({"--config", write_config({line}), "--check-config"});
    EXPECT_EQ(result.exit_code, 78) << line << "\n" << result.err;
    EXPECT_NE(result.err.find(option), std::string::npos) << line << "\n" << result.err;
  }
  const ProcessResult folder_secret =
      notify({"--config", write_config({"smtp_password_file = " + folder}), "--check-config"});
  EXPECT_NE(folder_secret.err.find("is a folder"), std::string::npos) << folder_secret.err;
  // The database password is read only at connect time by the service: checked here.
  const std::string config = write_config({});
  std::ostringstream text;
  text << std::ifstream(config).rdbuf();
  std::string with_password = text.str();
  with_password.insert(with_password.find("[database]\n") + 11,
                       "password_file = " + dir_ + "/none\n");
  write_file(config, with_password);
  const ProcessResult db = notify({"--config", config, "--check-config"});
  EXPECT_EQ(db.exit_code, 78) << db.err;
  EXPECT_NE(db.err.find("database.password_file"), std::string::npos) << db.err;
}

TEST_F(NotifyE2e, WrongSmtpPasswordIsRetriedAndNeverLogged) {
  const std::string password_file = dir_ + "/wrong-smtp-password";
  write_file(password_file, "Wrong-Pass-31337\n");
  put("run_items", "reviewers", "", "", run_items_payload(48), "run_items.48");
  const ProcessResult result = once(write_config({"smtp_password_file = " + password_file}));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("retrying"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("Wrong-Pass-31337"), std::string::npos) << result.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'pending' AND attempts = 1 AND "
                  "position('Wrong-Pass-31337' in last_error) = 0"),
            1);
  EXPECT_EQ(Receivers::get().mails(domain_).size(), 0u);
}

TEST_F(NotifyE2e, TwoSendersAtOnceSendEachRowOnce) {
  for (int i = 0; i < 12; ++i) {
    put("run_items", "reviewers", "", "", run_items_payload(100 + i),
        "run_items." + std::to_string(100 + i));
  }
  ProcessResult first, second;
  std::thread other([&] { second = once(config_); });
  first = once(config_);
  other.join();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE state = 'sent'"), 12);
  const auto mails = Receivers::get().mails(domain_);
  EXPECT_EQ(mails.size(), 12u);
  for (const auto& m : mails) EXPECT_FALSE(m["duplicate"].get<bool>());
}

// The service loop: sends what arrives while it runs, reloads on SIGHUP, stops on SIGTERM.
TEST_F(NotifyE2e, LoopSendsNewRowsReloadsOnHupAndStopsOnTerm) {
  const std::string log_path = dir_ + "/loop.log";
  const std::string config = write_config({"interval = 1"});
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  std::vector<std::string> args{VALTUUS_NOTIFY_PATH, "--config", config};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings{"VALTUUS_ALLOW_ROOT=1", "PATH=/usr/bin:/bin"};
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&actions);
  auto read_log = [&] {
    std::ifstream in(log_path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  };
  auto wait_for = [&](const std::function<bool()>& done) {
    for (int i = 0; i < 150 && !done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  };

  put("run_items", "reviewers", "", "", run_items_payload(60), "run_items.60");
  EXPECT_TRUE(wait_for([&] { return Receivers::get().mails(domain_).size() == 1; })) << read_log();
  ::kill(pid, SIGHUP);
  EXPECT_TRUE(wait_for([&] { return read_log().find("reloaded") != std::string::npos; }))
      << read_log();
  put("run_items", "reviewers", "", "", run_items_payload(61), "run_items.61");
  EXPECT_TRUE(wait_for([&] { return Receivers::get().mails(domain_).size() == 2; })) << read_log();
  ::kill(pid, SIGTERM);
  int status = 0;
  bool reaped = false;
  const bool exited = wait_for([&] {
    if (!reaped) reaped = ::waitpid(pid, &status, WNOHANG) == pid;
    return reaped;
  });
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(exited) << read_log();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_log();
  EXPECT_NE(read_log().find("stopping on signal"), std::string::npos) << read_log();
  expect_no_secret(ProcessResult{0, "", read_log()});
}

}  // namespace
}  // namespace valtuus::testing
