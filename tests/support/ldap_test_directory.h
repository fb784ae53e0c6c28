// A private subtree of the test slapd for one test: created as the admin under
// VALTUUS_TEST_LDAP_BASE as ou=t-<name>-<pid>, filled by the test, removed afterwards. Tests
// that run in parallel each get their own subtree, so they never see each other's entries.
// Not thread-safe. Failures throw std::runtime_error saying what failed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_options.h"

namespace valtuus::testing {

// Attribute names with their values (binary values allowed).
using LdapAttributes = std::vector<std::pair<std::string, std::vector<std::string>>>;

// A person with Active Directory's attributes, as the ad-lite test schema holds them.
// Empty fields are left out of the entry. Every member has an initialiser, so tests can name
// only the fields they need ({.account = "x", .title = "y"}) without -Wmissing-field-initializers.
struct TestUser {
  std::string account{};     // sAMAccountName, also the RDN (cn=<account>); required
  std::string guid_bytes{};  // objectGUID (16 bytes); empty: test_guid(n) for a fresh n
  std::string given_name{};
  std::string surname{};  // sn; defaults to the account (inetOrgPerson requires one)
  std::string display_name{};
  std::string mail{};
  std::string department{};
  std::string title{};
  std::string employee_id{};
  std::string manager{};                     // a DN
  std::vector<std::string> groups{};         // memberOf DNs
  std::string user_account_control = "512";  // NORMAL_ACCOUNT; "514" is disabled
  std::string account_expires = "0";         // AD ticks; 0 = never
  std::string long_leave{};                  // extensionAttribute1
  std::string identity_code{};               // valtuusIdentityCode
  bool with_account = true;                  // false: leave sAMAccountName out
};

// 16 deterministic GUID bytes for a number: distinct numbers give distinct GUIDs.
std::string test_guid(std::uint32_t n);

class LdapTestDirectory {
 public:
  // Connects as the admin (over ldaps:// with the test CA) and creates the subtree, first
  // removing one left behind by an earlier run with the same name and pid.
  explicit LdapTestDirectory(const std::string& name);
  ~LdapTestDirectory();  // removes the subtree; never throws
  LdapTestDirectory(const LdapTestDirectory&) = delete;
  LdapTestDirectory& operator=(const LdapTestDirectory&) = delete;

  const std::string& base() const { return base_; }

  // Adds ou=<name> under `parent` (default: base()); returns its DN.
  std::string add_ou(const std::string& name, const std::string& parent = "");

  // Adds the user as cn=<account> under `parent` (default: base()); returns its DN.
  std::string add_user(const TestUser& user, const std::string& parent = "");

  // Adds any entry.
  void add(const std::string& dn, const LdapAttributes& attributes);

  // Replaces the values of `attribute` of `dn` (no values: removes the attribute).
  void modify(const std::string& dn, const std::string& attribute,
              const std::vector<std::string>& values);

  // Deletes `dn` and everything under it.
  void remove_subtree(const std::string& dn);

  // Options for reading base() as the reader account over ldaps:// with the test CA.
  LdapOptions reader_options() const;

  // Options for the admin account over ldaps:// (for tests of the connection itself).
  static LdapOptions admin_options();

 private:
  ldap::LdapPtr admin_;
  std::string base_;
  std::uint32_t next_guid_ = 1;
};

}  // namespace valtuus::testing
