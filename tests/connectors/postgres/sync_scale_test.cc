// The cost of a sync run grows with what changed, not with the staff: counted from PostgreSQL's
// own row versions (xmin) and from the statements libpq sends, so a fast machine cannot fool it.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "connectors/postgres/employee_writer.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/state_queries.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/reconcile.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

const TimePoint kScaleNow =
    std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}};

Employee person(int n) {
  Employee e;
  e.key = "key-" + std::to_string(n);
  e.account = "user" + std::to_string(n);
  e.dn = "CN=" + e.account + ",OU=People,DC=kunta,DC=example";
  e.display_name = "Person " + std::to_string(n);
  e.department = n % 4 == 0 ? "Elinkeinoasiat" : "Talous";  // a quarter need the theme
  e.title = "Yritysneuvoja";
  e.ou = "People";
  e.groups = {"CN=Staff,DC=kunta,DC=example"};
  e.disabled = n % 50 == 0;  // some leavers, still in the directory
  return e;
}

class SyncScaleTest : public ::testing::Test {
 protected:
  SyncScaleTest() : db_("sync_scale"), connection_(db_.conninfo()) { migrate(connection_); }

  void SetUp() override {
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    kela.location = {"catalog.yaml", 3, 5};
    policy_.catalog = {kela};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"maps/e.yaml", 6, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.read_at = kScaleNow;
    snapshot_.source = "ldaps://test";
  }

  void staff(int size) {
    snapshot_.employees.clear();
    for (int n = 0; n < size; ++n) snapshot_.employees.push_back(person(n));
  }

  RunRecord sync(TimePoint started_at = kScaleNow) {
    return plan_and_write(*borrow_sync_store(connection_),
                          {snapshot_, policy_, rules_, started_at, started_at, {}}, false,
                          GuardOptions{});
  }

  // Every row's version: a row updated, locked for update or inserted changes the text.
  std::string row_versions(const std::string& table) {
    pqxx::read_transaction txn(connection_);
    return txn
        .exec1(
            "SELECT coalesce(string_agg(ctid::text || xmin::text || xmax::text, ',' "
            "ORDER BY ctid), '') FROM " +
            table)[0]
        .as<std::string>();
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(connection_);
    return txn.exec1(sql)[0].as<long long>();
  }

  // Statements sent by write_employees for the current snapshot with everyone new (the first
  // run) or as stored: Query and Parse messages in libpq's trace of the call alone.
  int employee_write_statements(pqxx::connection& connection) {
    pqxx::work txn(connection);
    const ReconcileState state = load_reconcile_state(txn);
    const Plan plan = reconcile({snapshot_, policy_, state, rules_, kScaleNow});
    const long long run =
        txn.exec1(
               "SELECT sync_run_insert(now(), 'test', true, '', 0, 0, 0, NULL, '', true, "
               "'{}')")[0]
            .as<long long>();
    const std::string path = ::testing::TempDir() + "sync_scale_trace.txt";
    std::FILE* trace = std::fopen(path.c_str(), "w");
    EXPECT_NE(trace, nullptr);
    connection.trace(trace);
    write_employees(txn, run, snapshot_, plan, state.history);
    connection.trace(nullptr);
    std::fclose(trace);
    txn.commit();
    std::ifstream in(path);
    int statements = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find("\tF\t") == std::string::npos) continue;  // from the client only
      if (line.find("\tQuery\t") != std::string::npos ||
          line.find("\tParse\t") != std::string::npos) {
        ++statements;
      }
    }
    std::remove(path.c_str());
    return statements;
  }

  // Rows of `table` the transaction read so far, as PostgreSQL's own counters of it say (with
  // what its session read before and has not yet reported: a session of its own, then).
  static long long rows_read(pqxx::transaction_base& txn, const std::string& table) {
    return txn
        .exec_params1(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
            "FROM pg_stat_xact_user_tables WHERE schemaname = 'public' AND relname = $1",
            table)[0]
        .as<long long>();
  }

  testing::MigratedDatabase db_;
  pqxx::connection connection_;
  Policy policy_;
  Snapshot snapshot_;
  LeaverRules rules_;
};

