// Who is logging in: checked against the directory (connectors/ldap's LdapAuthenticator) or,
// in tests, a fixed list. The console never sees how.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace valtuus {

struct DirectoryPerson {
  std::string account;  // sAMAccountName as the directory spells it
  std::string display_name;
  std::string language;             // preferredLanguage (fi, sv, en), or empty
  std::vector<std::string> groups;  // memberOf DNs
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The person when `password` is theirs; nullopt for an unknown account or a wrong password
  // (the same answer for both). Throws TransientError when the directory cannot be reached.
  virtual std::optional<DirectoryPerson> authenticate(const std::string& account,
                                                      const std::string& password) = 0;
  // The person as the directory has them, for a login the reverse proxy already checked
  // (single sign-on); nullopt for an unknown, ambiguous or disabled account.
  virtual std::optional<DirectoryPerson> lookup(const std::string& account) = 0;
};

}  // namespace valtuus
