// Bad configuration: valtuusd exits non-zero with one clear line naming the option or the
// server, and writes nothing.
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

constexpr int kExitConfig = 78;
constexpr int kExitTransient = 75;

class BadConfigTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    ProcessResult migrate = valtuusctl({"--config", config_, "db", "migrate"});
    ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  }

  // Runs valtuusd --once with `config`; expects `exit_code`, one stderr line containing
  // `needle`, and no sync run in the database.
  void expect_refused(const std::string& config, int exit_code, const std::string& needle) {
    ProcessResult result = valtuusd({"--config", config, "--once"});
    EXPECT_EQ(result.exit_code, exit_code) << result.err;
    EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
    // Exactly one error line, and it names the culprit.
    std::size_t errors = 0;
    for (std::size_t at = result.err.find("error:"); at != std::string::npos;
         at = result.err.find("error:", at + 1))
      ++errors;
    EXPECT_EQ(errors, 1u) << result.err;
    EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
  }
};

TEST_F(BadConfigTest, MissingOptionIsNamed) {
  expect_refused(write_config({{"directory.uri", ""}}), kExitConfig, "directory.uri");
  expect_refused(write_config({{"database.conninfo", ""}}), kExitConfig, "database.conninfo");
  expect_refused(write_config({{"policy.dir", ""}}), kExitConfig, "policy.dir");
}

TEST_F(BadConfigTest, UnknownOptionInTheFileIsNamedWithTheFile) {
  const std::string config = write_config({{"directory.urii", "ldaps://x/"}});
  expect_refused(config, kExitConfig, "directory.urii");
  ProcessResult result = valtuusd({"--config", config, "--once"});
  EXPECT_NE(result.err.find(config), std::string::npos) << result.err;
}

TEST_F(BadConfigTest, MissingConfigFileIsNamed) {
  expect_refused(dir_ + "/nonexistent.conf", kExitConfig, "nonexistent.conf");
}

TEST_F(BadConfigTest, UnreadablePasswordFileIsNamed) {
  expect_refused(write_config({{"directory.password_file", dir_ + "/no-such-password"}}),
                 kExitConfig, "directory.password_file");
}

TEST_F(BadConfigTest, WrongDirectoryPasswordNamesTheServerAndAccount) {
  write_file(dir_ + "/wrong-password", "not-the-password");
  expect_refused(write_config({{"directory.password_file", dir_ + "/wrong-password"}}), kExitConfig,
                 test_env().get("VALTUUS_TEST_LDAP_READER_DN"));
}

TEST_F(BadConfigTest, UnreachableDirectoryIsTransientAndNamesTheServer) {
  // Port 1 on loopback: nothing listens there.
  expect_refused(write_config({{"directory.uri", "ldaps://127.0.0.1:1/"}}), kExitTransient,
                 "ldaps://127.0.0.1:1");
}

TEST_F(BadConfigTest, PlainLdapWithoutTlsIsRefused) {
  expect_refused(write_config({{"directory.uri", test_env().get("VALTUUS_TEST_LDAP_STARTTLS_URI")},
                               {"directory.starttls", "false"}}),
                 kExitConfig, "directory.");
}

TEST_F(BadConfigTest, UnknownSchemaVersionIsRefused) {
  {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec("INSERT INTO schema_version (version, name) VALUES (999, '999_future.sql')");
    txn.commit();
  }
  expect_refused(config_, kExitConfig, "schema version 999");
}

TEST_F(BadConfigTest, UnmigratedDatabaseIsRefused) {
  TestDatabase empty("unmigrated");
  ProcessResult result =
      valtuusd({"--config", write_config({{"database.conninfo", empty.conninfo()}}), "--once"});
  EXPECT_EQ(result.exit_code, kExitConfig) << result.err;
  EXPECT_NE(result.err.find("valtuusctl db migrate"), std::string::npos) << result.err;
}

TEST_F(BadConfigTest, BadPolicyIsRefusedWithFileAndLine) {
  const std::string policy = dir_ + "/bad-policy";
  write_file(policy + "/catalog.yaml", "mandates:\n  - id: x\n    servise: Kela\n");
  ProcessResult result = valtuusd({"--config", write_config({{"policy.dir", policy}}), "--once"});
  EXPECT_EQ(result.exit_code, kExitConfig) << result.err;
  EXPECT_NE(result.err.find("catalog.yaml:3:"), std::string::npos) << result.err;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
}

TEST_F(BadConfigTest, SecretsNeverAppearInOutput) {
  const std::string secret = "Sup3r-Secret-Value";
  write_file(dir_ + "/wrong-password", secret);
  ProcessResult result =
      valtuusd({"--config", write_config({{"directory.password_file", dir_ + "/wrong-password"}}),
                "--once"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.err.find(secret), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find(secret), std::string::npos) << result.out;
  ProcessResult printed = valtuusd({"--config", config_, "--print-config"});
  EXPECT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_NE(printed.out.find("directory.password_file"), std::string::npos) << printed.out;
}

}  // namespace
}  // namespace valtuus::testing
