#include "connectors/postgres/sync_store_native.h"

#include <gtest/gtest.h>

#include "connectors/postgres/item_queries.h"
#include "connectors/postgres/migrations.h"
#include "core/errors.h"
#include "core/reconcile.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

const TimePoint kStoreNow =
    std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}};

class SyncStoreTest : public ::testing::Test {
 protected:
  SyncStoreTest() : db_("sync_store"), connection_(db_.conninfo()) { migrate(connection_); }

  void SetUp() override {
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu ja maksuvaatimusten rekisteröinti";
    kela.service = "Kela";
    kela.location = {"catalog.yaml", 3, 5};
    policy_.catalog = {kela};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"maps/e.yaml", 6, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.read_at = kStoreNow;
    snapshot_.source = "ldaps://test";
    for (const char* account : {"aastrom", "mmakinen"}) {
      Employee e;
      e.key = std::string("key-") + account;
      e.account = account;
      e.display_name = account;
      e.department = "Elinkeinoasiat";
      e.title = "Yritysneuvoja";
      snapshot_.employees.push_back(e);
    }
  }

  RunRecord sync(bool dry_run = false) {
    return plan_and_write(*borrow_sync_store(connection_),
                          {snapshot_, policy_, rules_, kStoreNow, kStoreNow, {}}, dry_run,
                          GuardOptions{});
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(connection_);
    return txn.exec1(sql)[0].as<long long>();
  }

  testing::MigratedDatabase db_;
  pqxx::connection connection_;
  Policy policy_;
  Snapshot snapshot_;
  LeaverRules rules_;
};

TEST_F(SyncStoreTest, WritesRunEmployeesItemsAndAuditInOneGo) {
  RunRecord record = sync();
  EXPECT_GT(record.run_id, 0);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'active'"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'proposed' AND kind = 'grant'"),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'sync_run'"), 1);

  auto rows = list_items(connection_, ItemFilter{});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].account, "aastrom");
  EXPECT_EQ(rows[0].mandate, "kela-etuustiedot");
  EXPECT_EQ(rows[0].service, "Kela");
  EXPECT_EQ(rows[0].reason, "Registers Kela payment claims");
  EXPECT_EQ(rows[0].rule, "maps/e.yaml:6");
  EXPECT_EQ(rows[0].run_id, record.run_id);
}

TEST_F(SyncStoreTest, SecondRunOverTheSameInputAddsNothing) {
  sync();
  RunRecord second = sync();
  EXPECT_TRUE(second.plan.empty());
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 2);
}

// A refused manager value is not "no manager": the row keeps the manager stored before, while
// the person's other new values are written.
TEST_F(SyncStoreTest, ARefusedManagerKeepsTheStoredOne) {
  snapshot_.employees[0].manager = "CN=Boss,OU=Staff,DC=x";
  sync();
  snapshot_.employees[0].manager = "";  // the connector refused the new value
  snapshot_.employees[0].display_name = "Åsa Åström";
  snapshot_.refused = {{"CN=aastrom,DC=x", "key-aastrom", "aastrom", "manager",
                        "manager: not a distinguished name"}};
  sync();
  pqxx::read_transaction txn(connection_);
  const auto row =
      txn.exec1("SELECT manager_dn, display_name FROM employee WHERE key = 'key-aastrom'");
  EXPECT_EQ(row[0].as<std::string>(), "CN=Boss,OU=Staff,DC=x");
  EXPECT_EQ(row[1].as<std::string>(), "Åsa Åström");
}

TEST_F(SyncStoreTest, DryRunWritesNothing) {
  RunRecord record = sync(true);
  EXPECT_EQ(record.run_id, 0);
  EXPECT_EQ(record.plan.add.size(), 2u);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee"), 0);
}

