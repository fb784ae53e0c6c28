// A full read (as `valtuusd --once` runs it: a new process, no state kept) after a run that
// left its mark (sql/022_reconcile_mark.sql): when nothing but the directory changed since a
// whole reconcile, only the people whose entries are not as stored are reconciled, and the
// plan is the whole one's; anything else (an audit event by anyone, another policy) makes it
// whole again. The in-memory directory, the suite's PostgreSQL, the daemon's and a reviewer's
// logins.
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/postgres/grant_import_store.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "daemon/sync_cycle.h"
#include "tests/support/fake_directory.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::InMemoryDirectory;
using testing::TestDatabase;
using testing::TestLogins;
using testing::try_sql;

constexpr int kMarkStaff = 40;
// Half the staff in the theme's department, four of them leavers (disabled accounts).
constexpr int kGrants = kMarkStaff / 2 - 4;

Employee staff_member(int n, const std::string& department) {
  Employee e;
  e.key = "key-" + std::to_string(n);
  e.account = "person" + std::to_string(n);
  e.dn = "CN=" + e.account + ",OU=Staff,DC=example,DC=fi";
  e.department = department;
  e.title = "Neuvoja";
  return e;
}

std::vector<std::string> described(const std::vector<ProposedItem>& items) {
  std::vector<std::string> out;
  for (const ProposedItem& item : items) out.push_back(describe(item) + " " + item.fingerprint);
  std::sort(out.begin(), out.end());
  return out;
}

class SyncFullReadMarkTest : public ::testing::Test {
 protected:
  SyncFullReadMarkTest() : db_("sync_full_read_mark"), owner_(db_.conninfo()) {
    migrate(owner_);
    daemon_login_ = logins_.make("daemon", "valtuus_daemon");
    daemon_ = std::make_unique<pqxx::connection>(db_.conninfo() + " user=" + daemon_login_);
    reviewer_ = db_.conninfo() + " user=" + logins_.make("reviewer", "valtuus_reviewer");
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    MandateIssue vero = kela;
    vero.id = "vero-palkat";
    vero.service = "Verohallinto";
    policy_.catalog = {kela, vero};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 6, 9}}};
    policy_.maps = {map};
    for (int n = 0; n < kMarkStaff; ++n) {
      Employee e = staff_member(n, n % 2 ? "Elinkeinoasiat" : "Talous");
      e.disabled = n % 10 == 3;  // leavers, four of them
      directory_.put(e);
    }
  }

  // One `valtuusd --once`: a new process's memory, a full read, nothing kept.
  CycleResult once(bool dry_run = false, const GuardOptions& guard = unguarded()) {
    DirectoryMemory memory;
    CycleOptions options;
    options.full_read = true;
    options.keep_state = false;
    options.dry_run = dry_run;
    options.guard = guard;
    return run_sync_cycle(directory_, memory, policy_, rules_, *borrow_sync_store(*daemon_),
                          options);
  }

  static GuardOptions unguarded() {
    GuardOptions guard;
    guard.enabled = false;
    return guard;
  }

  // An administrator imports the ledger: everyone in the theme's department holds it.
  void import_grants() {
    std::vector<GrantRecord> records;
    const auto today = std::chrono::floor<std::chrono::days>(Clock::now());
    for (int n = 1; n < kMarkStaff; n += 2) {
      GrantRecord r;
      r.line = static_cast<std::size_t>(n + 1);
      r.account = "person" + std::to_string(n);
      r.mandate = "kela-etuustiedot";
      r.valid_from = std::chrono::year_month_day{today};
      r.valid_until = std::chrono::year_month_day{today + std::chrono::days(365)};
      records.push_back(r);
    }
    pqxx::connection admin(db_.conninfo() + " user=" + logins_.make("admin", "valtuus_admin"));
    ASSERT_EQ(apply_grant_import(admin, records, "grants.csv").added, records.size());
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(owner_);
    return txn.exec1(sql)[0].as<long long>();
  }

  testing::MigratedDatabase db_;
  pqxx::connection owner_;
  TestLogins logins_;
  std::string daemon_login_;
  std::unique_ptr<pqxx::connection> daemon_;
  std::string reviewer_;
  Policy policy_;
  LeaverRules rules_;
  InMemoryDirectory directory_;
};

