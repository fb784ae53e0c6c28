// The transactional outbox (sql/006_outbox.sql) on the suite's PostgreSQL: rows enqueued by
// triggers in the transaction of their cause, nothing for a rolled-back one; proposed grants
// announced in the items' transaction and their notices written by the notifier's login
// (outbox_announce_pending, sql/025), once, for items still proposed; claiming with SKIP
// LOCKED; failures, dead rows and retry; the notifier role's least privilege; no identity code
// in any payload.
#include <gtest/gtest.h>

#include <array>

#include "common/identity_crypto.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/outbox_store.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/reconcile.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

const TimePoint kOutboxNow = std::chrono::floor<std::chrono::seconds>(Clock::now());
constexpr const char* kOutboxCode = "131052-308T";

class OutboxTest : public ::testing::Test {
 protected:
  OutboxTest() : db_("outbox"), admin_(db_.conninfo()) {
    std::array<unsigned char, IdentityCrypto::kKeyBytes> key{};
    key.fill(0x42);
    crypto_ = std::make_unique<IdentityCrypto>(key);
    migrate(admin_);
    alice_ = logins_.make("alice", "valtuus_reviewer");
    daemon_ = logins_.make("daemon", "valtuus_daemon");
    notifier_ = logins_.make("notifier", "valtuus_notifier");
    boss_admin_ = logins_.make("root", "valtuus_admin");
    policy_.catalog = {theme("kela-etuustiedot", true), theme("okm-avustukset", false)};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 4, 9}},
                  {"okm-avustukset", "Applies for OKM grants", {"m.yaml", 5, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.source = "ldap://test";
    Employee anna;
    anna.key = "key-anna";
    anna.account = "annaost";
    anna.dn = "CN=Anna,OU=Staff,DC=x";
    anna.display_name = "Anna Österberg";
    anna.mail = "anna@porvoo.example";
    anna.department = "Elinkeinoasiat";
    anna.manager = "CN=Boss,OU=Staff,DC=X";  // compared without regard to case
    anna.preferred_language = "sv";
    anna.identity_code = kOutboxCode;
    Employee boss;
    boss.key = "key-boss";
    boss.account = "boss";
    boss.dn = "cn=boss,ou=staff,dc=x";
    boss.display_name = "Bertta Esimies";
    boss.mail = "boss@porvoo.example";
    boss.department = "Johto";
    boss.preferred_language = "en";
    snapshot_.employees = {anna, boss};
  }

  static MandateIssue theme(const std::string& id, bool holds) {
    MandateIssue m;
    m.id = id;
    m.name_fi = id + " fi";
    m.name_sv = id + " sv";
    m.name_en = id + " en";
    m.service = "Kela";
    m.organisation_holds = holds;
    return m;
  }

  std::string as(const std::string& role) const { return db_.conninfo() + " user=" + role; }

  RunRecord sync() {
    pqxx::connection daemon(as(daemon_));
    return plan_and_write(*borrow_sync_store(daemon),
                          {snapshot_, policy_, rules_, kOutboxNow, kOutboxNow, {}}, false,
                          GuardOptions{}, crypto_.get());
  }

  // What valtuus-notify does at the start of each pass, as its login: the "grant proposed"
  // notices of the items announced since; returns how many it wrote.
  int announce() {
    pqxx::connection notifier(as(notifier_));
    pqxx::work txn(notifier);
    const int written = outbox::announce_pending(txn);
    txn.commit();
    return written;
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(admin_);
    return txn.exec1(sql)[0].as<long long>();
  }

  long long item(const std::string& kind, const std::string& mandate) {
    pqxx::read_transaction txn(admin_);
    return txn
        .exec_params1(
            "SELECT id FROM change_item WHERE kind = $1 AND mandate_id = $2 "
            "ORDER BY id DESC LIMIT 1",
            kind, mandate)[0]
        .as<long long>();
  }

  // The rows of one event, oldest first.
  std::vector<OutboxRow> rows(const std::string& event) {
    pqxx::read_transaction txn(admin_);
    std::vector<OutboxRow> all = outbox::list(txn);
    std::vector<OutboxRow> out;
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->event == event) out.push_back(*it);
    }
    return out;
  }

  void done(long long id) {
    pqxx::connection alice(as(alice_));
    pqxx::work txn(alice);
    txn.exec_params("SELECT approve_item($1, NULL)", id);
    txn.exec_params("SELECT mark_item_done($1, NULL, NULL, NULL, 'done in Suomi.fi')", id);
    txn.commit();
  }

  template <typename... Args>
  std::string try_as(const std::string& role, const std::string& sql, Args&&... args) {
    return testing::try_sql(as(role), sql, std::forward<Args>(args)...);
  }

  testing::TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::unique_ptr<IdentityCrypto> crypto_;
  std::string alice_, daemon_, notifier_, boss_admin_;
  Policy policy_;
  Snapshot snapshot_;
  LeaverRules rules_;
};

