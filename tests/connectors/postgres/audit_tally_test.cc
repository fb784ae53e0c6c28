// The audit trail's tally (audit_tally): the chain trigger counts every event and the newest id
// as it chains them, whoever writes and however many write at once; nobody else can change it;
// audit_verify() reports a tally that differs from the trail, which also catches the newest
// events removed (the hash chain of what is left is intact). People and the daemon connect as
// their own login roles.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;

const TimePoint kTallyNow = std::chrono::floor<std::chrono::seconds>(Clock::now());

class AuditTallyTest : public ::testing::Test {
 protected:
  AuditTallyTest() : db_("audit_tally"), owner_(db_.conninfo()) {
    migrate(owner_);
    reviewer_ = logins_.make("rita", "valtuus_reviewer");
    admin_ = logins_.make("anni", "valtuus_admin");
    daemon_ = logins_.make("daemon", "valtuus_daemon");
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    kela.organisation_holds = true;
    MandateIssue okm = kela;
    okm.id = "okm-avustukset";
    okm.service = "OKM";
    policy_.catalog = {kela, okm};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 4, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.source = "test";
    Employee e;
    e.key = "key-mmakinen";
    e.account = "mmakinen";
    e.department = "Elinkeinoasiat";
    snapshot_.employees = {e};
  }

  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  // One sync run as the daemon's own login: a run event, the employees, the items.
  void sync() {
    pqxx::connection daemon(as(daemon_));
    plan_and_write(*borrow_sync_store(daemon),
                   {snapshot_, policy_, rules_, kTallyNow, kTallyNow, {}}, false, GuardOptions{});
  }

  // An order form as a reviewer (for a theme no map gives): one event.
  static void order(pqxx::connection& reviewer) {
    pqxx::work txn(reviewer);
    txn.exec("SELECT create_request('mmakinen', 'okm-avustukset', 'OKM grants', NULL)");
    txn.commit();
  }

  // An administrator's setting, audited when it changes: one event a call at most.
  static void set_language(pqxx::connection& admin, const char* language) {
    pqxx::work txn(admin);
    txn.exec_params("SELECT outbox_set_default_language($1)", language);
    txn.commit();
  }

  struct Totals {
    long long trail_events, trail_newest, tally_events, tally_newest;
  };
  Totals totals() {
    pqxx::read_transaction txn(owner_);
    const pqxx::row row = txn.exec1(
        "SELECT (SELECT count(*) FROM audit_event), (SELECT coalesce(max(id), 0) FROM "
        "audit_event), events, newest FROM audit_tally");
    return {row[0].as<long long>(), row[1].as<long long>(), row[2].as<long long>(),
            row[3].as<long long>()};
  }

  std::vector<std::string> problems() {
    pqxx::read_transaction txn(owner_);
    std::vector<std::string> out;
    for (const auto& row : txn.exec("SELECT problem FROM audit_verify()")) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  }

  // Runs `sql` as the superuser who can switch guards off; the refusal's text, or "".
  std::string as_owner(const std::string& sql) {
    try {
      pqxx::work txn(owner_);
      txn.exec(sql);
      txn.commit();
      return "";
    } catch (const pqxx::sql_error& e) {
      return e.what();
    }
  }

  TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection owner_;
  std::string reviewer_, admin_, daemon_;
  Policy policy_;
  Snapshot snapshot_;
  LeaverRules rules_;
};

TEST_F(AuditTallyTest, CountsEveryEventWithTheNewestId) {
  const Totals empty = totals();
  EXPECT_EQ(empty.tally_events, empty.trail_events);
  sync();
  pqxx::connection reviewer(as(reviewer_));
  order(reviewer);
  const Totals after = totals();
  EXPECT_GT(after.trail_events, empty.trail_events + 1);
  EXPECT_EQ(after.tally_events, after.trail_events);
  EXPECT_EQ(after.tally_newest, after.trail_newest);
  EXPECT_TRUE(problems().empty());
}