TEST_F(SyncFullReadMarkTest, AnUnchangedFullReadReconcilesNobodyAndWritesNoItem) {
  const CycleResult first = once();
  ASSERT_TRUE(first.complete);
  EXPECT_EQ(first.record.people_reconciled, -1);  // no mark yet: everyone
  ASSERT_EQ(first.record.plan.add.size(), static_cast<std::size_t>(kGrants));
  const long long items = count("SELECT count(*) FROM change_item");

  const CycleResult second = once();
  ASSERT_TRUE(second.complete);
  EXPECT_EQ(second.record.people_reconciled, 0);
  EXPECT_TRUE(second.record.plan.empty());
  EXPECT_EQ(second.record.plan.stats.unchanged, 0);  // nobody's items were even looked at
  // The figures are still the whole directory's.
  EXPECT_EQ(second.record.plan.stats.leavers, first.record.plan.stats.leavers);
  EXPECT_EQ(second.record.plan.stats.leavers, 4);
  EXPECT_EQ(second.record.plan.stats.employees_read, kMarkStaff);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), items);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE last_seen_run = " +
                  std::to_string(second.record.run_id)),
            0);
  EXPECT_NE(cycle_summary(second).find("0 people reconciled"), std::string::npos)
      << cycle_summary(second);
  // Each run's mark is on its own row, and the newest is the second's.
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE mark_inputs IS NOT NULL"), 2);
  EXPECT_EQ(count("SELECT max(id) FROM sync_run WHERE mark_inputs IS NOT NULL"),
            second.record.run_id);
  // Nothing was written but the run's row (inserted, its mark set), its audit event and the
  // trail's tally: every row this transaction wrote carries its id as xmin.
  const std::string xmin =
      "(SELECT xmin FROM sync_run WHERE id = " + std::to_string(second.record.run_id) + ")";
  {
    pqxx::read_transaction txn(owner_);
    long long written = 0;
    for (const auto& table :
         txn.exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1")) {
      const std::string name = table[0].as<std::string>();
      const long long rows =
          txn.exec1("SELECT count(*) FROM " + txn.quote_name(name) + " WHERE xmin = " + xmin)[0]
              .as<long long>();
      written += rows;
      if (rows > 0) {
        EXPECT_TRUE(name == "sync_run" || name == "audit_event" || name == "audit_tally")
            << name << ": " << rows;
      }
    }
    EXPECT_EQ(written, 3);
  }

  // And the next one too: a restricted run leaves a mark as good as a whole one's.
  EXPECT_EQ(once().record.people_reconciled, 0);
}

TEST_F(SyncFullReadMarkTest, AReviewersDecisionMakesTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  const long long id = count(
      "SELECT id FROM change_item WHERE state = 'proposed' AND employee_key = 'key-1' LIMIT 1");
  ASSERT_EQ(try_sql(reviewer_, "SELECT reject_item($1, 1, 'not needed', NULL)", id), "");

  const CycleResult after = once();
  EXPECT_EQ(after.record.people_reconciled, -1);  // everyone
  EXPECT_EQ(after.record.plan.stats.unchanged, kGrants - 1);
  EXPECT_TRUE(after.record.plan.add.empty());  // the rejection stands
  // Whole again, it leaves a mark: the next is restricted.
  EXPECT_EQ(once().record.people_reconciled, 0);
}