const OutboxRow* find_row(const std::vector<OutboxRow>& rows, const std::string& audience,
                          long long item) {
  for (const auto& r : rows) {
    if (r.audience == audience && r.item_id == item) return &r;
  }
  return nullptr;
}

TEST_F(OutboxTest, ARunWithItemsEnqueuesOneRunItemsRowAndTellsThePeople) {
  const RunRecord run = sync();
  EXPECT_EQ(announce(), 4);
  const auto run_rows = rows("run_items");
  ASSERT_EQ(run_rows.size(), 1u);
  const OutboxRow& r = run_rows[0];
  EXPECT_EQ(r.audience, "reviewers");
  EXPECT_EQ(r.channel, "mail");
  EXPECT_EQ(r.recipient, "");
  EXPECT_EQ(r.run_id, run.run_id);
  EXPECT_EQ(r.payload["items"], 3);
  EXPECT_EQ(r.payload["grants"], 2);
  EXPECT_EQ(r.payload["org_applies"], 1);
  EXPECT_EQ(r.payload["revokes"], 0);
  EXPECT_EQ(r.payload["run_id"], run.run_id);
  EXPECT_EQ(r.state, "pending");
  EXPECT_EQ(r.language, "fi");  // the database's default
  EXPECT_FALSE(r.language_from_person);

  // Each proposed grant: to Anna in Swedish and to her manager (found by DN) in English, with
  // the handling time of its path.
  const auto proposed = rows("grant_proposed");
  ASSERT_EQ(proposed.size(), 4u);
  const long long path1 = item("grant", "kela-etuustiedot");
  const long long path2 = item("grant", "okm-avustukset");
  const OutboxRow* to_anna = find_row(proposed, "employee", path1);
  const OutboxRow* to_boss = find_row(proposed, "manager", path2);
  ASSERT_NE(to_anna, nullptr);
  ASSERT_NE(to_boss, nullptr);
  EXPECT_EQ(to_anna->recipient, "anna@porvoo.example");
  EXPECT_EQ(to_anna->language, "sv");
  EXPECT_TRUE(to_anna->language_from_person);
  EXPECT_EQ(to_anna->payload["path"], 1);
  EXPECT_EQ(to_anna->payload["handling_time"], "cirka 3 dagar");
  EXPECT_EQ(to_anna->payload["mandate_name"], "kela-etuustiedot sv");
  EXPECT_EQ(to_anna->payload["employee_name"], "Anna Österberg");
  EXPECT_EQ(to_boss->recipient, "boss@porvoo.example");
  EXPECT_EQ(to_boss->language, "en");
  EXPECT_EQ(to_boss->payload["path"], 2);
  EXPECT_EQ(to_boss->payload["handling_time"], "4–6 weeks");
  EXPECT_EQ(to_boss->payload["recipient_name"], "Bertta Esimies");
  EXPECT_NE(to_anna->idempotency_key, to_boss->idempotency_key);

  // A second announce writes nothing more. A second run over the same directory proposes
  // nothing and enqueues nothing.
  EXPECT_EQ(announce(), 0);
  const long long before = count("SELECT count(*) FROM outbox");
  sync();
  EXPECT_EQ(announce(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), before);
  EXPECT_EQ(count("SELECT count(*) FROM outbox_announcement"), 0);
}