TEST_F(AuditTallyTest, ARolledBackEventIsNotCounted) {
  sync();
  const Totals before = totals();
  {
    pqxx::connection reviewer(as(reviewer_));
    pqxx::work txn(reviewer);
    txn.exec("SELECT create_request('mmakinen', 'okm-avustukset', 'OKM grants', NULL)");
    txn.abort();
  }
  const Totals after = totals();
  EXPECT_EQ(after.tally_events, before.tally_events);
  EXPECT_EQ(after.tally_events, after.trail_events);
  EXPECT_TRUE(problems().empty());
}

TEST_F(AuditTallyTest, StaysExactWithConcurrentWriters) {
  sync();
  const long long before = totals().trail_events;
  constexpr int kEach = 20;
  std::vector<std::thread> writers;
  for (const char* language : {"fi", "sv", "en"}) {
    writers.emplace_back([&, language] {
      pqxx::connection admin(as(admin_));
      for (int i = 0; i < kEach; ++i) set_language(admin, i % 2 == 0 ? language : "fi");
    });
  }
  writers.emplace_back([&] {
    pqxx::connection reviewer(as(reviewer_));
    order(reviewer);
  });
  writers.emplace_back([&] {
    for (int i = 0; i < 5; ++i) sync();
  });
  for (std::thread& t : writers) t.join();
  const Totals after = totals();
  EXPECT_EQ(after.tally_events, after.trail_events);
  EXPECT_EQ(after.tally_newest, after.trail_newest);
  EXPECT_GE(after.trail_events, before + 5 + 1 + kEach);  // runs, the order, languages changed
  for (const std::string& p : problems()) ADD_FAILURE() << p;
}

TEST_F(AuditTallyTest, NoLoginAndNoDirectStatementChangesIt) {
  sync();
  for (const std::string& login : {reviewer_, admin_, daemon_}) {
    EXPECT_NE(testing::try_sql(as(login), "UPDATE audit_tally SET events = events + 1")
                  .find("permission denied"),
              std::string::npos)
        << login;
  }
  // Even the owner's direct statements: the guard lets only the chain trigger's step through.
  EXPECT_NE(as_owner("UPDATE audit_tally SET events = events + 1").find("chain trigger alone"),
            std::string::npos);
  EXPECT_NE(as_owner("DELETE FROM audit_tally").find("chain trigger alone"), std::string::npos);
  EXPECT_NE(as_owner("TRUNCATE audit_tally").find("chain trigger alone"), std::string::npos);
  EXPECT_NE(as_owner("INSERT INTO audit_tally (only_row, events, newest) VALUES (false, 0, 0)")
                .find("audit_tally"),
            std::string::npos);
  EXPECT_TRUE(problems().empty());
}

TEST_F(AuditTallyTest, AuditVerifyReportsATallyChangedBehindTheGuardsBack) {
  sync();
  ASSERT_EQ(as_owner("ALTER TABLE audit_tally DISABLE TRIGGER audit_tally_kept_by_chain; "
                     "UPDATE audit_tally SET events = events + 1; "
                     "ALTER TABLE audit_tally ENABLE TRIGGER audit_tally_kept_by_chain"),
            "");
  const std::vector<std::string> found = problems();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("its tally (audit_tally)"), std::string::npos) << found[0];
}

TEST_F(AuditTallyTest, AuditVerifyReportsTheNewestEventRemoved) {
  sync();
  pqxx::connection reviewer(as(reviewer_));
  order(reviewer);
  ASSERT_TRUE(problems().empty());
  // The newest event removed: what is left of the chain is intact, only the tally tells.
  ASSERT_EQ(as_owner("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only; "
                     "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event); "
                     "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"),
            "");
  const std::vector<std::string> found = problems();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("events removed"), std::string::npos) << found[0];
}

TEST_F(AuditTallyTest, AuditVerifyReportsAMissingTally) {
  sync();
  ASSERT_EQ(as_owner("ALTER TABLE audit_tally DISABLE TRIGGER audit_tally_kept_by_chain; "
                     "DELETE FROM audit_tally; "
                     "ALTER TABLE audit_tally ENABLE TRIGGER audit_tally_kept_by_chain"),
            "");
  const std::vector<std::string> found = problems();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].find("says nothing"), std::string::npos) << found[0];
}

}  // namespace
}  // namespace valtuus