TEST_F(SyncScaleTest, AnUnchangedCycleOver5000PeopleRewritesNoRowAndAddsNoItem) {
  staff(5000);
  const RunRecord first = sync();
  ASSERT_GT(first.plan.add.size(), 1000u);  // the first run did write: the test can fail
  const std::string employees = row_versions("employee");
  const std::string items = row_versions("change_item");
  const std::string catalog = row_versions("mandate_issue");
  const long long events = count("SELECT count(*) FROM audit_event");

  const RunRecord second = sync(kScaleNow + std::chrono::hours{1});
  EXPECT_TRUE(second.plan.empty());
  EXPECT_EQ(row_versions("employee"), employees);
  EXPECT_EQ(row_versions("change_item"), items);
  EXPECT_EQ(row_versions("mandate_issue"), catalog);
  // Nothing but the run and its own audit event.
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event"), events + 1);

  // One person changed: exactly one row is written, with the run's start as the move time.
  snapshot_.employees[7].title = "Controller";
  const TimePoint third_start = kScaleNow + std::chrono::hours{2};
  const RunRecord third = sync(third_start);
  EXPECT_EQ(
      count("SELECT count(*) FROM employee WHERE last_seen_run = " + std::to_string(third.run_id)),
      1);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE key = 'key-7' AND role_changed_at = "
                  "'2026-11-24 02:00:00+00'"),
            1);
}

TEST_F(SyncScaleTest, EachStoredValueChangedAloneRewritesThatRowAndNoOther) {
  // One person a change, each to another value the row stores; the others as read before.
  const std::vector<std::pair<std::string, std::function<void(Employee&)>>> changes = {
      {"account", [](Employee& e) { e.account += "b"; }},
      {"dn", [](Employee& e) { e.dn = "CN=" + e.account + ",OU=Staff,DC=kunta,DC=example"; }},
      {"given_name", [](Employee& e) { e.given_name = "Maija"; }},
      {"surname", [](Employee& e) { e.surname = "Virtanen"; }},
      {"display_name", [](Employee& e) { e.display_name += " (sijainen)"; }},
      {"mail", [](Employee& e) { e.mail = "someone@kunta.example"; }},
      {"department", [](Employee& e) { e.department = "Talous ja hallinto"; }},
      {"title", [](Employee& e) { e.title = "Controller"; }},
      {"ou", [](Employee& e) { e.ou = "Staff"; }},
      {"a group more", [](Employee& e) { e.groups.push_back("CN=Extra,DC=kunta,DC=example"); }},
      {"a group other", [](Employee& e) { e.groups = {"CN=Other,DC=kunta,DC=example"}; }},
      {"disabled", [](Employee& e) { e.disabled = true; }},
      {"expires", [](Employee& e) { e.account_expires = kScaleNow + std::chrono::days{400}; }},
      {"long leave", [](Employee& e) { e.long_leave_marker = "vanhempainvapaa"; }},
      {"manager", [](Employee& e) { e.manager = "CN=Boss,OU=People,DC=kunta,DC=example"; }},
      {"language", [](Employee& e) { e.preferred_language = "sv"; }},
  };
  staff(static_cast<int>(changes.size()) * 2 + 2);
  snapshot_.employees[1].disabled = false;  // person(0) is the disabled one: keep the others in
  sync();
  std::set<std::string> expected;
  int n = 1;
  for (const auto& [what, change] : changes) {
    change(snapshot_.employees[static_cast<std::size_t>(n)]);
    expected.insert(snapshot_.employees[static_cast<std::size_t>(n)].key);
    n += 2;  // a person left as read between every two changed
  }
  // What the store keeps as it was: a language it does not know is stored as none.
  snapshot_.employees[2].preferred_language = "de";
  const RunRecord second = sync(kScaleNow + std::chrono::hours{1});
  std::set<std::string> written;
  pqxx::read_transaction txn(connection_);
  for (const auto& row :
       txn.exec_params("SELECT key FROM employee WHERE last_seen_run = $1", second.run_id)) {
    written.insert(row[0].as<std::string>());
  }
  EXPECT_EQ(written, expected);
  // As a person whose values changed back: written again.
  txn.abort();
  n = 1;
  for (std::size_t i = 0; i < changes.size(); ++i, n += 2) {
    snapshot_.employees[static_cast<std::size_t>(n)] = person(n);
  }
  const RunRecord third = sync(kScaleNow + std::chrono::hours{2});
  EXPECT_EQ(
      count("SELECT count(*) FROM employee WHERE last_seen_run = " + std::to_string(third.run_id)),
      static_cast<long long>(changes.size()));
}