// Every field of a "grant proposed" message, with its JSON type (numbers stay numbers): what the
// notifier's templates read, whatever builds the payload in the database.
TEST_F(OutboxTest, AGrantProposedMessageCarriesEveryFieldInTheRecipientsLanguage) {
  sync();
  announce();
  const auto proposed = rows("grant_proposed");
  const long long path1 = item("grant", "kela-etuustiedot");
  const long long path2 = item("grant", "okm-avustukset");
  const OutboxRow* to_anna = find_row(proposed, "employee", path1);
  const OutboxRow* to_boss = find_row(proposed, "manager", path2);
  ASSERT_NE(to_anna, nullptr);
  ASSERT_NE(to_boss, nullptr);
  EXPECT_EQ(to_anna->payload, nlohmann::json({{"item_id", path1},
                                              {"kind", "grant"},
                                              {"employee_name", "Anna Österberg"},
                                              {"account", "annaost"},
                                              {"recipient_name", "Anna Österberg"},
                                              {"mandate_id", "kela-etuustiedot"},
                                              {"mandate_name", "kela-etuustiedot sv"},
                                              {"service", "Kela"},
                                              {"reason", "Registers Kela payment claims"},
                                              {"path", 1},
                                              {"handling_time", "cirka 3 dagar"},
                                              {"valid_until", ""},
                                              {"executed_at", ""}}));
  EXPECT_EQ(to_boss->payload, nlohmann::json({{"item_id", path2},
                                              {"kind", "grant"},
                                              {"employee_name", "Anna Österberg"},
                                              {"account", "annaost"},
                                              {"recipient_name", "Bertta Esimies"},
                                              {"mandate_id", "okm-avustukset"},
                                              {"mandate_name", "okm-avustukset en"},
                                              {"service", "Kela"},
                                              {"reason", "Applies for OKM grants"},
                                              {"path", 2},
                                              {"handling_time", "4–6 weeks"},
                                              {"valid_until", ""},
                                              {"executed_at", ""}}));
  const std::string instance = [&] {
    pqxx::read_transaction txn(admin_);
    return txn.exec1("SELECT instance FROM outbox_setting")[0].as<std::string>();
  }();
  EXPECT_EQ(to_anna->idempotency_key,
            "valtuus." + instance + ".grant_proposed." + std::to_string(path1) + ".employee");
  EXPECT_EQ(to_boss->idempotency_key,
            "valtuus." + instance + ".grant_proposed." + std::to_string(path2) + ".manager");
}

// A new item's message key holds the item's new id, so it cannot be taken; should it be all the
// same, the message is already in the outbox: the announcement writes the others, skips that
// one (the row already there stays as it was) and is consumed, so it never blocks the notices
// of later runs. The run itself no longer depends on it.
TEST_F(OutboxTest, AMessageKeyAlreadyTakenIsSkippedWithoutBlockingTheOtherNotices) {
  std::string instance;
  {
    pqxx::work txn(admin_);
    instance = txn.exec1("SELECT instance FROM outbox_setting")[0].as<std::string>();
    const long long next = txn.exec1("SELECT nextval('change_item_id_seq')")[0].as<long long>();
    for (long long id = next + 1; id <= next + 5; ++id) {  // the ids this run's items get
      txn.exec_params(
          "INSERT INTO outbox (event, channel, audience, recipient, payload, idempotency_key) "
          "VALUES ('grant_proposed', 'mail', 'employee', 'x@y', '{}', $1)",
          "valtuus." + instance + ".grant_proposed." + std::to_string(id) + ".employee");
    }
    txn.commit();
  }
  sync();
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 3);
  EXPECT_EQ(announce(), 2);  // to the manager; Anna's keys were taken
  for (const OutboxRow& r : rows("grant_proposed")) {
    if (r.item_id) {
      EXPECT_EQ(r.audience, "manager");
    } else {
      EXPECT_EQ(r.recipient, "x@y");  // the rows already there, unchanged
      EXPECT_EQ(r.payload, nlohmann::json::object());
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE item_id IS NOT NULL"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM outbox_announcement"), 0);
  EXPECT_EQ(announce(), 0);
}

