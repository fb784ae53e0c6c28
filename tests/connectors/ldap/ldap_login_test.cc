// Logins of people against the private slapd (the web console's LdapLogin): the service
// account finds the entry, the person binds with their own password over TLS.
#include "connectors/ldap/ldap_login.h"

#include <gtest/gtest.h>

#include "tests/support/ldap_test_directory.h"

namespace valtuus {
namespace {

class LdapLoginTest : public ::testing::Test {
 protected:
  LdapLoginTest() : dir_("login") {
    anna_dn_ = dir_.add_user({.account = "anna",
                              .display_name = "Anna Aalto",
                              .groups = {"cn=Reviewers,ou=groups,dc=valtuus,dc=test"}});
    dir_.modify(anna_dn_, "userPassword", {"right horse"});
    dir_.modify(anna_dn_, "preferredLanguage", {"sv-FI"});
    const std::string ville = dir_.add_user({.account = "ville", .user_account_control = "514"});
    dir_.modify(ville, "userPassword", {"disabled one"});
    // Two entries whose logon names an escaped filter keeps apart from "*" and "a*".
    const std::string star = dir_.add_user({.account = "a*"});
    dir_.modify(star, "userPassword", {"star"});
  }

  std::optional<ldap::LoginPerson> check(const std::string& account, const std::string& password) {
    return ldap::LdapLogin(dir_.reader_options()).check(account, password);
  }

  testing::LdapTestDirectory dir_;
  std::string anna_dn_;
};

TEST_F(LdapLoginTest, TheRightPasswordGivesThePersonWithGroupsAndLanguage) {
  const auto person = check("anna", "right horse");
  ASSERT_TRUE(person);
  EXPECT_EQ(person->account, "anna");
  EXPECT_EQ(person->display_name, "Anna Aalto");
  EXPECT_EQ(person->language, "sv-FI");
  EXPECT_EQ(person->groups, std::vector<std::string>{"cn=Reviewers,ou=groups,dc=valtuus,dc=test"});
  EXPECT_EQ(person->dn, anna_dn_);
}

TEST_F(LdapLoginTest, AWrongEmptyOrUnknownLoginGivesNothing) {
  EXPECT_FALSE(check("anna", "wrong horse"));
  EXPECT_FALSE(check("anna", ""));  // an unauthenticated bind would succeed: never tried
  EXPECT_FALSE(check("", "right horse"));
  EXPECT_FALSE(check("nobody", "right horse"));
}

TEST_F(LdapLoginTest, FilterCharactersInTheAccountMatchOnlyThemselves) {
  EXPECT_FALSE(check("*", "right horse"));   // not "anyone"
  EXPECT_FALSE(check("a*", "right horse"));  // only the entry literally named a*
  const auto star = check("a*", "star");
  ASSERT_TRUE(star);
  EXPECT_EQ(star->account, "a*");
  EXPECT_FALSE(check("anna)(cn=*", "right horse"));
}

TEST_F(LdapLoginTest, ADisabledAccountCannotLogIn) {
  EXPECT_FALSE(check("ville", "disabled one"));
}

TEST_F(LdapLoginTest, SingleSignOnFindsThePersonWithoutAPassword) {
  const ldap::LdapLogin login(dir_.reader_options());
  ASSERT_TRUE(login.find("anna"));
  EXPECT_EQ(login.find("anna")->display_name, "Anna Aalto");
  EXPECT_FALSE(login.find("ville"));  // disabled
  EXPECT_FALSE(login.find("*"));
  EXPECT_FALSE(login.find(""));
}

}  // namespace
}  // namespace valtuus
