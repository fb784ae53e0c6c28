// valtuusd --check for monitoring (0 nothing waits, 2 something does, 1 error), the refusal
// to run as root, and that no log line of the daemon holds a secret or an identity code.
#include <signal.h>
#include <unistd.h>

#include "tests/e2e/daemon_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

class DaemonCheckTest : public DaemonTest {};

TEST_F(DaemonCheckTest, ExitsTwoWhileChangesOrItemsWaitAndWritesNothing) {
  migrate();
  ProcessResult before = valtuusd({"--config", config_, "--check"});
  EXPECT_EQ(before.exit_code, 2) << before.err;
  EXPECT_NE(before.out.find("PENDING: read 4"), std::string::npos) << before.out;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);

  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  ProcessResult after = valtuusd({"--config", config_, "--check"});
  EXPECT_EQ(after.exit_code, 2) << after.err;
  EXPECT_NE(after.out.find("PENDING: no new changes; 7 item(s) wait for a person"),
            std::string::npos)
      << after.out;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 1);
}

TEST_F(DaemonCheckTest, ExitsZeroWhenNothingWaits) {
  migrate();
  // Only the HR maps: nobody in this directory works in HR.
  const std::string policy = dir_ + "/policy";
  write_file(policy + "/maps/.keep", "");
  ASSERT_EQ(run_process({"/bin/cp", std::string(VALTUUS_EXAMPLES_DIR) + "/catalog.yaml",
                         policy + "/catalog.yaml"})
                .exit_code,
            0);
  ASSERT_EQ(run_process({"/bin/cp", std::string(VALTUUS_EXAMPLES_DIR) + "/maps/henkilosto.yaml",
                         policy + "/maps/henkilosto.yaml"})
                .exit_code,
            0);
  const std::string config = write_config({{"policy.dir", policy}});
  ProcessResult check = valtuusd({"--config", config, "--check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out.rfind("OK: ", 0), 0u) << check.out;
}

TEST_F(DaemonCheckTest, ExitsOneOnAnyError) {
  // Not migrated: the schema is unknown, which is a configuration error elsewhere (78).
  ProcessResult unmigrated = valtuusd({"--config", config_, "--check"});
  EXPECT_EQ(unmigrated.exit_code, 1) << unmigrated.err;
  migrate();
  const std::string wrong = write_config({{"directory.password_file", dir_ + "/missing"}});
  EXPECT_EQ(valtuusd({"--config", wrong, "--check"}).exit_code, 1);
  EXPECT_EQ(valtuusd({"--config", config_, "--check", "--no-such-option"}).exit_code, 1);
  // The same errors outside --check keep their own codes.
  EXPECT_EQ(valtuusd({"--config", wrong, "--once"}).exit_code, 78);
}

TEST_F(DaemonCheckTest, RefusesToRunAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  migrate();
  ProcessResult refused =
      run_process({VALTUUSD_PATH, "--config", config_, "--once"}, {"VALTUUS_ALLOW_ROOT=0"});
  EXPECT_EQ(refused.exit_code, 78);
  EXPECT_NE(refused.err.find("refusing to run as root"), std::string::npos) << refused.err;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
}

TEST_F(DaemonCheckTest, NoLogLineHoldsASecretOrAnIdentityCode) {
  migrate();
  const std::string code = "131052-308T";
  ProcessResult added = ldap_modify("dn: cn=mmakinen," + base_ +
                                    "\nchangetype: modify\nadd: valtuusIdentityCode\n"
                                    "valtuusIdentityCode: " +
                                    code + "\n\n");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string key_file = dir_ + "/identity.key";
  write_file(key_file, std::string(32, 'k'));
  const std::string config =
      loop_config({{"directory.identity_code_attribute", "valtuusIdentityCode"},
                   {"identity.key_file", key_file}});
  std::string log;
  for (const char* mode : {"--dry-run", "--check", "--once"}) {
    log += valtuusd({"--config", config, mode}).err;
  }
  auto daemon = start(config);
  // A full read, then incremental ones; a reload in between.
  ASSERT_TRUE(daemon->wait_for_err("incremental read of", 30s)) << daemon->err();
  daemon->signal(SIGHUP);
  ASSERT_TRUE(daemon->wait_for_err("info: reloaded", 20s)) << daemon->err();
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, occurrences(daemon->err(), kRunLine) + 1));
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(10s), 0);
  log += daemon->err();
  ASSERT_NE(log.find("read 4"), std::string::npos) << log;

  const std::string password = read_text(test_env().get("VALTUUS_TEST_LDAP_READER_PASSWORD_FILE"));
  ASSERT_GE(password.size(), 4u);
  std::string trimmed = password;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  EXPECT_EQ(log.find(trimmed), std::string::npos) << "the directory password is in the log";
  EXPECT_EQ(log.find(std::string(32, 'k')), std::string::npos) << "the key is in the log";
  for (const std::string& needle : {code, std::string("131052"), std::string("308T")}) {
    EXPECT_EQ(log.find(needle), std::string::npos) << needle << " is in the log:\n" << log;
  }
}

}  // namespace
}  // namespace valtuus::testing
