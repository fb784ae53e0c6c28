// The private Samba AD DC of the test suite (scripts/samba-dc, CTest fixture "samba"): its
// settings from $VALTUUS_SAMBA_ENV, connector options for its reader account, and changes made
// as Administrator. Failures throw std::runtime_error saying what failed, so that a test
// without its DC fails (never skips).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_options.h"

namespace valtuus::testing {

class SambaDirectory {
 public:
  // Reads the env file named by $VALTUUS_SAMBA_ENV and connects as Administrator over LDAPS.
  SambaDirectory();

  // A value of the env file; throws naming the key when missing.
  const std::string& get(const std::string& key) const;
  std::string base() const { return get("VALTUUS_SAMBA_BASE"); }
  std::string staff() const { return "OU=Staff," + base(); }

  // The connector's options: the non-admin reader over LDAPS with the DC's test CA.
  LdapOptions reader_options(const std::string& search_base) const;

  // Changes as Administrator.
  void add_user(const std::string& cn, const std::string& account,
                const std::vector<std::pair<std::string, std::string>>& extra = {});
  void replace(const std::string& dn, const std::string& attribute, const std::string& value);
  void remove(const std::string& dn);

  // Restores the DC's data as scripts/samba-dc start loaded it (stop, copy back, start).
  void reset() const;

  // `samba-tool user show ACCOUNT --attributes=ATTRIBUTE`: Samba's own rendering of a value.
  std::string samba_tool_show(const std::string& account, const std::string& attribute) const;

 private:
  std::map<std::string, std::string> env_;
  ldap::SigpipeBlock sigpipe_;  // reset() restarts the DC under the admin connection
  ldap::LdapPtr admin_;
};

}  // namespace valtuus::testing