TEST_F(SyncScaleTest, TheStoredDigestIsTheRowDigestWhateverTheNumberOfSharedValues) {
  // More distinct groups than the writer's cache of shared texts' digests has slots: the
  // digest stored must still be employee_row_digest's, and an unchanged read writes nothing.
  staff(6000);
  for (std::size_t i = 0; i < snapshot_.employees.size(); ++i) {
    snapshot_.employees[i].groups.push_back("CN=Only " + std::to_string(i) +
                                            ",DC=kunta,DC=example");
  }
  sync();
  const Employee& someone = snapshot_.employees[4321];
  EXPECT_EQ(count("SELECT row_digest FROM employee WHERE key = '" + someone.key + "'"),
            static_cast<long long>(employee_row_digest(someone, "active")));
  const std::string before = row_versions("employee");
  sync(kScaleNow + std::chrono::hours{1});
  EXPECT_EQ(row_versions("employee"), before);
}

TEST_F(SyncScaleTest, LeftAtIsTheRunsStartAndOnlyThePlansLeaversAreLeft) {
  staff(20);
  sync();
  // key-0 was disabled in the first read: left as of that run's start.
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left' AND left_at = "
                  "'2026-11-24 00:00:00+00'"),
            1);
  snapshot_.employees.pop_back();  // key-19 leaves the directory
  const RunRecord second = sync(kScaleNow + std::chrono::hours{3});
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE key = 'key-19' AND status = 'left' AND "
                  "left_at = '2026-11-24 03:00:00+00' AND absent_since_run = " +
                  std::to_string(second.run_id)),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left'"), 2);
  // An incomplete read finds key-18 missing too, and marks nobody.
  snapshot_.employees.pop_back();
  snapshot_.complete = false;
  snapshot_.incomplete_reason = "timeout";
  sync(kScaleNow + std::chrono::hours{4});
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left'"), 2);
  // The one absent is not written again by later complete runs.
  snapshot_.complete = true;
  snapshot_.incomplete_reason.clear();
  snapshot_.employees.push_back(person(18));
  const std::string before = row_versions("employee");
  sync(kScaleNow + std::chrono::hours{5});
  EXPECT_EQ(row_versions("employee"), before);
}

TEST_F(SyncScaleTest, TheEmployeeWriteIsAFixedNumberOfStatementsWhateverTheStaffSize) {
  staff(10);
  const int small_first = employee_write_statements(connection_);
  const int small_unchanged = employee_write_statements(connection_);
  TestDatabase other("sync_scale_large");
  pqxx::connection large(other.conninfo());
  migrate(large);
  staff(3000);
  const int large_first = employee_write_statements(large);
  const int large_unchanged = employee_write_statements(large);
  EXPECT_GT(small_first, 0);
  EXPECT_LE(small_first, 5);
  EXPECT_EQ(large_first, small_first);
  EXPECT_EQ(small_unchanged, 0);
  EXPECT_EQ(large_unchanged, 0);
}

// The notifier's pass after a first sync reads each new item, each person and the announcement
// a bounded number of times however many items there are: counted from PostgreSQL's own
// counters of the pass's transaction (pg_stat_xact_user_tables), so a fast machine cannot hide
// a plan that reads a table again for every item (without employee_dn_idx, the managers'
// look-up alone reads 6,000,000 employee rows here). The people have mail and managers, so that
// both recipients' look-ups run. A function evaluated again for every item reads no table:
// bench/e2e's row for the pass shows that kind of plan.
TEST_F(SyncScaleTest, TheNotifiersPassReadsEachNewItemAndPersonABoundedNumberOfTimes) {
  staff(5000);
  for (std::size_t n = 0; n < snapshot_.employees.size(); ++n) {
    Employee& e = snapshot_.employees[n];
    e.mail = e.account + "@kunta.example";
    e.manager = person(static_cast<int>(n / 10 * 10 + 1)).dn;  // ten people a manager
  }
  const RunRecord first = sync();
  const auto items = static_cast<long long>(first.plan.add.size());
  ASSERT_GT(items, 1000);
  testing::TestLogins logins;
  pqxx::connection notifier(db_.conninfo() + " user=" + logins.make("noora", "valtuus_notifier"));
  pqxx::work pass(notifier);
  const long long written = pass.exec1("SELECT outbox_announce_pending()")[0].as<long long>();
  EXPECT_GT(written, items);  // the person's notices and their managers'
  EXPECT_LE(rows_read(pass, "change_item"), 3 * items);
  EXPECT_LE(rows_read(pass, "employee"), 3 * (5000 + items));
  EXPECT_LE(rows_read(pass, "outbox_announcement"), 10);  // taken, its ids read, deleted
  pass.commit();
}