TEST_F(SyncFullReadMarkTest, AGrantImportMakesTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  ASSERT_NO_FATAL_FAILURE(import_grants());
  const CycleResult after = once();
  EXPECT_EQ(after.record.people_reconciled, -1);
  // The ledger now stands for the grants: their open items go, as only a whole reconcile sees.
  EXPECT_EQ(after.record.plan.supersede.size(), static_cast<std::size_t>(kGrants));
}

TEST_F(SyncFullReadMarkTest, AChangedAndARemovedEntryGiveTheWholePlan) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  directory_.put(staff_member(1, "Talous"));          // moves away from the theme's department
  directory_.put(staff_member(2, "Elinkeinoasiat"));  // moves to it
  Employee title = staff_member(5, "Elinkeinoasiat");
  title.title = "Päällikkö";  // a change that gives no item
  directory_.put(title);
  directory_.remove("key-13");  // a leaver who left the directory
  directory_.remove("key-7");

  // A dry run reconciles everyone (and writes nothing): what a whole reconcile says.
  const CycleResult whole = once(true);
  ASSERT_EQ(whole.record.people_reconciled, -1);
  const CycleResult part = once();
  EXPECT_EQ(part.record.people_reconciled, 5);
  EXPECT_EQ(described(part.record.plan.add), described(whole.record.plan.add));
  EXPECT_EQ(part.record.plan.supersede, whole.record.plan.supersede);
  EXPECT_EQ(part.record.plan.absent, whole.record.plan.absent);
  EXPECT_EQ(part.record.plan.role_changed, whole.record.plan.role_changed);
  EXPECT_EQ(part.record.plan.stats.leavers, whole.record.plan.stats.leavers);
  EXPECT_EQ(part.record.plan.stats.grants, 1);
  EXPECT_EQ(part.record.plan.stats.superseded, 2);  // key-1's grant, key-7's grant
  EXPECT_EQ(part.record.plan.absent, (std::vector<std::string>{"key-13", "key-7"}));
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE last_seen_run = " +
                  std::to_string(part.record.run_id)),
            3);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE absent_since_run = " +
                  std::to_string(part.record.run_id)),
            2);
  // And afterwards, nothing more.
  const CycleResult settled = once();
  EXPECT_EQ(settled.record.people_reconciled, 0);
  EXPECT_TRUE(settled.record.plan.empty());
}

TEST_F(SyncFullReadMarkTest, AnotherPolicyOrOtherLeaverRulesMakeTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_EQ(once().record.people_reconciled, 0);
  AuthorisationMap talous;
  talous.id = "talous";
  talous.match.department = {"Talous"};
  talous.grants = {{"vero-palkat", "Reports salaries", {"m.yaml", 20, 9}}};
  policy_.maps.push_back(talous);
  const CycleResult policy = once();
  EXPECT_EQ(policy.record.people_reconciled, -1);
  EXPECT_EQ(policy.record.plan.stats.grants, kMarkStaff / 2);  // everyone in Talous
  ASSERT_EQ(once().record.people_reconciled, 0);

  rules_.leaver_grace = std::chrono::days(14);
  EXPECT_EQ(once().record.people_reconciled, -1);
  EXPECT_EQ(once().record.people_reconciled, 0);
}

// The loop: a full read restricted by the mark keeps the state, and the incremental cycles
// over it count every leaver, as do the full reads after them.
TEST_F(SyncFullReadMarkTest, TheLoopKeepsTheStateOfARestrictedFullRead) {
  DirectoryMemory memory;
  auto cycle = [&](bool full_read) {
    CycleOptions options;
    options.full_read = full_read;
    options.guard.enabled = false;
    return run_sync_cycle(directory_, memory, policy_, rules_, *borrow_sync_store(*daemon_),
                          options);
  };
  ASSERT_EQ(cycle(true).record.people_reconciled, -1);
  const CycleResult full = cycle(true);
  EXPECT_EQ(full.record.people_reconciled, 0);
  EXPECT_FALSE(full.record.state_kept);
  ASSERT_TRUE(memory.state.valid);

  Employee leaving = staff_member(5, "Elinkeinoasiat");
  leaving.disabled = true;
  directory_.put(leaving);
  const CycleResult left = cycle(false);
  EXPECT_TRUE(left.record.state_kept);
  EXPECT_EQ(left.record.people_reconciled, 1);
  EXPECT_EQ(left.record.plan.stats.leavers, 5);
  EXPECT_EQ(left.record.plan.supersede.size(), 1u);  // key-5's grant is not needed now

  const CycleResult again = cycle(true);
  EXPECT_EQ(again.record.people_reconciled, 0);
  EXPECT_EQ(again.record.plan.stats.leavers, 5);
  EXPECT_TRUE(again.record.plan.empty());
}

