// Faults around the daemon's loop: the leader killed in the middle of its write while a
// second daemon waits, and a reload (SIGHUP) with a broken policy and then a fixed one.
#include <signal.h>

#include <pqxx/pqxx>
#include <thread>

#include "tests/faults/fault_fixture.h"

namespace valtuus::testing {
namespace {

class LoopFaultTest : public FaultTest {
 protected:
  // Whether some other session of this test's database waits for a lock (within `timeout`).
  bool someone_waits_for_a_lock(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                "wait_event_type = 'Lock' AND wait_event = 'relation'") > 0) {
        return true;
      }
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

// Deterministic, not a race: the test holds a lock that the run's write needs (EXCLUSIVE on
// audit_event lets reads through but no insert), so the leader stops inside its write
// transaction, after it began writing. Killed there, it must leave nothing; the follower
// takes over and writes the run once.
TEST_F(LoopFaultTest, LeaderKilledDuringItsWriteLeavesNothingAndTheFollowerWritesOnce) {
  migrate();
  add_people("lead", 300);  // a plan of some 900 items
  const std::string config = loop_config({{"sync.interval", "1"}});

  pqxx::connection blocker(db_->conninfo());
  pqxx::work hold(blocker);
  hold.exec("LOCK TABLE audit_event IN EXCLUSIVE MODE");

  auto leader = start(config);
  ASSERT_TRUE(leader->wait_for_err("leading: this instance syncs", 20s)) << leader->err();
  auto follower = start(config);
  ASSERT_TRUE(follower->wait_for_err("following", 20s)) << follower->err();
  ASSERT_TRUE(someone_waits_for_a_lock(60s)) << leader->err();
  leader->signal(SIGKILL);
  ASSERT_EQ(leader->wait(10s), 128 + SIGKILL);
  hold.abort();

  ASSERT_TRUE(follower->wait_for_err("leading: this instance syncs", 30s)) << follower->err();
  ASSERT_TRUE(follower->wait_for_err(kRunLine, 60s, 2)) << follower->err();
  follower->signal(SIGTERM);
  EXPECT_EQ(follower->wait(20s), 0) << follower->err();

  // The first run that landed proposed everything once; the next one nothing new.
  const long long first_run = count("SELECT min(id) FROM sync_run");
  EXPECT_GE(count("SELECT count(*) FROM change_item WHERE run_id = " + std::to_string(first_run)),
            900);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE run_id <> " + std::to_string(first_run)),
            0);
  expect_invariants();
}

// A reload with errors in two files keeps the running policy (both files named in the log);
// had it applied what it could read, the holders' map would be gone and their mandates
// proposed for revocation. Fixed, the next reload takes and the loop goes on.
TEST_F(LoopFaultTest, ReloadWithABrokenPolicyKeepsTheOldOneThenTakesTheFixedOne) {
  migrate();
  const std::string policy = dir_ + "/policy";
  ASSERT_EQ(run_process({"/bin/cp", "-r", VALTUUS_EXAMPLES_DIR, policy}).exit_code, 0);
  config_ = loop_config({{"policy.dir", policy}});
  const ProcessResult first = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  record_holders({"mmakinen", "aastrom"});  // sjarvinen is disabled: a leaver
  auto daemon = start(config_);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s)) << daemon->err();

  const std::string maps = policy + "/maps/elinkeinoasiat.yaml";
  const std::string good_maps = read_text(maps);
  write_file(maps, "maps:\n  - id: elinkeinoasiat\n    match: {department: [\"Elinkeinoasiat\"\n");
  write_file(policy + "/maps/zz-broken.yaml",
             "maps:\n  - id: broken\n    match: {departmnet: [\"Talouspalvelut\"]}\n"
             "    grants:\n      - {mandate: kela-etuustiedot, why: \"x\"}\n");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(daemon->wait_for_err("keeping the running configuration and policy", 20s))
      << daemon->err();
  // Every broken file is named, not only the first.
  EXPECT_NE(daemon->err().find("elinkeinoasiat.yaml:"), std::string::npos) << daemon->err();
  EXPECT_NE(daemon->err().find("zz-broken.yaml:"), std::string::npos) << daemon->err();
  const int runs = occurrences(daemon->err(), kRunLine);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, runs + 2)) << daemon->err();

  write_file(maps, good_maps);
  ASSERT_EQ(run_process({"/bin/rm", policy + "/maps/zz-broken.yaml"}).exit_code, 0);
  daemon->signal(SIGHUP);
  ASSERT_TRUE(daemon->wait_for_err("info: reloaded", 20s)) << daemon->err();
  const int later = occurrences(daemon->err(), kRunLine);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, later + 1)) << daemon->err();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(20s), 0) << daemon->err();

  expect_invariants();
}

}  // namespace
}  // namespace valtuus::testing
