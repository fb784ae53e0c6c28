// PostgreSQL stopped immediately (pg_ctl stop -m immediate: no shutdown, crash recovery at the
// next start) while valtuusd is inside the transaction that writes a large plan, then started
// again. This test runs against a private cluster of its own (the fixture "fault_servers",
// scripts/test-servers in a folder of its own), never the suite's shared one.
// Deterministic, not a race: the test holds a lock the write needs (EXCLUSIVE on audit_event
// lets reads through but no insert), so the daemon is stopped inside its write when the server
// goes down. Afterwards: nothing of that write landed, the loop reconnects by itself and writes
// the run once, and the audit chain verifies.
#include <signal.h>
#include <unistd.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>
#include <thread>

#include "tests/faults/fault_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

// The newest installed PostgreSQL's pg_ctl, as scripts/test-servers picks it.
std::string pg_ctl() {
  std::string best;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string candidate = entry.path().string() + "/bin/pg_ctl";
    if (std::filesystem::exists(candidate) &&
        (best.empty() ||
         std::stoi(entry.path().filename().string()) >
             std::stoi(
                 std::filesystem::path(best).parent_path().parent_path().filename().string()))) {
      best = candidate;
    }
  }
  return best;
}

// pg_ctl as the cluster's owner (PostgreSQL refuses to run as root), through the shell with
// its output in `output`: not run_process, whose pipes the server started by `pg_ctl start`
// would inherit and hold open for as long as it runs. Returns the exit status.
int run_pg_ctl(const std::string& args, const std::string& output) {
  const TestEnv& env = test_env();
  std::string command = pg_ctl() + " -D '" + env.get("VALTUUS_TEST_PG_DATA") + "' " + args;
  if (::geteuid() == 0) command = "/usr/sbin/runuser -u postgres -- " + command;
  const int status = std::system((command + " </dev/null >'" + output + "' 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class DatabaseFaultTest : public FaultTest {
 protected:
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

TEST_F(DatabaseFaultTest, ServerStoppedImmediatelyDuringTheWriteAndStartedAgain) {
  ASSERT_FALSE(pg_ctl().empty()) << "no PostgreSQL installed under /usr/lib/postgresql";
  migrate();
  add_people("pgstop", 300);  // a plan of some 900 items: written with COPY
  {
    // The test cluster runs with synchronous_commit off: without a checkpoint the immediate stop
    // may lose the set-up's last commits (the schema version among them), which a real
    // server would have kept.
    pqxx::connection owner(db_->conninfo());
    pqxx::nontransaction(owner).exec("CHECKPOINT");
  }
  const std::string config = loop_config({{"sync.interval", "1"}});

  {
    pqxx::connection blocker(db_->conninfo());
    pqxx::work hold(blocker);
    hold.exec("LOCK TABLE audit_event IN EXCLUSIVE MODE");
    auto daemon = start(config);
    ASSERT_TRUE(someone_waits_for_a_lock(60s)) << daemon->err();

    const std::string output = dir_ + "/pg_ctl.out";
    ASSERT_EQ(run_pg_ctl("-m immediate -w stop", output), 0) << read_text(output);
    // The daemon sees the connection go and keeps trying; it does not exit.
    ASSERT_TRUE(daemon->wait_for_err("retrying in", 30s)) << daemon->err();
    std::this_thread::sleep_for(1s);
    ASSERT_FALSE(daemon->wait(0ms).has_value()) << daemon->err();
    const std::string log = test_env().get("VALTUUS_TEST_PG_DATA") + "/../postgres.log";
    ASSERT_EQ(run_pg_ctl("-l '" + log + "' -w -t 60 start", output), 0) << read_text(output);

    // Recovered without a restart: the run lands, once, and the next one adds nothing.
    ASSERT_TRUE(daemon->wait_for_err(kRunLine, 60s, 2)) << daemon->err();
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait(20s), 0) << daemon->err();
  }  // the blocker's connection died with the server; closing it is all that is left

  const long long first_run = count("SELECT min(id) FROM sync_run");
  EXPECT_GE(count("SELECT count(*) FROM change_item WHERE run_id = " + std::to_string(first_run)),
            900);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE run_id <> " + std::to_string(first_run)),
            0);
  expect_invariants();
}

}  // namespace
}  // namespace valtuus::testing