// The notices are written when the notifier next runs, for the items still proposed then: a
// grant rejected (or approved, or superseded) before that gets no "proposed" notice. Reviewers
// see how many wait.
TEST_F(OutboxTest, AnItemDecidedBeforeTheNotifierAnnouncesItGetsNoProposedNotice) {
  sync();
  const long long rejected = item("grant", "kela-etuustiedot");
  const long long still_open = item("grant", "okm-avustukset");
  const auto waiting = [&] {
    pqxx::connection alice(as(alice_));
    pqxx::read_transaction txn(alice);
    return outbox::unannounced_items(txn);
  };
  EXPECT_EQ(waiting(), 2);  // the two grants; the org_apply is about no person
  {
    pqxx::connection alice(as(alice_));
    pqxx::work txn(alice);
    txn.exec_params("SELECT reject_item($1, NULL, 'not needed', NULL)", rejected);
    txn.commit();
  }
  EXPECT_EQ(waiting(), 1);
  EXPECT_EQ(announce(), 2);  // to Anna and to her manager, of the grant still open
  EXPECT_EQ(waiting(), 0);
  const auto proposed = rows("grant_proposed");
  ASSERT_EQ(proposed.size(), 2u);
  for (const OutboxRow& r : proposed) EXPECT_EQ(r.item_id, still_open) << r.idempotency_key;
  EXPECT_EQ(announce(), 0);  // the announcement is gone: the rejected grant is never announced
  EXPECT_EQ(rows("grant_proposed").size(), 2u);
}

// Two notifiers at once: the second skips the announcement the first holds (it would wait for
// it without SKIP LOCKED: the statement timeout makes that a failure), and finds it gone once
// the first commits. Each notice is written once.
TEST_F(OutboxTest, TwoNotifiersAnnouncingAtOnceWriteEachNoticeOnce) {
  sync();
  snapshot_.employees[0].department = "Johto";  // Anna moves: a second run, its own announcement
  snapshot_.employees[1].department = "Elinkeinoasiat";
  sync();
  ASSERT_EQ(count("SELECT count(*) FROM outbox_announcement"), 2);
  pqxx::connection a(as(notifier_));
  pqxx::connection b(as(notifier_));
  pqxx::work ta(a);
  pqxx::work tb(b);
  tb.exec("SET LOCAL statement_timeout = '10s'");
  const int first = outbox::announce_pending(ta);
  EXPECT_GT(first, 0);
  EXPECT_EQ(outbox::announce_pending(tb), 0);
  ta.commit();
  EXPECT_EQ(outbox::announce_pending(tb), 0);
  tb.commit();
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE event = 'grant_proposed'"), first);
  EXPECT_EQ(count("SELECT count(DISTINCT idempotency_key) FROM outbox"),
            count("SELECT count(*) FROM outbox"));
  EXPECT_EQ(count("SELECT count(*) FROM outbox_announcement"), 0);
}

TEST_F(OutboxTest, ARolledBackRunOrDecisionEnqueuesNothing) {
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('t', 't', 's', true, 30, 0)");
    txn.exec("INSERT INTO employee (key, account, mail) VALUES ('k', 'a', 'a@x')");
    const auto run =
        txn.exec1(
               "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, "
               "entries_read, "
               "  items_added, items_superseded) VALUES (now(), 'x', true, 1, 1, 0) RETURNING id")
            [0]
                .as<long long>();
    txn.exec_params(
        "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, fingerprint) "
        "VALUES ($1, 'grant', 'k', 't', 'r', 'f')",
        run);
    // The insert announced its grant in its own transaction; announced there too, the
    // transaction sees its own notice.
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM outbox_announcement")[0].as<int>(), 1);
    EXPECT_EQ(outbox::announce_pending(txn), 1);
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM outbox WHERE event = 'grant_proposed'")[0].as<int>(),
              1);  // the transaction sees its own
    txn.abort();
  }
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox_announcement"), 0);

  sync();
  const long long before = count("SELECT count(*) FROM outbox");
  const long long id = item("grant", "kela-etuustiedot");
  {
    pqxx::connection alice(as(alice_));
    pqxx::work txn(alice);
    txn.exec_params("SELECT approve_item($1, NULL)", id);
    txn.exec_params("SELECT mark_item_done($1, NULL, NULL, NULL, '')", id);
    txn.abort();
  }
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), before);
}