// A held run keeps only the supersedes its own items replace: what it deferred, only a
// whole reconcile finds again. It leaves no mark.
TEST_F(SyncFullReadMarkTest, AHeldRunMakesTheNextFullReadWhole) {
  ASSERT_TRUE(once().complete);
  ASSERT_NO_FATAL_FAILURE(import_grants());
  ASSERT_EQ(once().record.people_reconciled, -1);
  ASSERT_EQ(once().record.people_reconciled, 0);
  for (int n : {1, 5, 9}) {
    Employee e = staff_member(n, "Elinkeinoasiat");
    e.disabled = true;
    directory_.put(e);
  }
  GuardOptions guard;
  guard.max_revokes = 1;
  const CycleResult held = once(false, guard);
  ASSERT_TRUE(held.record.held) << held.record.held_reason;
  EXPECT_EQ(held.record.people_reconciled, 3);
  EXPECT_EQ(held.record.plan.stats.revokes, 3);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE mark_inputs IS NOT NULL AND id = " +
                  std::to_string(held.record.run_id)),
            0);
  const CycleResult after = once(false, guard);
  EXPECT_EQ(after.record.people_reconciled, -1);
}

TEST_F(SyncFullReadMarkTest, ADryRunReconcilesEveryoneAndLeavesTheMarkAsItWas) {
  const CycleResult first = once();
  ASSERT_TRUE(first.complete);
  const CycleResult dry = once(true);
  EXPECT_EQ(dry.record.run_id, 0);
  EXPECT_EQ(dry.record.people_reconciled, -1);
  EXPECT_EQ(dry.record.plan.stats.unchanged, kGrants);
  EXPECT_EQ(count("SELECT max(id) FROM sync_run WHERE mark_inputs IS NOT NULL"),
            first.record.run_id);
  EXPECT_EQ(once().record.people_reconciled, 0);
}

// The mark is set once, by the run's own transaction, for the run's own row; the daemon writes
// no other column of the row.
TEST_F(SyncFullReadMarkTest, ARunsMarkIsSetOnceByItsOwnTransaction) {
  ASSERT_TRUE(once().complete);
  const long long marked = count("SELECT max(id) FROM sync_run WHERE mark_inputs IS NOT NULL");
  pqxx::work txn(*daemon_);
  const long long run =
      txn.exec1("SELECT sync_run_insert(now(), 't', true, '', 0, 0, 0, NULL, '', true, '{}')")[0]
          .as<long long>();
  const pqxx::row tally = txn.exec1("SELECT events, newest FROM audit_tally");
  const std::string write = "SELECT sync_reconcile_mark_write($1, $2, $3, 'inputs', now(), '{}')";
  txn.exec_params(write, run, tally[0].as<long long>(), tally[1].as<long long>());
  EXPECT_EQ(txn.exec1("SELECT mark_inputs FROM sync_run WHERE id = " + std::to_string(run))[0]
                .as<std::string>(),
            "inputs");
  try {
    txn.exec_params("SAVEPOINT again");
    txn.exec_params(write, run, tally[0].as<long long>(), tally[1].as<long long>());
    ADD_FAILURE() << "a second mark for the same run was accepted";
  } catch (const pqxx::sql_error& e) {
    EXPECT_NE(std::string(e.what()).find("already has its mark"), std::string::npos) << e.what();
    txn.exec("ROLLBACK TO SAVEPOINT again");
  }
  // An older run's mark, from another transaction: refused.
  EXPECT_THROW(txn.exec_params(write, marked, tally[0].as<long long>(), tally[1].as<long long>()),
               pqxx::sql_error);
  txn.abort();
  EXPECT_NE(try_sql(db_.conninfo() + " user=" + daemon_login_,
                    "UPDATE sync_run SET mark_inputs = 'x' WHERE id = $1", marked)
                .find("permission denied"),
            std::string::npos);
}

