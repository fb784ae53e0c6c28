// The real valtuus-web program at start: it refuses a database whose schema it does not know
// (as valtuusd does, with the same exit code), and serves on a Unix socket with single sign-on
// from that socket, as the nginx example sets it up.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "connectors/postgres/migrations.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"
#include "tests/web/http_test_client.h"

namespace valtuus {
namespace {

using namespace std::chrono_literals;

constexpr int kExitConfig = 78;

class WebStartTest : public ::testing::Test {
 protected:
  WebStartTest() : db_("webstart"), admin_(db_.conninfo()) {
    dir_ = testing::scratch_dir("web-start");
    testing::write_file(dir_ + "/ldap-password", "unused");
  }

  // The directory is not reached before a login: any address does here.
  std::vector<std::string> command(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv{
        testing::build_dir() + "/web/valtuus-web",
        "--config",
        "/dev/null",
        "--web.port=0",
        "--directory.uri=ldaps://127.0.0.1:1",
        "--directory.bind_dn=cn=reader",
        "--directory.password_file=" + dir_ + "/ldap-password",
        "--directory.base=dc=example",
        "--database.conninfo=" + db_.conninfo() + (login_.empty() ? "" : " user=" + login_)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // Migrates, and from then on connects as a login in valtuus_console (the group role exists
  // once a database of the cluster was migrated).
  void migrate_and_use_console_login() {
    migrate(admin_);
    login_ = logins_.make("web", "valtuus_console");
  }

  testing::ProcessResult run(const std::vector<std::string>& extra = {}) const {
    return testing::run_process(command(extra), {"VALTUUS_ALLOW_ROOT=1"});
  }

  testing::TestLogins logins_;
  testing::TestDatabase db_;
  pqxx::connection admin_;
  std::string login_;
  std::string dir_;
};

TEST_F(WebStartTest, ADatabaseWithoutTheSchemaIsRefusedAtStart) {
  // As the superuser: the database has no tables at all.
  const testing::ProcessResult result = run();
  EXPECT_EQ(result.exit_code, kExitConfig) << result.err;
  EXPECT_NE(result.err.find("no Valtuus schema: run `valtuusctl db migrate`"), std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("listening"), std::string::npos) << result.err;
}

TEST_F(WebStartTest, AnOlderOrNewerSchemaIsRefusedAtStart) {
  migrate_and_use_console_login();
  const int expected = expected_schema_version();
  {
    pqxx::work txn(admin_);
    txn.exec_params("DELETE FROM schema_version WHERE version = $1", expected);
    txn.commit();
  }
  testing::ProcessResult result = run();
  EXPECT_EQ(result.exit_code, kExitConfig) << result.err;
  EXPECT_NE(result.err.find("is older than this program's " + std::to_string(expected)),
            std::string::npos)
      << result.err;
  {
    pqxx::work txn(admin_);
    txn.exec_params("INSERT INTO schema_version (version, name) VALUES ($1, 'x'), ($2, 'y')",
                    expected, expected + 1);
    txn.commit();
  }
  result = run();
  EXPECT_EQ(result.exit_code, kExitConfig) << result.err;
  EXPECT_NE(result.err.find("unknown to this program"), std::string::npos) << result.err;
}

TEST_F(WebStartTest, ServesOnAUnixSocketAndRemovesItAtStop) {
  migrate_and_use_console_login();
  const std::string socket = dir_ + "/web.sock";
  testing::BackgroundProcess web(
      command({"--web.socket=" + socket, "--web.socket_mode=0660",
               "--web.trusted_header=X-Remote-User", "--web.trusted_proxy=unix"}),
      {"VALTUUS_ALLOW_ROOT=1"});
  ASSERT_TRUE(web.wait_for_err("listening on unix:" + socket, 10s)) << web.err();
  struct stat status {};
  ASSERT_EQ(::stat(socket.c_str(), &status), 0);
  EXPECT_TRUE(S_ISSOCK(status.st_mode));
  EXPECT_EQ(status.st_mode & 0777, 0660u);
  const testing::HttpReply login = testing::http_request_unix(socket, "GET", "/login");
  EXPECT_EQ(login.status, 200);
  EXPECT_NE(login.body.find("name=\"password\""), std::string::npos);
  web.signal(SIGTERM);
  EXPECT_EQ(web.wait(10s), 0) << web.err();
  EXPECT_FALSE(std::filesystem::exists(socket));
}

TEST_F(WebStartTest, TheSocketAndTheTrustedProxyMustAgree) {
  testing::ProcessResult result =
      run({"--web.trusted_header=X-Remote-User", "--web.trusted_proxy=unix", "--check-config"});
  EXPECT_EQ(result.exit_code, kExitConfig);
  EXPECT_NE(result.err.find("web.trusted_proxy: `unix` needs web.socket"), std::string::npos)
      << result.err;
  result = run({"--web.socket=" + dir_ + "/s.sock", "--web.trusted_header=X-Remote-User",
                "--web.trusted_proxy=127.0.0.1", "--check-config"});
  EXPECT_EQ(result.exit_code, kExitConfig);
  EXPECT_NE(result.err.find("with web.socket, the proxy is `unix`"), std::string::npos)
      << result.err;
  result = run({"--web.trusted_header=X-Remote-User", "--web.trusted_proxy=proxy.example",
                "--check-config"});
  EXPECT_EQ(result.exit_code, kExitConfig);
  EXPECT_NE(result.err.find("neither an IP address nor `unix`"), std::string::npos) << result.err;
  EXPECT_EQ(run({"--web.socket=" + dir_ + "/s.sock", "--web.trusted_header=X-Remote-User",
                 "--web.trusted_proxy=unix", "--check-config"})
                .exit_code,
            0);
}

}  // namespace
}  // namespace valtuus
