// Values an attacker (or a careless administrator) can put into the directory, read through
// LdapDirectorySource from the private slapd: they stay data, never become part of a filter,
// never break the read, and values the connector refuses are named in bad_fields and listed in
// the snapshot's refused values (entry, field, reason; never the value).
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>

#include "connectors/ldap/ldap_source.h"
#include "tests/support/ldap_test_directory.h"

namespace valtuus {
namespace {

using testing::LdapTestDirectory;

std::map<std::string, Employee> people_by_account(const Snapshot& s) {
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
  const auto people = people_by_account(snapshot);
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
  const auto people = people_by_account(snapshot);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_TRUE(people.contains("member"));
}

TEST_F(LdapHostileTest, SixtyFourKibTitleIsABadFieldAndTheReadGoesOn) {
  dir_.add_user({.account = "longtitle", .title = std::string(64 * 1024, 'x')});
  dir_.add_user({.account = "normal", .title = "Kirjanpitäjä"});
  LdapDirectorySource source(dir_.reader_options());
  const Snapshot snapshot = source.read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  const auto people = people_by_account(snapshot);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_EQ(people.at("longtitle").title, "");
  EXPECT_EQ(people.at("longtitle").bad_fields, std::vector<std::string>{"title"});
  EXPECT_EQ(people.at("normal").title, "Kirjanpitäjä");
  ASSERT_EQ(snapshot.refused.size(), 1u);
  EXPECT_EQ(snapshot.refused[0].account, "longtitle");
  EXPECT_EQ(snapshot.refused[0].field, "title");
  EXPECT_EQ(snapshot.refused[0].reason, "title: longer than 4096 bytes (65536)");
}

TEST_F(LdapHostileTest, ControlCharactersInEveryMappedAttributeAreRefusedAndListed) {
  struct Case {
    const char* account;
    const char* attribute;  // set to a value with a control character after the entry exists
    const char* field;
  };
  const Case cases[] = {
      {"c-account", "sAMAccountName", "account"},
      {"c-given", "givenName", "given_name"},
      {"c-sn", "sn", "surname"},
      {"c-display", "displayName", "display_name"},
      {"c-mail", "mail", "mail"},
      {"c-dept", "department", "department"},
      {"c-title", "title", "title"},
      {"c-leave", "extensionAttribute1", "long_leave"},
      {"c-hetu", "valtuusIdentityCode", "identity_code"},
  };
  dir_.add_user({.account = "fine", .department = "\tTalous\xC2\xA0", .title = " Controller\r\n"});
  for (const Case& c : cases) {
    const std::string dn = dir_.add_user({.account = c.account, .department = "Talous"});
    dir_.modify(dn, c.attribute, {std::string(c.account) + "\x1b[2J\n" + "131052-308T"});
  }
  LdapOptions options = dir_.reader_options();
  options.long_leave_attribute = "extensionAttribute1";
  options.identity_code_attribute = "valtuusIdentityCode";
  LdapDirectorySource source(options);
  const Snapshot snapshot = source.read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  const auto people = people_by_account(snapshot);
  // Surrounding TAB, NBSP and CR/LF are white space, not control characters.
  EXPECT_EQ(people.at("fine").department, "Talous");
  EXPECT_EQ(people.at("fine").title, "Controller");
  // The entry with a refused account is not in the read; every other one is, its field empty.
  EXPECT_EQ(people.size(), std::size(cases));
  ASSERT_EQ(snapshot.refused.size(), std::size(cases));
  for (const Case& c : cases) {
    const auto refused = std::find_if(snapshot.refused.begin(), snapshot.refused.end(),
                                      [&](const RefusedValue& r) { return r.field == c.field; });
    ASSERT_NE(refused, snapshot.refused.end()) << c.field;
    EXPECT_EQ(refused->reason, std::string(c.attribute) + ": contains a control character");
    EXPECT_NE(refused->dn.find(std::string("cn=") + c.account), std::string::npos) << refused->dn;
    EXPECT_FALSE(refused->key.empty()) << c.field;
    if (std::string(c.field) != "account") {
      EXPECT_EQ(refused->account, c.account);
    }
  }
  // Neither the values nor their control characters reach the warnings or the refused list.
  for (const auto& w : source.last_warnings()) {
    EXPECT_EQ(w.find("131052"), std::string::npos) << w;
    EXPECT_EQ(w.find('\x1b'), std::string::npos) << w;
  }
  for (const RefusedValue& r : snapshot.refused) {
    for (const std::string* text : {&r.dn, &r.account, &r.key, &r.reason}) {
      EXPECT_EQ(text->find("131052"), std::string::npos) << *text;
      EXPECT_EQ(text->find('\x1b'), std::string::npos) << *text;
    }
  }
}

TEST_F(LdapHostileTest, InvalidUtf8DepartmentAndUnparsableFlagsAreRefused) {
  const std::string dn = dir_.add_user({.account = "binary"});
  dir_.modify(dn, "audio", {"Talous\xff\xfehallinto"});
  dir_.modify(dn, "carLicense", {"five hundred twelve"});
  LdapOptions options = dir_.reader_options();
  options.attributes.department = "audio";
  options.attributes.account_control = "carLicense";
  const Snapshot snapshot = LdapDirectorySource(options).read_all();
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  ASSERT_EQ(snapshot.employees.size(), 1u);
  EXPECT_EQ(snapshot.employees[0].department, "");
  ASSERT_EQ(snapshot.refused.size(), 2u);
  EXPECT_EQ(snapshot.refused[0].field, "department");
  EXPECT_EQ(snapshot.refused[0].reason, "audio: not valid UTF-8");
  EXPECT_EQ(snapshot.refused[1].field, "account_flags");
  EXPECT_EQ(snapshot.refused[1].reason, "carLicense: not an integer");
  EXPECT_EQ(snapshot.refused[0].account, "binary");
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