// A directory that refuses a deciding value of some entries (their title), as the LDAP source
// does with a hostile value: the entry is still read, and named among the refused.
class RefusingDirectory : public DirectorySource {
 public:
  explicit RefusingDirectory(DirectorySource& inner) : inner_(inner) {}
  std::vector<std::string> keys;     // refused with their key
  std::vector<std::string> keyless;  // refused, their key unreadable (found by DN)
  FullRead read_full(const ReadHints& hints) override {
    FullRead read = inner_.read_full(hints);
    for (const Employee& e : read.snapshot.employees) {
      const bool by_key = std::count(keys.begin(), keys.end(), e.key) > 0;
      if (!by_key && !std::count(keyless.begin(), keyless.end(), e.key)) continue;
      read.snapshot.refused.push_back(
          {e.dn, by_key ? e.key : "", e.account, "title", "title: contains a control character"});
    }
    return read;
  }
  DirectoryChanges read_changes(const Watermark& since) override {
    return inner_.read_changes(since);
  }

 private:
  DirectorySource& inner_;
};

// A `valtuusd --once` whose run may restrict its reconcile loads, while the directory is read,
// only what finding its people needs, and the rest for them alone; never when the mark does
// not hold, in a dry run, or in the loop, which keeps the whole state.
TEST_F(SyncFullReadMarkTest, AnUnchangedOnceLoadsTheStateForNobodyAndOnlyWhenTheMarkHolds) {
  const CycleResult first = once();
  ASSERT_TRUE(first.complete);
  EXPECT_EQ(first.record.people_loaded, -1);  // no mark yet: the whole state
  const CycleResult second = once();
  EXPECT_EQ(second.record.people_reconciled, 0);
  EXPECT_EQ(second.record.people_loaded, 0);
  EXPECT_TRUE(second.record.plan.empty());
  EXPECT_EQ(second.record.plan.stats.leavers, 4);
  EXPECT_NE(cycle_summary(second).find("the state loaded for them alone"), std::string::npos)
      << cycle_summary(second);
  EXPECT_EQ(once(true).record.people_loaded, -1);  // a dry run loads it whole

  // A reviewer's decision: the trail moved, the mark does not hold, the whole state is loaded.
  const long long id = count(
      "SELECT id FROM change_item WHERE state = 'proposed' AND employee_key = 'key-1' LIMIT 1");
  ASSERT_EQ(try_sql(reviewer_, "SELECT reject_item($1, 1, 'not needed', NULL)", id), "");
  const CycleResult decided = once();
  EXPECT_EQ(decided.record.people_reconciled, -1);
  EXPECT_EQ(decided.record.people_loaded, -1);
  EXPECT_EQ(once().record.people_loaded, 0);

  // Another policy: the same.
  policy_.maps[0].grants[0].why = "Registers Kela payment claims, and views them";
  const CycleResult policy = once();
  EXPECT_EQ(policy.record.people_reconciled, -1);
  EXPECT_EQ(policy.record.people_loaded, -1);
  EXPECT_EQ(once().record.people_loaded, 0);

  // An entry refused without its key is found by its stored DN, which the scope's state does
  // not hold: the whole state is loaded, and the reconcile is restricted all the same.
  RefusingDirectory refusing(directory_);
  refusing.keyless = {"key-4"};
  DirectoryMemory memory;
  CycleOptions options;
  options.keep_state = false;
  options.guard = unguarded();
  const CycleResult keyless =
      run_sync_cycle(refusing, memory, policy_, rules_, *borrow_sync_store(*daemon_), options);
  EXPECT_EQ(keyless.record.people_loaded, -1);
  EXPECT_EQ(keyless.record.people_reconciled, 1);
  EXPECT_EQ(keyless.record.plan.refused, (std::vector<std::string>{"key-4"}));

  // The refused person is looked at again in the next run, and then nobody.
  EXPECT_EQ(once().record.people_loaded, 1);
  ASSERT_EQ(once().record.people_loaded, 0);
  // The loop keeps the whole state for its incremental cycles: it loads it whole.
  DirectoryMemory kept;
  CycleOptions loop;
  loop.guard = unguarded();
  const CycleResult looping =
      run_sync_cycle(directory_, kept, policy_, rules_, *borrow_sync_store(*daemon_), loop);
  EXPECT_EQ(looping.record.people_reconciled, 0);
  EXPECT_EQ(looping.record.people_loaded, -1);
  EXPECT_TRUE(kept.state.valid);
}

