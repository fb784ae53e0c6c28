// A person's login against the directory, for the web console: the service account finds the
// person's entry by their logon name (sAMAccountName, escaped per RFC 4515) under the
// configured bases, then a second connection binds as that entry with the password given.
// Both connections use the directory's TLS settings. A disabled account (userAccountControl
// bit 0x2) cannot log in even where the server would let it bind (slapd).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connectors/ldap/ldap_options.h"

namespace valtuus::ldap {

struct LoginPerson {
  std::string dn;
  std::string account;  // as the directory spells it
  std::string display_name;
  std::string language;             // the language attribute's value, or empty
  std::vector<std::string> groups;  // memberOf DNs (one page of values: AD sends 1500)
};

class LdapLogin {
 public:
  explicit LdapLogin(LdapOptions options);

  // The person when `password` is theirs; nullopt for an empty account or password, an
  // unknown or ambiguous account, a disabled account or a wrong password (one answer for all,
  // so the page tells a guesser nothing). Throws TransientError when the directory cannot be
  // reached and ConfigError when the service account cannot search.
  std::optional<LoginPerson> check(const std::string& account, const std::string& password) const;

  // The entry of `account` without a password, for a login a trusted reverse proxy checked;
  // nullopt when unknown, ambiguous or disabled.
  std::optional<LoginPerson> find(const std::string& account) const;

 private:
  LdapOptions options_;
};

}  // namespace valtuus::ldap