// The loaded state holds each person's key once: the ledger's grants and the open items share
// the history's copy (at 100,000 people the keys were a quarter of the kept state), and they
// read back as stored.
TEST_F(SyncStoreTest, TheLoadedLedgerAndOpenItemsShareTheHistorysKeys) {
  sync();
  {
    pqxx::work txn(connection_);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source) "
        "VALUES ('key-aastrom', 'kela-etuustiedot', current_date, '2027-03-31', 'import')");
    txn.commit();
  }
  auto store = borrow_sync_store(connection_);
  SyncTransaction txn(*store);
  const ReconcileState state = txn.load_state();
  ASSERT_EQ(state.history.size(), 2u);
  ASSERT_EQ(state.ledger.size(), 1u);
  const LedgerGrant& grant = state.ledger.front();
  EXPECT_EQ(grant.employee_key, "key-aastrom");
  EXPECT_EQ(grant.mandate, "kela-etuustiedot");
  ASSERT_TRUE(grant.valid_until);
  EXPECT_EQ(*grant.valid_until, std::chrono::sys_days{std::chrono::year{2027} / 3 / 31});
  EXPECT_TRUE(grant.employee_key.shares_with(state.history.find("key-aastrom")->first));
  ASSERT_EQ(state.open_items.size(), 2u);
  for (const OpenItem& item : state.open_items) {
    EXPECT_EQ(item.mandate, "kela-etuustiedot");
    EXPECT_EQ(item.kind, ChangeKind::kGrant);
    EXPECT_FALSE(item.fingerprint.empty());
    const auto person = state.history.find(item.employee_key.str());
    ASSERT_NE(person, state.history.end()) << item.employee_key.str();
    EXPECT_TRUE(item.employee_key.shares_with(person->first));
  }
}

// A restricted reconcile finds a person's grants by search in std::string's order: bytewise,
// whatever the database's collation, upper case before lower and UTF-8 last. A few people's
// ledger loads in that order, a person's rows sharing one copy of their key; everyone's loads
// unsorted (and says so), and sorting it in memory gives the same order. Either way the rows of
// a person in the history share the history's copy of the key.
TEST_F(SyncStoreTest, TheLedgerOfAFewLoadsInTheOrderOfItsKeysEveryonesSaysItIsUnsorted) {
  MandateIssue vero = policy_.catalog.front();
  vero.id = "vero-ilmoitukset";
  policy_.catalog.push_back(vero);
  sync();
  {
    pqxx::work txn(connection_);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source, "
        "  revoked_at) "
        "SELECT k, m, current_date, NULL::date, 'import', NULL::timestamptz "
        "FROM unnest(ARRAY['key-mmakinen', '\u00e4ij\u00e4', 'Zed', 'key-aastrom', 'a', 'a b', "
        "  'B']) AS k, unnest(ARRAY['kela-etuustiedot', 'vero-ilmoitukset']) AS m "
        "UNION ALL SELECT 'AAA', 'kela-etuustiedot', current_date, NULL, 'import', now()");
    txn.commit();
  }
  const std::vector<std::string> expected = {"B",
                                             "B",
                                             "Zed",
                                             "Zed",
                                             "a",
                                             "a",
                                             "a b",
                                             "a b",
                                             "key-aastrom",
                                             "key-aastrom",
                                             "key-mmakinen",
                                             "key-mmakinen",
                                             "\u00e4ij\u00e4",
                                             "\u00e4ij\u00e4"};
  const auto keys_of = [](const ReconcileState& state) {
    std::vector<std::string> keys;
    for (const LedgerGrant& grant : state.ledger) keys.push_back(grant.employee_key.str());
    return keys;
  };
  const auto expect_the_historys_key_copies = [&](const ReconcileState& state) {
    int shared = 0;
    for (const LedgerGrant& grant : state.ledger) {
      const auto person = state.history.find(grant.employee_key.str());
      if (person == state.history.end()) continue;
      EXPECT_TRUE(grant.employee_key.shares_with(person->first)) << person->first.str();
      ++shared;
    }
    EXPECT_EQ(shared, 4);  // key-aastrom's and key-mmakinen's two grants each
  };
  auto store = borrow_sync_store(connection_);
  SyncTransaction txn(*store);

  ReconcileState everyone = txn.load_state();
  EXPECT_FALSE(everyone.ledger_by_employee);
  sort_ledger_by_employee(everyone);
  EXPECT_EQ(keys_of(everyone), expected);  // the revoked row is not in force
  expect_the_historys_key_copies(everyone);

  // Stored in another order than the one asked for, so that the load's own order shows.
  std::vector<std::string> few = {
      "\u00e4ij\u00e4", "key-mmakinen", "key-aastrom", "a b", "a", "Zed", "B", "AAA"};
  ReconcileState scope = txn.load_scope_state();
  txn.complete_state_of(scope, few);
  EXPECT_TRUE(scope.ledger_by_employee);
  EXPECT_EQ(keys_of(scope), expected);
  expect_the_historys_key_copies(scope);
  for (std::size_t i = 0; i + 1 < scope.ledger.size(); i += 2) {
    EXPECT_TRUE(scope.ledger[i].employee_key.shares_with(scope.ledger[i + 1].employee_key))
        << expected[i];
  }
}

