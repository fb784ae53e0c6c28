#include "tests/connectors/ldap/samba_directory.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "connectors/ldap/ldap_errors.h"
#include "tests/support/process.h"

namespace valtuus::testing {

namespace {

std::map<std::string, std::string> read_env() {
  const char* path = std::getenv("VALTUUS_SAMBA_ENV");
  if (path == nullptr) {
    throw std::runtime_error(
        "VALTUUS_SAMBA_ENV is not set: run through ctest (fixture samba, scripts/samba-dc)");
  }
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error(std::string("cannot read ") + path +
                             ": the Samba DC did not start (see the samba_start test's output)");
  }
  std::map<std::string, std::string> env;
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return env;
}

void check(LDAP* ld, int rc, const std::string& what) {
  if (rc != LDAP_SUCCESS) {
    throw std::runtime_error(what + ": " + ldap::describe(rc, ldap::diagnostic_of(ld)));
  }
}

}  // namespace

SambaDirectory::SambaDirectory() : env_(read_env()) {
  LdapOptions admin = reader_options(base());
  admin.bind_dn = get("VALTUUS_SAMBA_ADMIN_DN");
  admin.password_file = get("VALTUUS_SAMBA_ADMIN_PASSWORD_FILE");
  admin_ = ldap::connect_and_bind(admin, ldap::simple_bind(admin));
}

const std::string& SambaDirectory::get(const std::string& key) const {
  auto it = env_.find(key);
  if (it == env_.end()) throw std::runtime_error("no " + key + " in $VALTUUS_SAMBA_ENV");
  return it->second;
}

LdapOptions SambaDirectory::reader_options(const std::string& search_base) const {
  LdapOptions o;
  o.uri = get("VALTUUS_SAMBA_LDAPS_URI");
  o.bind_dn = get("VALTUUS_SAMBA_READER_DN");
  o.password_file = get("VALTUUS_SAMBA_READER_PASSWORD_FILE");
  o.ca_file = get("VALTUUS_SAMBA_CA_FILE");
  o.bases = {search_base};
  o.operation_timeout_s = 20;
  o.retries = 0;  // a failure should show at once, not after backing off
  return o;
}

void SambaDirectory::add_user(const std::string& cn, const std::string& account,
                              const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::pair<std::string, std::string>> all = {
      {"objectClass", "user"}, {"sAMAccountName", account}, {"userAccountControl", "512"}};
  all.insert(all.end(), extra.begin(), extra.end());
  std::vector<std::vector<char*>> values(all.size());
  std::vector<LDAPMod> mods(all.size());
  std::vector<LDAPMod*> ptrs;
  for (std::size_t i = 0; i < all.size(); ++i) {
    values[i] = {all[i].second.data(), nullptr};
    mods[i].mod_op = LDAP_MOD_ADD;
    mods[i].mod_type = all[i].first.data();
    mods[i].mod_values = values[i].data();
    ptrs.push_back(&mods[i]);
  }
  ptrs.push_back(nullptr);
  const std::string dn = "CN=" + cn + "," + staff();
  check(admin_.get(), ldap_add_ext_s(admin_.get(), dn.c_str(), ptrs.data(), nullptr, nullptr),
        "add " + dn);
}

void SambaDirectory::replace(const std::string& dn, const std::string& attribute,
                             const std::string& value) {
  std::string v = value, a = attribute;
  char* values[] = {v.data(), nullptr};
  LDAPMod mod{};
  mod.mod_op = LDAP_MOD_REPLACE;
  mod.mod_type = a.data();
  mod.mod_values = values;
  LDAPMod* mods[] = {&mod, nullptr};
  check(admin_.get(), ldap_modify_ext_s(admin_.get(), dn.c_str(), mods, nullptr, nullptr),
        "modify " + dn);
}

void SambaDirectory::remove(const std::string& dn) {
  check(admin_.get(), ldap_delete_ext_s(admin_.get(), dn.c_str(), nullptr, nullptr),
        "delete " + dn);
}

void SambaDirectory::reset() const {
  const char* source = std::getenv("VALTUUS_SOURCE_DIR");
  if (source == nullptr) throw std::runtime_error("VALTUUS_SOURCE_DIR is not set");
  const auto result =
      run_process({std::string(source) + "/scripts/samba-dc", "reset", get("VALTUUS_SAMBA_DIR")});
  if (result.exit_code != 0)
    throw std::runtime_error("scripts/samba-dc reset failed: " + result.err);
}

std::string SambaDirectory::samba_tool_show(const std::string& account,
                                            const std::string& attribute) const {
  const auto result =
      run_process({"/usr/bin/samba-tool", "user", "show", account, "-s",
                   get("VALTUUS_SAMBA_DIR") + "/dc/etc/smb.conf", "--attributes=" + attribute});
  const std::string prefix = attribute + ": ";
  const auto at = result.out.find(prefix);
  if (result.exit_code != 0 || at == std::string::npos) {
    throw std::runtime_error("samba-tool user show " + account + " failed: " + result.err);
  }
  const auto end = result.out.find('\n', at);
  return result.out.substr(at + prefix.size(), end - at - prefix.size());
}

}  // namespace valtuus::testing