TEST_F(OutboxTest, DoneTellsTheEmployeeAndTheManagerEachInTheirLanguage) {
  sync();
  const long long id = item("grant", "kela-etuustiedot");
  done(id);
  const auto rows_done = rows("grant_done");
  ASSERT_EQ(rows_done.size(), 2u);
  const OutboxRow* to_anna = find_row(rows_done, "employee", id);
  const OutboxRow* to_boss = find_row(rows_done, "manager", id);
  ASSERT_NE(to_anna, nullptr);
  ASSERT_NE(to_boss, nullptr);
  EXPECT_EQ(to_anna->language, "sv");
  EXPECT_EQ(to_anna->recipient, "anna@porvoo.example");
  EXPECT_EQ(to_boss->language, "en");
  EXPECT_EQ(to_boss->payload["mandate_name"], "kela-etuustiedot en");
  // The end date is the ledger's (written after the item in mark_item_done).
  pqxx::read_transaction txn(admin_);
  const std::string until =
      txn.exec_params1("SELECT valid_until::text FROM grant_ledger WHERE item_id = $1", id)[0]
          .as<std::string>();
  EXPECT_EQ(to_anna->payload["valid_until"], until);
  EXPECT_FALSE(to_anna->payload["executed_at"].get<std::string>().empty());
}

TEST_F(OutboxTest, ARevocationDoneTellsTheManagerButNotALeaversClosedMailbox) {
  sync();
  const long long grant = item("grant", "kela-etuustiedot");
  done(grant);
  snapshot_.employees.erase(snapshot_.employees.begin());  // Anna has left the directory
  sync();
  const long long revoke = item("revoke", "kela-etuustiedot");
  done(revoke);
  const auto revoked = rows("revoke_done");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0].audience, "manager");
  EXPECT_EQ(revoked[0].recipient, "boss@porvoo.example");
  EXPECT_EQ(revoked[0].payload["employee_name"], "Anna Österberg");
}

TEST_F(OutboxTest, AHeldRunTellsReviewersAtOnceAndItsReleaseProposesTheGrants) {
  long long run = 0;
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('t', 't fi', 's', true, 30, 0)");
    txn.exec(
        "INSERT INTO employee (key, account, mail, preferred_language) "
        "VALUES ('k', 'a', 'a@x', 'en')");
    run = txn.exec1(
                 "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, "
                 "  entries_read, items_added, items_superseded, held_reason, held_at) "
                 "VALUES (now(), 'x', true, 1, 1, 0, '9 revocations exceed 5', now()) "
                 "RETURNING id")[0]
              .as<long long>();
    txn.exec_params(
        "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, fingerprint, "
        "  state) VALUES ($1, 'grant', 'k', 't', 'r', 'f', 'held')",
        run);
    txn.commit();
  }
  const auto held = rows("run_held");
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0].audience, "reviewers");
  EXPECT_EQ(held[0].payload["held_reason"], "9 revocations exceed 5");
  EXPECT_EQ(held[0].payload["items"], 1);
  EXPECT_TRUE(rows("run_items").empty());                           // nothing to decide yet
  EXPECT_EQ(count("SELECT count(*) FROM outbox_announcement"), 0);  // held items: none
  EXPECT_EQ(announce(), 0);
  EXPECT_TRUE(rows("grant_proposed").empty());  // nor to tell the person

  {
    pqxx::connection root(as(boss_admin_));
    pqxx::work txn(root);
    txn.exec_params("SELECT run_release($1, 'checked')", run);
    txn.commit();
  }
  EXPECT_EQ(rows("run_items").size(), 1u);
  // The release writes the notice itself (outbox_item_trigger), at once; the notifier has
  // nothing to add.
  const auto proposed = rows("grant_proposed");
  ASSERT_EQ(proposed.size(), 1u);
  EXPECT_EQ(proposed[0].recipient, "a@x");
  EXPECT_EQ(proposed[0].language, "en");
  EXPECT_EQ(rows("run_held").size(), 1u);
  EXPECT_EQ(announce(), 0);
  EXPECT_EQ(rows("grant_proposed").size(), 1u);
}

