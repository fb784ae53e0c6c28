// Values an attacker (or a careless administrator) can put into the directory, read through
// LdapDirectorySource from the private slapd: they stay data, never become part of a filter,
// never break the read, and values the connector refuses are named in bad_fields.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "connectors/ldap/ldap_source.h"
#include "tests/support/ldap_test_directory.h"

namespace valtuus {
namespace {

using testing::LdapTestDirectory;

std::map<std::string, Employee> by_account(const Snapshot& s) {
  std::map<std::string, Employee> out;
  for (const auto& e : s.employees) out[e.account] = e;
  return out;
}

class LdapHostileTest : public ::testing::Test {
 protected:
  LdapTestDirectory dir_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
};

TEST_F(LdapHostileTest, FilterSyntaxAndQuotesInValuesAreReadAsData) {
  dir_.add_user({.account = "hostile",
                 .display_name = "' OR 1=1 --",
                 .department = "\"Tekninen\" 'toimi' \\ (x)",
                 .title = "*)(objectClass=*"});
  const Snapshot snapshot = LdapDirectorySource(dir_.reader_options()).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  const auto people = by_account(snapshot);
  const Employee& e = people.at("hostile");
  EXPECT_EQ(e.title, "*)(objectClass=*");
  EXPECT_EQ(e.department, "\"Tekninen\" 'toimi' \\ (x)");
  EXPECT_EQ(e.display_name, "' OR 1=1 --");
  EXPECT_TRUE(e.bad_fields.empty());
}

TEST_F(LdapHostileTest, GroupFilterValueIsEscapedNotInjected) {
  // Unescaped, (memberOf=cn=x*)(objectClass=*,...) would match everyone with any memberOf.
  const std::string hostile_group = "cn=x*)(objectClass=*,ou=groups,dc=valtuus,dc=test";
  dir_.add_user({.account = "member", .groups = {hostile_group}});
  dir_.add_user({.account = "outsider", .groups = {"cn=xylophone,ou=groups,dc=valtuus,dc=test"}});
  dir_.add_user({.account = "nogroups"});
  LdapOptions options = dir_.reader_options();
  options.member_of = hostile_group;
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  const auto people = by_account(snapshot);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_TRUE(people.contains("member"));
}

TEST_F(LdapHostileTest, SixtyFourKibTitleIsABadFieldAndTheReadGoesOn) {
  dir_.add_user({.account = "longtitle", .title = std::string(64 * 1024, 'x')});
  dir_.add_user({.account = "normal", .title = "Kirjanpitäjä"});
  LdapDirectorySource source(dir_.reader_options());
  const Snapshot snapshot = source.read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  const auto people = by_account(snapshot);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people.at("longtitle").title, "");
  EXPECT_EQ(people.at("longtitle").bad_fields, std::vector<std::string>{"title"});
  EXPECT_EQ(people.at("normal").title, "Kirjanpitäjä");
}

TEST_F(LdapHostileTest, InvalidUtf8FromABinaryAttributeIsABadField) {
  // slapd (like AD) refuses invalid UTF-8 in text attributes; a mapping onto a binary one
  // (inetOrgPerson's `audio`, an octet string) is how such bytes reach the connector.
  const std::string dn = dir_.add_user({.account = "binary"});
  dir_.modify(dn, "audio", {"Joh\xff\xfetaja"});
  LdapOptions options = dir_.reader_options();
  options.attributes.title = "audio";
  LdapDirectorySource source(options);
  const Snapshot snapshot = source.read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  ASSERT_EQ(snapshot.employees.size(), 1u);
  EXPECT_EQ(snapshot.employees[0].title, "");
  EXPECT_EQ(snapshot.employees[0].bad_fields, std::vector<std::string>{"audio"});
}

TEST_F(LdapHostileTest, IdentityCodeNeverAppearsInWarnings) {
  // An entry skipped for its key must not leak the identity code into the warning.
  dir_.add_user({.account = "nokey", .identity_code = "131052-308T"});
  LdapOptions options = dir_.reader_options();
  options.key_attribute = "employeeID";  // not set on the entry: skipped
  options.identity_code_attribute = "valtuusIdentityCode";
  LdapDirectorySource source(options);
  const Snapshot snapshot = source.read_all();
  EXPECT_TRUE(snapshot.employees.empty());
  ASSERT_FALSE(source.last_warnings().empty());
  for (const auto& w : source.last_warnings()) {
    EXPECT_EQ(w.find("131052-308T"), std::string::npos) << w;
  }
}

}  // namespace
}  // namespace valtuus
