// The run's transaction opens and its state loads while the directory is read (a full read,
// or any read when no state is kept). Each test watches the sync lock from a connection of
// its own while the read is in progress, so it fails when the two do not overlap: a directory
// that fails with the load in flight writes nothing and its error surfaces, a load that fails
// surfaces the database's error only after the read has ended, and when both fail the
// directory's error wins. An incremental cycle over a kept state still reads first.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <pqxx/pqxx>
#include <thread>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/errors.h"
#include "daemon/sync_cycle.h"
#include "tests/support/fake_directory.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"

namespace valtuus {
namespace {

using namespace std::chrono_literals;
using testing::InMemoryDirectory;
using testing::TestDatabase;

// kSyncLock of sync_store.cc (sql/004_held_runs.sql names it too).
// In this test's database only: the suite's other tests run syncs of their own on the same
// server at the same time.
constexpr const char* kSyncLockHeld =
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND ((classid::bigint << 32) | objid::bigint) = 6215332885840614146";

// Runs `before` on the reading thread before each read, then reads `inner`.
class HookedDirectory : public DirectorySource {
 public:
  explicit HookedDirectory(DirectorySource& inner) : inner_(inner) {}
  FullRead read_full(const ReadHints& hints) override {
    if (before) before();
    return inner_.read_full(hints);
  }
  DirectoryChanges read_changes(const Watermark& since) override {
    if (before) before();
    return inner_.read_changes(since);
  }
  std::function<void()> before;

 private:
  DirectorySource& inner_;
};

Employee person(const std::string& name) {
  Employee e;
  e.key = "key-" + name;
  e.account = name;
  e.dn = "CN=" + name + ",OU=Staff,DC=example,DC=fi";
  e.department = "Elinkeinoasiat";
  e.title = "Neuvoja";
  return e;
}

class SyncOverlapTest : public ::testing::Test {
 protected:
  SyncOverlapTest() : db_("sync_overlap"), connection_(db_.conninfo()), watcher_(db_.conninfo()) {
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
    for (const char* name : {"anna", "bert", "cecilia"}) directory_.put(person(name));
  }

  CycleResult cycle(bool full_read = true, bool keep_state = true) {
    CycleOptions options;
    options.full_read = full_read;
    options.keep_state = keep_state;
    return run_sync_cycle(hooked_, memory_, policy_, rules_, *borrow_sync_store(connection_),
                          options);
  }

  long long count(const std::string& sql) {
    pqxx::nontransaction txn(watcher_);
    return txn.exec1(sql)[0].as<long long>();
  }

  // Waits (at most 10 s) until the sync lock is held (`held`) or free; false on the timeout.
  bool wait_for_sync_lock(bool held) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while ((count(kSyncLockHeld) > 0) != held) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

  // The state load's first statement waits for a lock that `locker_` holds until `release`,
  // and gives up after 300 ms: the load fails while the read goes on.
  void block_the_state_load() {
    pqxx::nontransaction(connection_).exec("SET lock_timeout = '300ms'");
    locker_txn_.emplace(locker_);
    locker_txn_->exec("LOCK TABLE grant_ledger IN ACCESS EXCLUSIVE MODE");
  }
  void release() {
    locker_txn_.reset();
    pqxx::nontransaction(connection_).exec("RESET lock_timeout");
  }

  testing::MigratedDatabase db_;
  pqxx::connection connection_;
  pqxx::connection watcher_;
  pqxx::connection locker_{db_.conninfo()};
  std::optional<pqxx::work> locker_txn_;
  Policy policy_;
  LeaverRules rules_;
  InMemoryDirectory directory_;
  HookedDirectory hooked_{directory_};
  DirectoryMemory memory_;
};

TEST_F(SyncOverlapTest, ADirectoryFailingWhileTheStateLoadsWritesNothingAndSurfaces) {
  ASSERT_TRUE(cycle().complete);
  const long long events = count("SELECT count(*) FROM audit_event");
  bool overlapped = false;
  hooked_.before = [&] {
    overlapped = wait_for_sync_lock(true);  // the run's transaction is open, its load under way
    throw TransientError("directory down for the test");
  };
  try {
    cycle();
    FAIL() << "the cycle did not throw";
  } catch (const TransientError& e) {
    EXPECT_STREQ(e.what(), "directory down for the test");
  }
  EXPECT_TRUE(overlapped) << "the state was not loaded while the directory was read";
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event"), events);
  EXPECT_EQ(count(kSyncLockHeld), 0) << "the run's transaction was left open";

  hooked_.before = nullptr;
  EXPECT_TRUE(cycle().complete);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 2);
}

TEST_F(SyncOverlapTest, AFailingStateLoadSurfacesTheDatabaseErrorAfterTheReadEnds) {
  ASSERT_TRUE(cycle().complete);
  block_the_state_load();
  bool overlapped = false;
  bool read_ended = false;
  hooked_.before = [&] {
    // The load fails and its transaction rolls back while this read is still going on.
    overlapped = wait_for_sync_lock(true) && wait_for_sync_lock(false);
    std::this_thread::sleep_for(100ms);
    read_ended = true;
  };
  try {
    cycle();
    FAIL() << "the cycle did not throw";
  } catch (const TransientError& e) {
    FAIL() << "not the database's error: " << e.what();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lock timeout"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(overlapped) << "the state was not loaded while the directory was read";
  EXPECT_TRUE(read_ended) << "the error came before the read ended";
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);

  release();
  hooked_.before = nullptr;
  EXPECT_TRUE(cycle().complete);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 2);
}

TEST_F(SyncOverlapTest, WhenBothFailTheDirectorysErrorSurfaces) {
  ASSERT_TRUE(cycle().complete);
  block_the_state_load();
  bool overlapped = false;
  hooked_.before = [&] {
    overlapped = wait_for_sync_lock(true) && wait_for_sync_lock(false);  // the load failed
    throw TransientError("directory down for the test");
  };
  try {
    cycle();
    FAIL() << "the cycle did not throw";
  } catch (const TransientError& e) {
    EXPECT_STREQ(e.what(), "directory down for the test");
  } catch (const Error& e) {
    FAIL() << "the database's error, not the directory's: " << e.what();
  }
  EXPECT_TRUE(overlapped) << "the state was not loaded while the directory was read";
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
  release();
}

TEST_F(SyncOverlapTest, AnIncrementalCycleOverAKeptStateReadsBeforeItOpensTheRun) {
  ASSERT_TRUE(cycle().complete);  // a full read: the state is loaded, and kept
  ASSERT_TRUE(memory_.state.valid);
  directory_.put(person("daniel"));
  long long held_during_read = -1;
  hooked_.before = [&] { held_during_read = count(kSyncLockHeld); };
  const CycleResult incremental = cycle(false);
  EXPECT_FALSE(incremental.full_read);
  EXPECT_TRUE(incremental.record.state_kept);
  EXPECT_EQ(held_during_read, 0) << "the run's transaction opened before the read";
  EXPECT_EQ(incremental.record.plan.add.size(), 1u);
}

TEST_F(SyncOverlapTest, ACycleThatKeepsNoStateWritesItsRunAndLeavesNoState) {
  // valtuusd --once: the process ends after the cycle, so nothing is kept for a next one.
  const CycleResult once = cycle(true, false);
  EXPECT_TRUE(once.complete);
  EXPECT_EQ(once.record.plan.add.size(), 3u);
  EXPECT_FALSE(memory_.state.valid);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 3);
}

}  // namespace
}  // namespace valtuus
