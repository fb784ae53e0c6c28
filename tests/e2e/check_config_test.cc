// valtuusd --check-config opens every file the service will need, as the service would, and
// refuses a configuration that cannot start with one error line naming the option.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

constexpr int kCheckExitConfig = 78;

class CheckConfigTest : public E2eTest {
 protected:
  ProcessResult check(const std::string& config) {
    return valtuusd({"--config", config, "--check-config"});
  }

  // Exit 78, exactly one error line, and that line holds every one of `needles`.
  void expect_refused(const std::vector<std::pair<std::string, std::string>>& overrides,
                      const std::vector<std::string>& needles) {
    const ProcessResult result = check(write_config(overrides));
    EXPECT_EQ(result.exit_code, kCheckExitConfig) << result.err;
    EXPECT_EQ(result.out.find("valid"), std::string::npos) << result.out;
    std::size_t errors = 0;
    std::string line;
    for (std::size_t at = result.err.find("error:"); at != std::string::npos;
         at = result.err.find("error:", at + 1)) {
      ++errors;
      line = result.err.substr(at, result.err.find('\n', at) - at);
    }
    EXPECT_EQ(errors, 1u) << result.err;
    for (const std::string& needle : needles) {
      EXPECT_NE(line.find(needle), std::string::npos) << "'" << needle << "' in: " << result.err;
    }
  }
};

TEST_F(CheckConfigTest, TheSuitesConfigurationIsValid) {
  const ProcessResult result = check(config_);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("valid"), std::string::npos) << result.out;
}

TEST_F(CheckConfigTest, DirectoryPasswordFileMissingFolderOrEmpty) {
  expect_refused({{"directory.password_file", dir_ + "/no-such-file"}},
                 {"directory.password_file", "no-such-file"});
  std::filesystem::create_directories(dir_ + "/a-folder");
  expect_refused({{"directory.password_file", dir_ + "/a-folder"}},
                 {"directory.password_file", "is a folder"});
  write_file(dir_ + "/empty", "");
  expect_refused({{"directory.password_file", dir_ + "/empty"}},
                 {"directory.password_file", "is empty"});
  write_file(dir_ + "/newline-only", "\n");
  expect_refused({{"directory.password_file", dir_ + "/newline-only"}},
                 {"directory.password_file", "is empty"});
}

TEST_F(CheckConfigTest, UnreadablePasswordFileIsNamed) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  const std::string file = dir_ + "/unreadable";
  write_file(file, "secret");
  ASSERT_EQ(::chmod(file.c_str(), 0), 0);
  expect_refused({{"directory.password_file", file}}, {"directory.password_file", "ermission"});
}

TEST_F(CheckConfigTest, DatabasePasswordFileIsOpenedToo) {
  expect_refused({{"database.password_file", dir_ + "/no-db-password"}},
                 {"database.password_file", "no-db-password"});
  std::filesystem::create_directories(dir_ + "/db-folder");
  expect_refused({{"database.password_file", dir_ + "/db-folder"}},
                 {"database.password_file", "is a folder"});
}

TEST_F(CheckConfigTest, CaFileMissingOrAFolderIsNamed) {
  expect_refused({{"directory.ca_file", dir_ + "/no-ca.pem"}}, {"directory.ca_file", "no-ca.pem"});
  std::filesystem::create_directories(dir_ + "/ca-folder");
  expect_refused({{"directory.ca_file", dir_ + "/ca-folder"}},
                 {"directory.ca_file", "is a folder"});
}

TEST_F(CheckConfigTest, IdentityKeyIsReadAndNeededForIdentityCodes) {
  expect_refused({{"directory.identity_code_attribute", "valtuusIdentityCode"}},
                 {"directory.identity_code_attribute", "identity.key_file"});
  expect_refused({{"identity.key_file", dir_ + "/no-key"}}, {"identity.key_file", "no-key"});
  std::filesystem::create_directories(dir_ + "/key-folder");
  expect_refused({{"identity.key_file", dir_ + "/key-folder"}},
                 {"identity.key_file", "is a folder"});
  write_file(dir_ + "/short-key", "too short");
  expect_refused({{"identity.key_file", dir_ + "/short-key"}}, {"identity.key_file", "32 bytes"});
  write_file(dir_ + "/good-key", std::string(32, 'k'));
  const ProcessResult good =
      check(write_config({{"directory.identity_code_attribute", "valtuusIdentityCode"},
                          {"identity.key_file", dir_ + "/good-key"}}));
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST_F(CheckConfigTest, RelativeSecretNamesAreLookedUpInTheCredentialsFolder) {
  // As under systemd's LoadCredential=: the unit names the credential, not a path.
  const std::string creds = dir_ + "/credentials";
  std::filesystem::create_directories(creds);
  std::filesystem::copy_file(test_env().get("VALTUUS_TEST_LDAP_READER_PASSWORD_FILE"),
                             creds + "/ldap-password");
  const std::string config = write_config({{"directory.password_file", "ldap-password"}});
  std::vector<std::string> argv{VALTUUSD_PATH, "--config", config, "--check-config"};
  const ProcessResult found = run_process(argv, {"CREDENTIALS_DIRECTORY=" + creds});
  EXPECT_EQ(found.exit_code, 0) << found.err;
  const ProcessResult missing = run_process(argv, {"CREDENTIALS_DIRECTORY=" + dir_});
  EXPECT_EQ(missing.exit_code, kCheckExitConfig) << missing.err;
  EXPECT_NE(missing.err.find("directory.password_file"), std::string::npos) << missing.err;
}

TEST_F(CheckConfigTest, TheServiceRefusesIdentityCodesWithoutAKeyAtStartToo) {
  const ProcessResult result = valtuusd(
      {"--config", write_config({{"directory.identity_code_attribute", "valtuusIdentityCode"}}),
       "--once"});
  EXPECT_EQ(result.exit_code, kCheckExitConfig) << result.err;
  EXPECT_NE(result.err.find("identity.key_file"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace valtuus::testing
