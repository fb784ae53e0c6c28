// A login without the right role gets a refusal that names the role it would need, on one
// line, from valtuusctl and from valtuusd.
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_logins.h"

namespace valtuus::testing {
namespace {

class PermissionMessageTest : public E2eTest {};

TEST_F(PermissionMessageTest, ValtuusctlNamesTheRoleThatMayDoIt) {
  ASSERT_EQ(valtuusctl({"--config", config_, "db", "migrate"}).exit_code, 0);
  TestLogins logins;
  const std::string reviewer = logins.make("alice", "valtuus_reviewer");
  const std::string config =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + reviewer}});
  const ProcessResult result = valtuusctl({"--config", config, "runs", "release", "1"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("permission denied for function run_release: the login '" + reviewer +
                            "' needs a role that may: valtuus_admin (EXECUTE)"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

TEST_F(PermissionMessageTest, ValtuusdNamesTheRolesThatMayWrite) {
  ASSERT_EQ(valtuusctl({"--config", config_, "db", "migrate"}).exit_code, 0);
  TestLogins logins;
  const std::string security = logins.make("sakari", "valtuus_security");
  const std::string config =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + security}});
  const ProcessResult result = valtuusd({"--config", config, "--once"});
  EXPECT_NE(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("permission denied for "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("the login '" + security + "' needs a role that may: "),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("valtuus_daemon ("), std::string::npos) << result.err;
}

}  // namespace
}  // namespace valtuus::testing