TEST_F(OutboxTest, RunsHeldAgainForTheSameReasonAreToldOnceUntilTheFirstIsResolved) {
  const auto held_run = [&](const std::string& reason) {
    pqxx::work txn(admin_);
    const long long id =
        txn.exec_params1(
               "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, "
               "  entries_read, items_added, items_superseded, held_reason, held_at) "
               "VALUES (now(), 'x', false, 0, 0, 0, $1, now()) RETURNING id",
               reason)[0]
            .as<long long>();
    txn.commit();
    return id;
  };
  const std::string empty = "the directory read was incomplete (zero entries)";
  const long long first = held_run(empty);
  held_run(empty);
  held_run(empty);
  EXPECT_EQ(rows("run_held").size(), 1u);
  held_run("9 revocations exceed 5");  // a different problem is news
  EXPECT_EQ(rows("run_held").size(), 2u);
  {
    pqxx::connection alice(as(alice_));
    pqxx::work txn(alice);
    txn.exec_params("SELECT run_discard($1, 'OU moved back')", first);
    txn.commit();
  }
  // The first is resolved, but runs 2 and 3 still wait with that reason: still no news.
  held_run(empty);
  EXPECT_EQ(rows("run_held").size(), 2u);
}

TEST_F(OutboxTest, ReviewersCanAlsoBeToldByWebhookButPeopleOnlyByMail) {
  {
    pqxx::work txn(admin_);
    txn.exec("INSERT INTO outbox_channel VALUES ('reviewers', 'webhook')");
    EXPECT_THROW(txn.exec("INSERT INTO outbox_channel VALUES ('employee', 'webhook')"),
                 pqxx::check_violation);
  }
  {
    pqxx::work txn(admin_);
    txn.exec("INSERT INTO outbox_channel VALUES ('reviewers', 'webhook')");
    txn.commit();
  }
  sync();
  const auto run_rows = rows("run_items");
  ASSERT_EQ(run_rows.size(), 2u);
  EXPECT_EQ(run_rows[0].channel, "mail");
  EXPECT_EQ(run_rows[1].channel, "webhook");
  EXPECT_EQ(run_rows[1].idempotency_key, run_rows[0].idempotency_key + ".webhook");
  EXPECT_EQ(run_rows[0].payload, run_rows[1].payload);
  EXPECT_EQ(announce(), 4);
  for (const auto& r : rows("grant_proposed")) EXPECT_EQ(r.channel, "mail");
}

TEST_F(OutboxTest, TwoSendersClaimDifferentRowsWithSkipLocked) {
  sync();  // several rows pending
  announce();
  pqxx::connection a(as(notifier_));
  pqxx::connection b(as(notifier_));
  pqxx::work ta(a);
  pqxx::work tb(b);
  const auto first = outbox::claim_next(ta);
  const auto second = outbox::claim_next(tb);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->id, second->id);
  outbox::mark_sent(ta, first->id);
  ta.commit();
  tb.abort();  // a crash before marking: the row stays pending, to be sent again
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(outbox::find(txn, first->id)->state, "sent");
  EXPECT_TRUE(outbox::find(txn, first->id)->sent_at.has_value());
  EXPECT_EQ(outbox::find(txn, second->id)->state, "pending");
}

TEST_F(OutboxTest, FailuresBackOffThenDieAndAnAdministratorRetries) {
  sync();
  announce();
  pqxx::connection sender(as(notifier_));
  long long id = 0;
  {
    pqxx::work txn(sender);
    const auto row = outbox::claim_next(txn);
    ASSERT_TRUE(row);
    id = row->id;
    EXPECT_EQ(outbox::mark_failed(txn, *row, "connection refused", std::chrono::hours(1), 2),
              "pending");
    txn.commit();
  }
  {
    pqxx::work txn(sender);
    for (auto row = outbox::claim_next(txn); row; row = outbox::claim_next(txn)) {
      EXPECT_NE(row->id, id) << "claimed during its backoff";
      outbox::mark_sent(txn, row->id);
    }
    txn.commit();
  }
  {
    pqxx::work txn(admin_);
    txn.exec_params("UPDATE outbox SET next_attempt_at = now() WHERE id = $1", id);
    txn.commit();
  }
  {
    pqxx::work txn(sender);
    const auto row = outbox::claim_next(txn);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->id, id);
    EXPECT_EQ(row->attempts, 1);
    EXPECT_EQ(outbox::mark_failed(txn, *row, "550 no such user", std::chrono::seconds(1), 2),
              "dead");
    txn.commit();
  }
  {
    pqxx::read_transaction txn(admin_);
    const auto dead = outbox::list(txn, {.dead = true});
    ASSERT_EQ(dead.size(), 1u);
    EXPECT_EQ(dead[0].id, id);
    EXPECT_EQ(dead[0].attempts, 2);
    EXPECT_EQ(dead[0].last_error, "550 no such user");
  }
  // The sender may not revive it; an administrator may, and it is audited.
  EXPECT_NE(try_as(notifier_, "SELECT outbox_retry($1)", id).find("permission denied"),
            std::string::npos);
  {
    pqxx::connection root(as(boss_admin_));
    pqxx::work txn(root);
    EXPECT_TRUE(outbox::retry(txn, id));
    EXPECT_FALSE(outbox::retry(txn, id));  // pending now: nothing to retry
    txn.commit();
  }
  pqxx::read_transaction txn(admin_);
  const auto row = outbox::find(txn, id);
  EXPECT_EQ(row->state, "pending");
  EXPECT_EQ(row->attempts, 0);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'outbox_retry' "
                      "AND details->>'last_error' = '550 no such user'")[0]
                .as<int>(),
            1);
}