// A run's commit counts its own items for the reviewers' notice (outbox_run_trigger): by the
// run, not by reading every item ever proposed, so that an idle cycle costs the same however
// long the history. Counted as the notifier's pass is, from the transaction's own counters; the
// notice's deferred trigger is fired before the commit (SET CONSTRAINTS ALL IMMEDIATE) so that
// they still count it.
TEST_F(SyncScaleTest, ARunsNoticeCountsItsItemsWithoutReadingEveryItemEverProposed) {
  staff(5000);
  const RunRecord first = sync();
  const auto items = static_cast<long long>(first.plan.add.size());
  ASSERT_GT(items, 1000);
  pqxx::nontransaction(connection_).exec("ANALYZE change_item");  // as autovacuum would
  // A session of its own: the counters also hold what its session read before and has not yet
  // reported (the analyse's sample, the first sync).
  pqxx::connection session(db_.conninfo());
  pqxx::work run(session);
  run.exec1("SELECT sync_run_insert(now(), 'test', true, '', 0, 0, 0, NULL, '', true, '{}')");
  run.exec("SET CONSTRAINTS ALL IMMEDIATE");
  EXPECT_LT(rows_read(run, "change_item"), 10) << "of " << items << " items, all of an earlier run";
  run.commit();
}

// A whole snapshot of many people is compared by two threads: the same rows staged, in the
// same order, the same counted unchanged and absent, as one pass gives.
TEST_F(SyncScaleTest, TwoThreadsStageTheRowsOnePassStages) {
  staff(400);
  sync();
  // Some changed, some new, one left the directory, one newly disabled, one refused.
  for (std::size_t n = 3; n < snapshot_.employees.size(); n += 7) {
    snapshot_.employees[n].title = "Controller";
  }
  snapshot_.employees[11].disabled = true;
  for (int n = 400; n < 420; ++n) snapshot_.employees.push_back(person(n));
  snapshot_.employees.erase(snapshot_.employees.begin() + 20);
  snapshot_.refused.push_back(
      {"CN=user30,OU=People,DC=kunta,DC=example", "key-30", "user30", "department", "bad"});
  auto write = [&](std::size_t two_threads_from) {
    pqxx::work txn(connection_);
    const ReconcileState state = load_reconcile_state(txn);
    const Plan plan =
        reconcile({snapshot_, policy_, state, rules_, kScaleNow + std::chrono::hours{1}});
    const long long run =
        txn.exec1(
               "SELECT sync_run_insert(now(), 'test', true, '', 0, 0, 0, NULL, '', true, "
               "'{}')")[0]
            .as<long long>();
    return write_employees(txn, run, snapshot_, plan, state.history, nullptr, two_threads_from);
  };  // rolled back
  const EmployeeWriteStats one = write(std::numeric_limits<std::size_t>::max());
  const EmployeeWriteStats two = write(0);
  EXPECT_EQ(one.staged, 400 / 7 + 1 + 20);  // the changed, the disabled and the new
  EXPECT_EQ(one.absent, 1);
  EXPECT_EQ(two.keys, one.keys);
  EXPECT_EQ(two.staged, one.staged);
  EXPECT_EQ(two.unchanged, one.unchanged);
  EXPECT_EQ(two.absent, one.absent);
  EXPECT_EQ(two.written, one.written);
}

}  // namespace
}  // namespace valtuus
