// The sync cycle under a failing directory, with the in-memory directory and the fault wrapper
// (tests/support/fake_directory.h) instead of slapd, against the suite's PostgreSQL: a read
// lost midway never turns into leavers or revocations, a directory that cannot be read writes
// nothing and the next cycle goes on as if the failure never happened, and a stopped read
// writes nothing.
#include <gtest/gtest.h>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/errors.h"
#include "daemon/sync_cycle.h"
#include "tests/support/fake_directory.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"

namespace valtuus {
namespace {

using testing::FaultyDirectory;
using testing::InMemoryDirectory;
using testing::TestDatabase;

Employee person(const std::string& name, const std::string& department) {
  Employee e;
  e.key = "key-" + name;
  e.account = name;
  e.dn = "CN=" + name + ",OU=Staff,DC=example,DC=fi";
  e.department = department;
  e.title = "Neuvoja";
  return e;
}

class SyncCycleFaultsTest : public ::testing::Test {
 protected:
  SyncCycleFaultsTest() : db_("sync_cycle_faults"), connection_(db_.conninfo()) {
    migrate(connection_);
    MandateIssue kela;
    kela.id = "kela-etuustiedot";
    kela.name_fi = "Etuustietojen katselu";
    kela.service = "Kela";
    policy_.catalog = {kela};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 6, 9}}};
    policy_.maps = {map};
    for (const char* name : {"anna", "bert", "cecilia", "daniel"}) {
      directory_.put(person(name, "Elinkeinoasiat"));
    }
  }

  CycleResult cycle(bool full_read = true, const std::function<bool()>& stop = {}) {
    CycleOptions options;
    options.full_read = full_read;
    return run_sync_cycle(faulty_, memory_, policy_, rules_, *borrow_sync_store(connection_),
                          options, nullptr, stop);
  }

  // Everyone read so far holds the theme in the ledger: a run that lost them would revoke.
  void record_ledger() {
    pqxx::work txn(connection_);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT e.key, m.id, current_date, 'import' FROM employee e CROSS JOIN mandate_issue m");
    txn.commit();
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(connection_);
    return txn.exec1(sql)[0].as<long long>();
  }

  testing::MigratedDatabase db_;
  pqxx::connection connection_;
  Policy policy_;
  LeaverRules rules_;
  InMemoryDirectory directory_;
  FaultyDirectory faulty_{directory_};
  DirectoryMemory memory_;
};

TEST_F(SyncCycleFaultsTest, AFullReadLostMidwayMakesNoLeaversAndIsHeld) {
  ASSERT_TRUE(cycle().complete);
  record_ledger();
  faulty_.lose_connection_after(1);
  const CycleResult lost = cycle();
  EXPECT_FALSE(lost.complete);
  EXPECT_NE(lost.incomplete_reason.find("connection lost after 1 entries"), std::string::npos)
      << lost.incomplete_reason;
  EXPECT_EQ(lost.entries_read, 1);
  EXPECT_TRUE(lost.record.held);
  for (const ProposedItem& item : lost.record.plan.add) {
    EXPECT_NE(item.kind, ChangeKind::kRevoke) << item.employee_key;
  }
  EXPECT_TRUE(lost.record.plan.leavers.empty());
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left' OR left_at IS NOT NULL"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE absent_since_run IS NOT NULL"), 0);
}

TEST_F(SyncCycleFaultsTest, AChangeReadLostMidwayMakesNoLeavers) {
  ASSERT_TRUE(cycle().complete);
  record_ledger();
  // Two people change; the connection is lost after the first of them.
  directory_.put(person("anna", "Elinkeinoasiat"));
  directory_.put(person("bert", "Elinkeinoasiat"));
  faulty_.lose_connection_after(1);
  const CycleResult lost = cycle(false);
  EXPECT_FALSE(lost.full_read);
  EXPECT_FALSE(lost.complete);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE status = 'left' OR left_at IS NOT NULL"), 0);
}

TEST_F(SyncCycleFaultsTest, AnUnavailableDirectoryWritesNothingAndTheNextCycleSucceeds) {
  faulty_.fail_next_reads(1);
  EXPECT_THROW(cycle(), TransientError);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_FALSE(memory_.valid);
  // The loop retries after its backoff: the next cycle runs as if nothing had failed.
  const CycleResult retried = cycle();
  EXPECT_TRUE(retried.complete);
  EXPECT_EQ(retried.entries_read, 4);
  EXPECT_EQ(retried.record.plan.add.size(), 4u);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
  EXPECT_EQ(faulty_.failed_reads(), 1);
}

TEST_F(SyncCycleFaultsTest, AFailedChangeReadKeepsTheMemoryForTheRetry) {
  ASSERT_TRUE(cycle().complete);
  const Watermark before = memory_.watermark;
  directory_.put(person("erik", "Elinkeinoasiat"));
  faulty_.fail_next_reads(1);
  EXPECT_THROW(cycle(false), TransientError);
  EXPECT_EQ(memory_.watermark, before);
  const CycleResult retried = cycle(false);
  EXPECT_FALSE(retried.full_read);
  EXPECT_TRUE(retried.complete);
  ASSERT_EQ(retried.record.plan.add.size(), 1u);
  EXPECT_EQ(retried.record.plan.add[0].employee_key, "key-erik");
}

TEST_F(SyncCycleFaultsTest, AReadStoppedMidwayWritesNothing) {
  ASSERT_TRUE(cycle().complete);
  const Watermark before = memory_.watermark;
  directory_.remove("key-daniel");
  faulty_.cancel_after(1);
  const CycleResult stopped = cycle();
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
  EXPECT_EQ(memory_.watermark, before);
}

TEST_F(SyncCycleFaultsTest, AStopAfterTheReadWritesNothing) {
  const CycleResult stopped = cycle(true, [] { return true; });
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
}

}  // namespace
}  // namespace valtuus
