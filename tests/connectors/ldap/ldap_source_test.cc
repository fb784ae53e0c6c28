// LdapDirectorySource against the private slapd started by scripts/test-servers (CTest
// fixture "servers"). Each test fills its own subtree as the admin and reads it as the
// connector's reader account, over TLS as in production.
#include "connectors/ldap/ldap_source.h"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

#include "core/errors.h"
#include "tests/support/ldap_test_directory.h"
#include "tests/support/test_env.h"

namespace valtuus {
namespace {

using testing::LdapTestDirectory;
using testing::TestUser;
using namespace std::chrono;

std::string current_test_name() {
  return ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

std::map<std::string, Employee> by_account(const Snapshot& s) {
  std::map<std::string, Employee> out;
  for (const auto& e : s.employees) out[e.account] = e;
  return out;
}

class LdapSourceTest : public ::testing::Test {
 protected:
  LdapTestDirectory dir_{current_test_name()};
};

TEST_F(LdapSourceTest, MapsEveryFieldIncludingFinnishLetters) {
  const std::string staff = dir_.add_ou("Sosiaali- ja terveystoimi");
  // Microsoft's documented example GUID 35918bc9-196d-40ea-9779-889d79b753f0.
  const std::string guid = "\xC9\x8B\x91\x35\x6D\x19\xEA\x40\x97\x79\x88\x9D\x79\xB7\x53\xF0";
  TestUser boss{.account = "boss", .department = "Hallinto"};
  const std::string boss_dn = dir_.add_user(boss, staff);
  dir_.add_user({.account = "aosterberg",
                 .guid_bytes = guid,
                 .given_name = "Åsa",
                 .surname = "Österberg-Äijälä",
                 .display_name = "Åsa Österberg-Äijälä",
                 .mail = "asa.osterberg@porvoo.example",
                 .department = "Sosiaali- ja terveystoimi",
                 .title = "Sosiaalityöntekijä",
                 .employee_id = "E2001",
                 .manager = boss_dn,
                 .groups = {"cn=Avustushakemukset,ou=groups,dc=valtuus,dc=test",
                            "cn=Kela,ou=groups,dc=valtuus,dc=test"},
                 .user_account_control = "514",
                 .account_expires = "133827552000000000",  // 2025-01-31T00:00:00Z
                 .long_leave = "pitkä vapaa",
                 .identity_code = "131052-308T"},
                staff);

  LdapOptions options = dir_.reader_options();
  options.long_leave_attribute = "extensionAttribute1";
  options.identity_code_attribute = "valtuusIdentityCode";
  LdapDirectorySource source(options);
  const auto before = floor<seconds>(system_clock::now());
  const Snapshot snapshot = source.read_all();
  const auto after = system_clock::now();

  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  EXPECT_EQ(snapshot.incomplete_reason, "");
  EXPECT_EQ(snapshot.source, options.uri);
  EXPECT_GE(snapshot.read_at, before);
  EXPECT_LE(snapshot.read_at, after);
  EXPECT_TRUE(source.last_warnings().empty());
  auto people = by_account(snapshot);
  ASSERT_EQ(people.size(), 2u);
  const Employee& e = people.at("aosterberg");
  EXPECT_EQ(e.key, "35918bc9-196d-40ea-9779-889d79b753f0");
  EXPECT_EQ(e.dn, "cn=aosterberg," + staff);
  EXPECT_EQ(e.given_name, "Åsa");
  EXPECT_EQ(e.surname, "Österberg-Äijälä");
  EXPECT_EQ(e.display_name, "Åsa Österberg-Äijälä");
  EXPECT_EQ(e.mail, "asa.osterberg@porvoo.example");
  EXPECT_EQ(e.department, "Sosiaali- ja terveystoimi");
  EXPECT_EQ(e.title, "Sosiaalityöntekijä");
  EXPECT_EQ(e.ou, "Sosiaali- ja terveystoimi");
  EXPECT_EQ(e.manager, boss_dn);
  EXPECT_EQ(e.groups.size(), 2u);
  EXPECT_TRUE(e.disabled);
  EXPECT_EQ(e.account_expires, TimePoint{sys_days{year{2025} / January / 31}});
  EXPECT_EQ(e.long_leave_marker, "pitkä vapaa");
  EXPECT_EQ(e.identity_code, "131052-308T");
  EXPECT_TRUE(e.bad_fields.empty());
  const Employee& b = people.at("boss");
  EXPECT_FALSE(b.disabled);
  EXPECT_FALSE(b.account_expires.has_value());
  EXPECT_EQ(b.key.size(), 36u);
}

TEST_F(LdapSourceTest, EmployeeIdAsKey) {
  dir_.add_user({.account = "mvirtanen", .employee_id = "E1002"});
  LdapOptions options = dir_.reader_options();
  options.key_attribute = "employeeID";
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  ASSERT_EQ(snapshot.employees.size(), 1u);
  EXPECT_EQ(snapshot.employees[0].key, "E1002");
}

TEST_F(LdapSourceTest, ReadsSeveralPages) {
  for (int i = 0; i < 7; ++i) dir_.add_user({.account = "user" + std::to_string(i)});
  LdapOptions options = dir_.reader_options();
  options.page_size = 2;  // 4 pages
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  EXPECT_EQ(by_account(snapshot).size(), 7u);
}

TEST_F(LdapSourceTest, ReadsPastTheServersUnpagedLimitOf1000) {
  // slapd, like AD, returns at most 1000 entries to an unpaged search: only paging reads all.
  for (int i = 0; i < 1100; ++i) dir_.add_user({.account = "p" + std::to_string(i)});
  const Snapshot snapshot = LdapDirectorySource(dir_.reader_options()).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  EXPECT_EQ(by_account(snapshot).size(), 1100u);
}

TEST_F(LdapSourceTest, SkipsEntryWithoutAccountAndWarnsWithItsDn) {
  dir_.add_user({.account = "good"});
  const std::string bad_dn = dir_.add_user({.account = "noaccount", .with_account = false});
  LdapDirectorySource source(dir_.reader_options());
  const Snapshot snapshot = source.read_all();
  EXPECT_TRUE(snapshot.complete);
  ASSERT_EQ(snapshot.employees.size(), 1u);
  EXPECT_EQ(snapshot.employees[0].account, "good");
  ASSERT_EQ(source.last_warnings().size(), 1u);
  EXPECT_NE(source.last_warnings()[0].find(bad_dn), std::string::npos);
}

TEST_F(LdapSourceTest, ValueWithControlCharacterIsABadField) {
  dir_.add_user({.account = "ctl", .title = "Johtaja\x1b[31m"});
  const Snapshot snapshot = LdapDirectorySource(dir_.reader_options()).read_all();
  ASSERT_EQ(snapshot.employees.size(), 1u);
  EXPECT_EQ(snapshot.employees[0].title, "");
  EXPECT_EQ(snapshot.employees[0].bad_fields, std::vector<std::string>{"title"});
}

TEST_F(LdapSourceTest, StartTlsOverLdap) {
  dir_.add_user({.account = "starttls"});
  LdapOptions options = dir_.reader_options();
  options.uri = testing::test_env().get("VALTUUS_TEST_LDAP_STARTTLS_URI");
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  EXPECT_EQ(snapshot.employees.size(), 1u);
  EXPECT_EQ(snapshot.source, options.uri);
}

TEST_F(LdapSourceTest, WrongPasswordIsConfigErrorNamingBindDn) {
  LdapOptions options = dir_.reader_options();
  const std::string password = "not-the-password-Zq9";
  options.password_file = testing::scratch_dir("wrong-password") + "/password";
  testing::write_file(options.password_file, password);
  try {
    LdapDirectorySource(options).read_all();
    FAIL() << "read_all succeeded with a wrong password";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(options.uri), std::string::npos) << message;
    EXPECT_NE(message.find("bind as " + options.bind_dn), std::string::npos) << message;
    EXPECT_NE(message.find("Invalid credentials"), std::string::npos) << message;
    EXPECT_EQ(message.find(password), std::string::npos) << message;
  }
}

TEST_F(LdapSourceTest, MissingBaseGivesIncompleteSnapshotKeepingOtherBases) {
  dir_.add_user({.account = "present"});
  LdapOptions options = dir_.reader_options();
  const std::string missing = "ou=does-not-exist," + dir_.base();
  options.bases = {missing, dir_.base()};
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_FALSE(snapshot.complete);
  EXPECT_NE(snapshot.incomplete_reason.find(missing), std::string::npos)
      << snapshot.incomplete_reason;
  EXPECT_NE(snapshot.incomplete_reason.find("No such object"), std::string::npos)
      << snapshot.incomplete_reason;
  ASSERT_EQ(snapshot.employees.size(), 1u);
  EXPECT_EQ(snapshot.employees[0].account, "present");
}

// A CA that did not sign the server's certificate.
std::string unrelated_ca() {
  const std::string dir = testing::scratch_dir("other-ca");
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
      "'/CN=Not the test CA' -keyout " +
      dir + "/ca.key -out " + dir + "/ca.pem 2>/dev/null";
  if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl failed: " + command);
  return dir + "/ca.pem";
}

TEST_F(LdapSourceTest, UnknownCaIsConfigErrorOverLdaps) {
  LdapOptions options = dir_.reader_options();
  options.ca_file = unrelated_ca();
  try {
    LdapDirectorySource(options).read_all();
    FAIL() << "read_all trusted a certificate from an unknown CA";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(options.uri), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("certificate"), std::string::npos) << e.what();
  }
}

TEST_F(LdapSourceTest, UnknownCaIsConfigErrorWithStartTls) {
  LdapOptions options = dir_.reader_options();
  options.uri = testing::test_env().get("VALTUUS_TEST_LDAP_STARTTLS_URI");
  options.ca_file = unrelated_ca();
  try {
    LdapDirectorySource(options).read_all();
    FAIL() << "read_all trusted a certificate from an unknown CA";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("StartTLS"), std::string::npos) << e.what();
  }
}

TEST_F(LdapSourceTest, InsecureOptionSkipsVerification) {
  dir_.add_user({.account = "insecure"});
  LdapOptions options = dir_.reader_options();
  options.ca_file = unrelated_ca();
  options.tls_verify_never_use_in_production = true;
  EXPECT_TRUE(LdapDirectorySource(options).read_all().complete);
}

// A loopback port nothing listens on: bound and closed again at once.
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(LdapSourceTest, UnreachableServerIsTransientError) {
  LdapOptions options = dir_.reader_options();
  options.uri = "ldaps://127.0.0.1:" + std::to_string(closed_port()) + "/";
  options.network_timeout_s = 2;
  try {
    LdapDirectorySource(options).read_all();
    FAIL() << "read_all succeeded without a server";
  } catch (const TransientError& e) {
    EXPECT_NE(std::string(e.what()).find(options.uri), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace valtuus
