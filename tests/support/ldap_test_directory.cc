#include "tests/support/ldap_test_directory.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <stdexcept>

#include "connectors/ldap/ldap_errors.h"
#include "connectors/ldap/ldap_paged_search.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {

namespace {

std::string ldap_failure(LDAP* ld, int rc, const std::string& what) {
  return what + ": " + ldap::describe(rc, ldap::diagnostic_of(ld));
}

void push(LdapAttributes& attributes, const char* name, const std::string& value) {
  if (!value.empty()) attributes.emplace_back(name, std::vector<std::string>{value});
}

}  // namespace

std::string test_guid(std::uint32_t n) {
  std::string bytes(16, '\0');
  for (int i = 0; i < 4; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<char>(n >> (8 * i));
  for (std::size_t i = 4; i < 16; ++i) bytes[i] = static_cast<char>(0xa0 + i);
  return bytes;
}

LdapOptions LdapTestDirectory::admin_options() {
  const TestEnv& env = test_env();
  LdapOptions o;
  o.uri = env.get("VALTUUS_TEST_LDAP_URI");
  o.bind_dn = env.get("VALTUUS_TEST_LDAP_ADMIN_DN");
  o.password_file = env.get("VALTUUS_TEST_LDAP_ADMIN_PASSWORD_FILE");
  o.ca_file = env.get("VALTUUS_TEST_LDAP_CA_FILE");
  o.bases = {env.get("VALTUUS_TEST_LDAP_BASE")};
  return o;
}

LdapOptions LdapTestDirectory::reader_options() const {
  const TestEnv& env = test_env();
  LdapOptions o = admin_options();
  o.bind_dn = env.get("VALTUUS_TEST_LDAP_READER_DN");
  o.password_file = env.get("VALTUUS_TEST_LDAP_READER_PASSWORD_FILE");
  o.bases = {base_};
  return o;
}

LdapTestDirectory::LdapTestDirectory(const std::string& name) {
  const LdapOptions admin = admin_options();
  admin_ = ldap::connect_and_bind(admin, ldap::simple_bind(admin));
  const std::string ou = "t-" + name + "-" + std::to_string(::getpid());
  base_ = "ou=" + ou + "," + admin.bases.front();
  remove_subtree(base_);
  add(base_, {{"objectClass", {"top", "organizationalUnit"}}, {"ou", {ou}}});
}

LdapTestDirectory::~LdapTestDirectory() {
  try {
    remove_subtree(base_);
  } catch (const std::exception& e) {
    std::cerr << "LdapTestDirectory: could not remove " << base_ << ": " << e.what() << "\n";
  }
}

std::string LdapTestDirectory::add_ou(const std::string& name, const std::string& parent) {
  const std::string dn = "ou=" + name + "," + (parent.empty() ? base_ : parent);
  add(dn, {{"objectClass", {"top", "organizationalUnit"}}, {"ou", {name}}});
  return dn;
}

std::string LdapTestDirectory::add_user(const TestUser& user, const std::string& parent) {
  const std::string dn = "cn=" + user.account + "," + (parent.empty() ? base_ : parent);
  LdapAttributes a = {
      {"objectClass", {"top", "person", "organizationalPerson", "inetOrgPerson", "user"}},
      {"cn", {user.account}},
      {"sn", {user.surname.empty() ? user.account : user.surname}},
      {"objectCategory", {"person"}},
      {"objectGUID", {user.guid_bytes.empty() ? test_guid(next_guid_++) : user.guid_bytes}},
  };
  if (user.with_account) push(a, "sAMAccountName", user.account);
  push(a, "givenName", user.given_name);
  push(a, "displayName", user.display_name);
  push(a, "mail", user.mail);
  push(a, "department", user.department);
  push(a, "title", user.title);
  push(a, "employeeID", user.employee_id);
  push(a, "manager", user.manager);
  push(a, "userAccountControl", user.user_account_control);
  push(a, "accountExpires", user.account_expires);
  push(a, "extensionAttribute1", user.long_leave);
  push(a, "valtuusIdentityCode", user.identity_code);
  if (!user.groups.empty()) a.emplace_back("memberOf", user.groups);
  add(dn, a);
  return dn;
}

void LdapTestDirectory::add(const std::string& dn, const LdapAttributes& attributes) {
  // libldap wants NULL-terminated arrays of pointers; these vectors own what they point to.
  std::vector<std::vector<berval>> values(attributes.size());
  std::vector<std::vector<berval*>> value_ptrs(attributes.size());
  std::vector<LDAPMod> mods(attributes.size());
  std::vector<LDAPMod*> mod_ptrs;
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    for (const auto& v : attributes[i].second) {
      values[i].push_back(berval{static_cast<ber_len_t>(v.size()), const_cast<char*>(v.data())});
    }
    for (auto& bv : values[i]) value_ptrs[i].push_back(&bv);
    value_ptrs[i].push_back(nullptr);
    mods[i].mod_op = LDAP_MOD_ADD | LDAP_MOD_BVALUES;
    mods[i].mod_type = const_cast<char*>(attributes[i].first.c_str());
    mods[i].mod_bvalues = value_ptrs[i].data();
    mod_ptrs.push_back(&mods[i]);
  }
  mod_ptrs.push_back(nullptr);
  const int rc = ldap_add_ext_s(admin_.get(), dn.c_str(), mod_ptrs.data(), nullptr, nullptr);
  if (rc != LDAP_SUCCESS) throw std::runtime_error(ldap_failure(admin_.get(), rc, "add " + dn));
}

void LdapTestDirectory::modify(const std::string& dn, const std::string& attribute,
                               const std::vector<std::string>& values) {
  std::vector<berval> bvs;
  for (const auto& v : values) {
    bvs.push_back(berval{static_cast<ber_len_t>(v.size()), const_cast<char*>(v.data())});
  }
  std::vector<berval*> ptrs;
  for (auto& bv : bvs) ptrs.push_back(&bv);
  ptrs.push_back(nullptr);
  LDAPMod mod{};
  mod.mod_op = LDAP_MOD_REPLACE | LDAP_MOD_BVALUES;
  mod.mod_type = const_cast<char*>(attribute.c_str());
  mod.mod_bvalues = ptrs.data();
  LDAPMod* mods[] = {&mod, nullptr};
  const int rc = ldap_modify_ext_s(admin_.get(), dn.c_str(), mods, nullptr, nullptr);
  if (rc != LDAP_SUCCESS) throw std::runtime_error(ldap_failure(admin_.get(), rc, "modify " + dn));
}

void LdapTestDirectory::remove_subtree(const std::string& dn) {
  ldap::SearchRequest request;
  request.uri = "test directory";
  request.base = dn;
  request.filter = "(objectClass=*)";
  request.attributes = {"1.1"};  // no attributes, DNs only
  std::vector<std::string> dns;
  const auto outcome =
      ldap::paged_search(admin_.get(), request, [&](ldap::RawEntry&& e) { dns.push_back(e.dn); });
  if (!outcome.complete && dns.empty()) return;  // nothing there (no such object)
  // A child's DN ends with its parent's and is longer: delete the longest first.
  std::sort(dns.begin(), dns.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& d : dns) {
    const int rc = ldap_delete_ext_s(admin_.get(), d.c_str(), nullptr, nullptr);
    if (rc != LDAP_SUCCESS && rc != LDAP_NO_SUCH_OBJECT) {
      throw std::runtime_error(ldap_failure(admin_.get(), rc, "delete " + d));
    }
  }
}

}  // namespace valtuus::testing