TEST_F(SyncStoreTest, AFailureInTheMiddleLeavesNoPartOfTheRun) {
  auto store = borrow_sync_store(connection_);
  {
    SyncTransaction txn(*store);
    const ReconcileState state = txn.load_state();
    Plan plan = reconcile({snapshot_, policy_, state, rules_, kStoreNow});
    ProposedItem broken = plan.add.front();
    broken.mandate = "not-in-the-catalog";  // violates the foreign key after other writes
    plan.add.push_back(broken);
    RunRecord record;
    record.plan = plan;
    const long long run = txn.write_run(record, snapshot_, kStoreNow, {});
    txn.write_catalog(run, policy_);
    txn.write_employees(run, snapshot_, plan, state);
    // The store's error kind, not the driver's; the transaction rolls back as it goes.
    EXPECT_THROW(txn.write_items(run, plan, false), Error);
  }
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event"), 0);
}

TEST_F(SyncStoreTest, ATransactionNotCommittedLeavesNothing) {
  auto store = borrow_sync_store(connection_);
  {
    SyncTransaction txn(*store);
    const ReconcileState state = txn.load_state();
    RunRecord record;
    record.plan = reconcile({snapshot_, policy_, state, rules_, kStoreNow});
    const long long run = txn.write_run(record, snapshot_, kStoreNow, {});
    txn.write_catalog(run, policy_);
    txn.write_employees(run, snapshot_, record.plan, state);
    txn.write_items(run, record.plan, false);
    // No commit: the destructor rolls back, as when the daemon is stopped or a step throws.
  }
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event"), 0);
}

TEST_F(SyncStoreTest, ALostSessionIsConnectionLostNotADriverError) {
  auto store = borrow_sync_store(connection_);
  SyncTransaction txn(*store);
  {
    pqxx::connection killer(db_.conninfo());
    pqxx::nontransaction kill(killer);
    kill.exec_params("SELECT pg_terminate_backend($1)", connection_.backendpid());
  }
  // The loop reconnects on this kind (and only on this kind) before it retries.
  EXPECT_THROW(txn.load_state(), ConnectionLost);
}

TEST_F(SyncStoreTest, LeaverAbsentFromACompleteReadIsMarkedLeft) {
  sync();
  snapshot_.employees.pop_back();  // mmakinen is gone
  RunRecord second = sync();
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left' AND account = 'mmakinen' "
                  "AND left_at IS NOT NULL"),
            1);
  // Their open grant is no longer wanted: superseded, never deleted.
  EXPECT_EQ(second.plan.supersede.size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'superseded'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 2);
}

TEST_F(SyncStoreTest, IncompleteReadMarksNobodyLeft) {
  sync();
  snapshot_.employees.pop_back();
  snapshot_.complete = false;
  snapshot_.incomplete_reason = "connection dropped";
  sync();
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE NOT snapshot_complete AND "
                  "incomplete_reason = 'connection dropped'"),
            1);
}

}  // namespace
}  // namespace valtuus
