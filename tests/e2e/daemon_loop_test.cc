// The daemon's loop: leadership among several instances, SIGHUP, SIGTERM mid-run and
// incremental reads between full ones.
#include <signal.h>

#include <pqxx/pqxx>

#include "tests/e2e/daemon_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

class DaemonLoopTest : public DaemonTest {};

TEST_F(DaemonLoopTest, OneOfTwoDaemonsSyncsAndTheOtherTakesOverWhenItDies) {
  migrate();
  const std::string config = loop_config({{"sync.interval", "2"}});
  auto first = start(config);
  ASSERT_TRUE(first->wait_for_err("leading: this instance syncs", 20s)) << first->err();
  auto second = start(config);
  ASSERT_TRUE(second->wait_for_err("following", 20s)) << second->err();
  // Several intervals pass: only the leader runs.
  ASSERT_TRUE(first->wait_for_err(kRunLine, 30s, 3)) << first->err();
  EXPECT_EQ(occurrences(second->err(), kRunLine), 0) << second->err();
  EXPECT_GE(count("SELECT count(*) FROM sync_run"), 3);

  first->signal(SIGKILL);
  ASSERT_EQ(first->wait(10s), 128 + SIGKILL);
  const long long runs_before = count("SELECT count(*) FROM sync_run");
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(second->wait_for_err("leading: this instance syncs", 20s)) << second->err();
  const auto took = std::chrono::steady_clock::now() - killed;
  // One interval (2 s, +10 % jitter) and some slack for a busy machine.
  EXPECT_LT(took, 2200ms + 2s) << "took over after " << std::chrono::duration<double>(took).count()
                               << " s";
  ASSERT_TRUE(second->wait_for_err(kRunLine, 20s)) << second->err();
  EXPECT_GT(count("SELECT count(*) FROM sync_run"), runs_before);

  second->signal(SIGTERM);
  EXPECT_EQ(second->wait(10s), 0) << second->err();
}

TEST_F(DaemonLoopTest, SighupWithABadPolicyOrConfigKeepsRunningWithTheOldOnes) {
  migrate();
  const std::string policy = dir_ + "/policy";
  ASSERT_EQ(run_process({"/bin/cp", "-r", VALTUUS_EXAMPLES_DIR, policy}).exit_code, 0);
  const std::string config = loop_config({{"policy.dir", policy}});
  auto daemon = start(config);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s)) << daemon->err();

  write_file(policy + "/maps/broken.yaml",
             "maps:\n"
             "  - id: broken\n"
             "    match: {department: [\"Talouspalvelut\"]}\n"
             "    grants:\n"
             "      - {mandate: no-such-theme, why: \"x\"}\n");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(daemon->wait_for_err("keeping the running configuration and policy", 20s))
      << daemon->err();
  EXPECT_NE(daemon->err().find("broken.yaml:"), std::string::npos) << daemon->err();
  // Still syncing, with the old maps: nothing for the broken map's theme.
  const int runs = occurrences(daemon->err(), kRunLine);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, runs + 2)) << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE mandate_id = 'no-such-theme'"), 0);

  // A configuration file that no longer parses is refused the same way.
  const std::string good = read_text(config);
  write_file(config, good + "\n[sync]\nno_such_option = 1\n");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(daemon->wait_for_err("keeping the running configuration and policy", 20s, 2))
      << daemon->err();
  EXPECT_NE(daemon->err().find("no_such_option"), std::string::npos) << daemon->err();
  const int later = occurrences(daemon->err(), kRunLine);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, later + 1)) << daemon->err();

  // Fixed, a reload takes.
  write_file(config, good);
  ASSERT_EQ(run_process({"/bin/rm", policy + "/maps/broken.yaml"}).exit_code, 0);
  daemon->signal(SIGHUP);
  ASSERT_TRUE(daemon->wait_for_err("info: reloaded", 20s)) << daemon->err();

  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(10s), 0) << daemon->err();
}

TEST_F(DaemonLoopTest, SigtermDuringARunRollsItBackAndExitsWithinTenSeconds) {
  migrate();
  // The test holds the runs' lock, so the daemon's run waits inside its transaction.
  pqxx::connection locker(db_->conninfo());
  pqxx::nontransaction(locker).exec("SELECT pg_advisory_lock(6215332885840614146)");
  auto daemon = start(loop_config());
  const auto waiting = [&] {
    // In this test's database: other tests wait for locks on the same server.
    return count(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
        "(SELECT oid FROM pg_database WHERE datname = current_database())");
  };
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (waiting() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(waiting(), 1) << daemon->err();

  const auto signalled = std::chrono::steady_clock::now();
  daemon->signal(SIGTERM);
  const std::optional<int> exit_code = daemon->wait(15s);
  const auto took = std::chrono::steady_clock::now() - signalled;
  ASSERT_TRUE(exit_code.has_value()) << daemon->err();
  EXPECT_EQ(*exit_code, 0) << daemon->err();
  EXPECT_LT(took, 10s);
  locker.disconnect();
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'sync_run'"), 0);
}

TEST_F(DaemonLoopTest, ReadsIncrementallyBetweenFullReadsAndSeesAMover) {
  migrate();
  auto daemon = start(loop_config());
  ASSERT_TRUE(daemon->wait_for_err("incremental read of", 30s)) << daemon->err();
  EXPECT_EQ(occurrences(daemon->err(), "full read;"), 1) << daemon->err();
  const long long items = count("SELECT count(*) FROM change_item");
  // Jörgen Öhman moves to business services: an incremental read alone must propose his
  // new mandates.
  ProcessResult moved = ldap_modify("dn: cn=johman," + base_ +
                                    "\nchangetype: modify\nreplace: department\n"
                                    "department: Elinkeinoasiat\n\n");
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (count("SELECT count(*) FROM change_item") == items &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_GT(count("SELECT count(*) FROM change_item"), items) << daemon->err();
  EXPECT_EQ(occurrences(daemon->err(), "full read;"), 1) << daemon->err();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(10s), 0) << daemon->err();
}

TEST_F(DaemonLoopTest, TransientFailuresAreRetriedWithoutExiting) {
  migrate();
  // No directory listens there: every read fails, and the daemon keeps trying.
  const std::string config =
      loop_config({{"directory.uri", "ldap://127.0.0.1:1"}, {"directory.retries", "0"}});
  const std::string good = read_text(loop_config());
  auto daemon = start(config);
  ASSERT_TRUE(daemon->wait_for_err("sync failed", 30s, 2)) << daemon->err();
  EXPECT_FALSE(daemon->wait(0ms).has_value()) << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);

  // The directory comes back (here: the right address, on reload) and the loop syncs.
  write_file(config, good);
  daemon->signal(SIGHUP);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s)) << daemon->err();

  // The database drops every session (a restart, a failover): the loop reconnects, takes
  // the leader lock again and goes on.
  count(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  const int runs = occurrences(daemon->err(), kRunLine);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, runs + 2)) << daemon->err();
  EXPECT_FALSE(daemon->wait(0ms).has_value()) << daemon->err();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(10s), 0) << daemon->err();
}

}  // namespace
}  // namespace valtuus::testing