TEST_F(OutboxTest, TheNotifierRoleSeesOnlyTheOutbox) {
  sync();
  EXPECT_EQ(try_as(notifier_, "SELECT count(*) FROM outbox"), "");
  EXPECT_EQ(try_as(notifier_, "SELECT outbox_enqueue_leavers_digest(current_date)"), "");
  EXPECT_EQ(try_as(notifier_, "SELECT outbox_announce_pending()"), "");
  for (const char* sql :
       {"SELECT count(*) FROM employee", "SELECT count(*) FROM change_item",
        "SELECT count(*) FROM outbox_announcement", "DELETE FROM outbox_announcement",
        "INSERT INTO outbox_announcement (item_ids) VALUES ('{1}')",
        "SELECT masked FROM identity_code", "SELECT count(*) FROM audit_event",
        "UPDATE outbox SET payload = '{}'", "UPDATE outbox SET recipient = 'x@evil.example'",
        "INSERT INTO outbox (event, channel, audience, payload, idempotency_key) "
        "VALUES ('run_items', 'mail', 'reviewers', '{}', 'k')",
        "DELETE FROM outbox", "SELECT approve_item(1, NULL)"}) {
    EXPECT_NE(try_as(notifier_, sql).find("permission denied"), std::string::npos) << sql;
  }
  // Only the notifier and administrators write the announced notices; nobody reads the
  // announcements themselves.
  for (const std::string& login : {daemon_, alice_}) {
    EXPECT_NE(try_as(login, "SELECT outbox_announce_pending()").find("permission denied"),
              std::string::npos)
        << login;
    EXPECT_NE(try_as(login, "SELECT count(*) FROM outbox_announcement").find("permission denied"),
              std::string::npos)
        << login;
  }
  EXPECT_EQ(try_as(boss_admin_, "SELECT outbox_announce_pending()"), "");
  // The daemon enqueues only through its run's triggers, never directly.
  EXPECT_NE(try_as(daemon_,
                   "INSERT INTO outbox (event, channel, audience, payload, idempotency_key) "
                   "VALUES ('run_items', 'mail', 'reviewers', '{}', 'k')")
                .find("permission denied"),
            std::string::npos);
}

TEST_F(OutboxTest, ANoticeWhoseItemClosedBeforeSendingIsSkippedNotSent) {
  sync();
  announce();  // the notices are written, then the item closes
  const long long rejected = item("grant", "kela-etuustiedot");
  const long long still_open = item("grant", "okm-avustukset");
  {
    pqxx::connection alice(as(alice_));
    pqxx::work txn(alice);
    txn.exec_params("SELECT reject_item($1, NULL, 'not needed', NULL)", rejected);
    txn.commit();
  }
  pqxx::connection notifier(as(notifier_));
  {
    pqxx::work txn(notifier);
    EXPECT_EQ(outbox::skip_stale(txn), 2);  // to Anna and to her manager
    txn.commit();
  }
  for (const OutboxRow& r : rows("grant_proposed")) {
    EXPECT_EQ(r.state, r.item_id == rejected ? "skipped" : "pending") << r.idempotency_key;
    if (r.item_id == rejected) {
      EXPECT_NE(r.last_error.find("rejected"), std::string::npos);
    }
    if (r.item_id == still_open) {
      EXPECT_EQ(r.last_error, "");
    }
  }
  // Only grant notices are judged: the run's message to reviewers stays due.
  EXPECT_EQ(rows("run_items").at(0).state, "pending");
  pqxx::work again(notifier);
  EXPECT_EQ(outbox::skip_stale(again), 0);
}

