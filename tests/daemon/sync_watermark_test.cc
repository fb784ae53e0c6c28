// The incremental watermark lives with the runs in the database: a daemon that starts again
// (a new DirectoryMemory) continues from the last complete run instead of reading everything,
// and a watermark from another server still makes the read a full one.
#include <gtest/gtest.h>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/state_queries.h"
#include "connectors/postgres/sync_store_native.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

Employee watched_person(const std::string& name, const std::string& department) {
  Employee e;
  e.key = "key-" + name;
  e.account = name;
  e.department = department;
  e.title = "Neuvoja";
  return e;
}

// A directory in memory: a full read returns `staff`, a change read returns `changes`; both
// remember what they were asked.
class FakeDirectory : public DirectorySource {
 public:
  FullRead read_full(const ReadHints&) override {
    ++full_reads;
    FullRead read;
    read.snapshot.employees = staff;
    read.snapshot.complete = true;
    read.snapshot.source = "ldap://fake";
    read.watermark = current;
    return read;
  }

  DirectoryChanges read_changes(const Watermark& since) override {
    ++change_reads;
    asked_since = since;
    DirectoryChanges changes;
    changes.since = since;
    changes.source = "ldap://fake";
    if (since.server != current.server) {
      changes.watermark_reset = true;
      return changes;
    }
    changes.changed = changed;
    changes.complete = true;
    changes.next = current;
    return changes;
  }

  std::vector<Employee> staff;
  std::vector<Employee> changed;
  Watermark current{Watermark::Kind::usn, "100", "dc1|guid-1"};
  Watermark asked_since;
  int full_reads = 0;
  int change_reads = 0;
};

class SyncWatermarkTest : public ::testing::Test {
 protected:
  SyncWatermarkTest() : db_("sync_watermark"), connection_(db_.conninfo()) {
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
    directory_.staff = {watched_person("anna", "Elinkeinoasiat"), watched_person("bert", "Talous")};
  }

  // One cycle as a freshly started daemon would run it: no memory of earlier reads.
  CycleResult cycle_after_restart(bool full_read) {
    DirectoryMemory memory;
    CycleOptions options;
    options.full_read = full_read;
    return run_sync_cycle(directory_, memory, policy_, rules_, *borrow_sync_store(connection_),
                          options);
  }

  std::string text(const std::string& sql) {
    pqxx::read_transaction txn(connection_);
    return txn.exec1(sql)[0].as<std::string>();
  }

  testing::MigratedDatabase db_;
  pqxx::connection connection_;
  Policy policy_;
  LeaverRules rules_;
  FakeDirectory directory_;
};

TEST_F(SyncWatermarkTest, ARestartContinuesIncrementallyFromTheStoredWatermark) {
  const CycleResult first = cycle_after_restart(true);
  ASSERT_TRUE(first.complete);
  EXPECT_EQ(text("SELECT watermark || ' ' || full_read FROM sync_run ORDER BY id DESC LIMIT 1"),
            "usn:100:dc1|guid-1 true");

  // Restarted: bert moved to Elinkeinoasiat, and the directory moved on to USN 120.
  directory_.changed = {watched_person("bert", "Elinkeinoasiat")};
  directory_.current.value = "120";
  const CycleResult second = cycle_after_restart(false);
  EXPECT_EQ(directory_.full_reads, 1);
  EXPECT_EQ(directory_.change_reads, 1);
  EXPECT_EQ(directory_.asked_since.value, "100");
  EXPECT_FALSE(second.full_read);
  EXPECT_TRUE(second.complete);
  // Planned from the stored base plus the change: both people read, bert's grant proposed,
  // anna's grant (from the first run) still standing.
  EXPECT_EQ(second.entries_read, 2);
  ASSERT_EQ(second.record.plan.add.size(), 1u);
  EXPECT_EQ(second.record.plan.add[0].employee_key, "key-bert");
  EXPECT_TRUE(second.record.plan.supersede.empty());
  EXPECT_EQ(text("SELECT watermark || ' ' || full_read FROM sync_run ORDER BY id DESC LIMIT 1"),
            "usn:120:dc1|guid-1 false");
  pqxx::read_transaction txn(connection_);
  const auto age = last_full_read_age(txn);
  ASSERT_TRUE(age.has_value());
  EXPECT_LT(age->count(), 600);
}

TEST_F(SyncWatermarkTest, AWatermarkOfAnotherServerMakesTheReadFull) {
  cycle_after_restart(true);
  directory_.current = {Watermark::Kind::usn, "5", "dc2|guid-2"};  // failover to another DC
  const CycleResult second = cycle_after_restart(false);
  EXPECT_TRUE(second.full_read);
  EXPECT_EQ(directory_.full_reads, 2);
  EXPECT_EQ(text("SELECT watermark FROM sync_run ORDER BY id DESC LIMIT 1"), "usn:5:dc2|guid-2");
}

TEST_F(SyncWatermarkTest, WithoutAStoredWatermarkTheFirstReadIsFull) {
  directory_.current = Watermark{};  // a directory that offers no watermark
  const CycleResult first = cycle_after_restart(false);
  EXPECT_TRUE(first.full_read);
  EXPECT_EQ(directory_.change_reads, 0);
  EXPECT_EQ(text("SELECT watermark FROM sync_run"), "");
}

}  // namespace
}  // namespace valtuus
