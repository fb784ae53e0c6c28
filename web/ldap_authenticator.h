// The console's logins checked against the directory (connectors/ldap's LdapLogin).
#pragma once

#include "connectors/ldap/ldap_login.h"
#include "web/authenticator.h"

namespace valtuus {

class LdapAuthenticator : public Authenticator {
 public:
  explicit LdapAuthenticator(LdapOptions options) : login_(std::move(options)) {}
  std::optional<DirectoryPerson> authenticate(const std::string& account,
                                              const std::string& password) override;
  std::optional<DirectoryPerson> lookup(const std::string& account) override;

 private:
  ldap::LdapLogin login_;
};

}  // namespace valtuus