TEST_F(OutboxTest, DailyMessagesAreEnqueuedOncePerDay) {
  sync();
  pqxx::connection sender(as(notifier_));
  auto call = [&](const std::string& sql) {
    pqxx::work txn(sender);
    const auto r = txn.exec1(sql);
    txn.commit();
    return r[0].is_null() ? 0LL : r[0].as<long long>();
  };
  // Nothing is overdue today: nothing is enqueued.
  EXPECT_EQ(call("SELECT outbox_enqueue_overdue(current_date, 3, 42)"), 0);
  // Ten days on, the open path-1 grant is overdue; the path-2 items (org_apply and the grant
  // waiting for it) are not. A second call that day enqueues nothing.
  EXPECT_NE(call("SELECT outbox_enqueue_overdue(current_date + 10, 3, 42)"), 0);
  EXPECT_EQ(call("SELECT outbox_enqueue_overdue(current_date + 10, 3, 42)"), 0);
  const auto overdue = rows("items_overdue");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].audience, "reviewers");
  EXPECT_EQ(overdue[0].payload["overdue"], 1);
  EXPECT_EQ(overdue[0].payload["overdue_path1"], 1);
  EXPECT_EQ(overdue[0].payload["overdue_path2"], 0);
  EXPECT_EQ(overdue[0].payload["oldest_days"], 10);
  EXPECT_NE(call("SELECT outbox_enqueue_overdue(current_date + 11, 3, 5)"), 0);
  EXPECT_EQ(rows("items_overdue").back().payload["overdue_path2"], 2);

  // Leavers with mandates in the ledger, for security: none yet, then Anna.
  done(item("grant", "kela-etuustiedot"));
  EXPECT_EQ(call("SELECT outbox_enqueue_leavers_digest(current_date)"), 0);
  snapshot_.employees.erase(snapshot_.employees.begin());
  sync();
  EXPECT_NE(call("SELECT outbox_enqueue_leavers_digest(current_date)"), 0);
  EXPECT_EQ(call("SELECT outbox_enqueue_leavers_digest(current_date)"), 0);
  const auto digest = rows("leavers_digest");
  ASSERT_EQ(digest.size(), 1u);
  EXPECT_EQ(digest[0].audience, "security");
  EXPECT_EQ(digest[0].payload["leavers"], 1);
  EXPECT_EQ(digest[0].payload["mandates"], 1);
  EXPECT_NE(digest[0].payload["list"].get<std::string>().find("Anna Österberg (annaost)"),
            std::string::npos)
      << digest[0].payload.dump();
  EXPECT_NE(digest[0].idempotency_key.find(".leavers_digest."), std::string::npos);
}

TEST_F(OutboxTest, NoPayloadHoldsAnIdentityCode) {
  sync();
  announce();
  ASSERT_EQ(count("SELECT count(*) FROM identity_code WHERE employee_key = 'key-anna'"), 1);
  done(item("grant", "kela-etuustiedot"));
  auto daily = [&](const std::string& sql) {
    pqxx::work txn(admin_);
    txn.exec(sql);
    txn.commit();
  };
  daily("SELECT outbox_enqueue_overdue(current_date + 60, 3, 42)");
  snapshot_.employees.erase(snapshot_.employees.begin());
  sync();
  daily("SELECT outbox_enqueue_leavers_digest(current_date)");
  done(item("revoke", "kela-etuustiedot"));
  EXPECT_EQ(count("SELECT count(DISTINCT event) FROM outbox"), 6);  // all but run_held
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE payload::text LIKE '%131052%' "
                  "OR payload::text LIKE '%308T%' OR recipient LIKE '%131052%'"),
            0);
}

}  // namespace
}  // namespace valtuus