// The plan and the writes of a run that loaded the state for its people alone are those of
// the same run over the whole state: on two copies of one database, a person who moved, one
// who left the directory (a revocation in its grace period), one refused, one waiting in a
// grace period since before, and a new one.
TEST_F(SyncFullReadMarkTest, TheStateLoadedForTheScopeGivesWhatTheWholeStateGives) {
  rules_.leaver_grace = std::chrono::days(14);
  ASSERT_TRUE(once().complete);
  ASSERT_NO_FATAL_FAILURE(import_grants());
  Employee waiting = staff_member(11, "Elinkeinoasiat");
  waiting.disabled = true;  // a leaver in grace since this run: named in the mark's recheck
  directory_.put(waiting);
  ASSERT_EQ(once().record.people_reconciled, -1);
  // The leavers holding a grant wait for their grace period: looked at in every run.
  const CycleResult settled = once();
  const int waiting_people = settled.record.people_reconciled;
  ASSERT_GE(waiting_people, 1);
  ASSERT_EQ(settled.record.people_loaded, waiting_people);
  ASSERT_TRUE(settled.record.plan.empty());

  directory_.put(staff_member(1, "Talous"));  // moves away from the theme
  directory_.remove("key-7");                 // leaves the directory: a revocation in grace
  directory_.put(staff_member(100, "Elinkeinoasiat"));  // new: needs the theme
  RefusingDirectory refusing(directory_);
  refusing.keys = {"key-9"};

  // Two copies of the database as it is now (no session may be open on the original).
  daemon_.reset();
  owner_.disconnect();
  TestDatabase copy("sync_full_read_mark_copy");
  {
    pqxx::connection admin(testing::test_env().pg_conninfo());
    pqxx::nontransaction txn(admin);
    txn.exec("DROP DATABASE " + txn.quote_name(copy.name()));
    txn.exec("CREATE DATABASE " + txn.quote_name(copy.name()) + " TEMPLATE " +
             txn.quote_name(db_.name()));
  }
  daemon_ = std::make_unique<pqxx::connection>(db_.conninfo() + " user=" + daemon_login_);
  pqxx::connection whole_daemon(copy.conninfo() + " user=" + daemon_login_);

  // `valtuusd --once` on the one, a looping daemon's first full read (the whole state, kept)
  // on the other: both restrict the reconcile by the same mark. The guard holds one
  // revocation among the ledger's grants by their share: its base must be every grant.
  GuardOptions guard;
  guard.min_revokes_for_percent = 1;
  guard.max_revoke_percent = 4;
  DirectoryMemory once_memory;
  CycleOptions once_options;
  once_options.keep_state = false;
  once_options.guard = guard;
  const CycleResult part = run_sync_cycle(refusing, once_memory, policy_, rules_,
                                          *borrow_sync_store(*daemon_), once_options);
  DirectoryMemory loop_memory;
  CycleOptions loop_options;
  loop_options.guard = guard;
  const CycleResult whole = run_sync_cycle(refusing, loop_memory, policy_, rules_,
                                           *borrow_sync_store(whole_daemon), loop_options);
  ASSERT_TRUE(part.complete);
  EXPECT_EQ(whole.record.people_loaded, -1);
  // Those waiting, and key-1, key-7, key-9 and key-100.
  EXPECT_EQ(part.record.people_reconciled, waiting_people + 4);
  EXPECT_EQ(part.record.people_loaded, waiting_people + 4);
  EXPECT_EQ(whole.record.people_reconciled, part.record.people_reconciled);

  const Plan& a = part.record.plan;
  const Plan& b = whole.record.plan;
  EXPECT_EQ(described(a.add), described(b.add));
  EXPECT_EQ(a.supersede, b.supersede);
  EXPECT_EQ(a.leavers, b.leavers);
  EXPECT_EQ(a.absent, b.absent);
  EXPECT_EQ(a.role_changed, b.role_changed);
  EXPECT_EQ(a.refused, b.refused);
  EXPECT_EQ(a.in_grace, b.in_grace);
  EXPECT_EQ(a.on_long_leave, b.on_long_leave);
  EXPECT_EQ(summary_line(a.stats), summary_line(b.stats));
  EXPECT_EQ(a.stats.unchanged, b.stats.unchanged);
  EXPECT_EQ(a.stats.revokes_in_grace, b.stats.revokes_in_grace);
  EXPECT_TRUE(part.record.held);
  EXPECT_EQ(part.record.held, whole.record.held);
  EXPECT_EQ(part.record.held_reason, whole.record.held_reason);
  EXPECT_NE(part.record.held_reason.find("of " + std::to_string(kGrants + 4) + " grants"),
            std::string::npos)
      << part.record.held_reason;
  EXPECT_EQ(part.record.supersedes_deferred, whole.record.supersedes_deferred);
  // What each case gives: key-100's grant and key-1's revoke; key-7 and key-11 wait for their
  // grace period; key-9's item and grant stay as they were.
  EXPECT_EQ(a.stats.grants, 1);
  EXPECT_EQ(a.stats.revokes, 1);
  EXPECT_TRUE(std::binary_search(a.in_grace.begin(), a.in_grace.end(), "key-7"));
  EXPECT_TRUE(std::binary_search(a.in_grace.begin(), a.in_grace.end(), "key-11"));
  EXPECT_EQ(a.stats.revokes_in_grace, static_cast<int>(a.in_grace.size()));
  EXPECT_EQ(a.refused, (std::vector<std::string>{"key-9"}));
  EXPECT_EQ(a.absent, (std::vector<std::string>{"key-7"}));

  // And the two databases hold the same afterwards.
  const auto rows = [](pqxx::connection& c, const std::string& sql) {
    pqxx::read_transaction txn(c);
    std::vector<std::string> out;
    for (const auto& row : txn.exec(sql)) {
      std::string line;
      for (const auto& field : row)
        line += std::string(field.is_null() ? "NULL" : field.c_str()) + "|";
      out.push_back(line);
    }
    return out;
  };
  for (const std::string& sql :
       {std::string("SELECT id, run_id, kind, employee_key, mandate_id, state, fingerprint, reason "
                    "FROM change_item ORDER BY id"),
        std::string("SELECT key, department, title, left_at IS NULL, absent_since_run, "
                    "last_seen_run, row_digest FROM employee ORDER BY key")}) {
    EXPECT_EQ(rows(*daemon_, sql), rows(whole_daemon, sql)) << sql;
  }
}

}  // namespace
}  // namespace valtuus
