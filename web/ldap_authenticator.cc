#include "web/ldap_authenticator.h"

namespace valtuus {

namespace {

std::optional<DirectoryPerson> from_directory(const std::optional<ldap::LoginPerson>& person) {
  if (!person) return std::nullopt;
  // "sv-FI" counts as sv, as for notifications.
  std::string language = person->language.substr(0, 2);
  return DirectoryPerson{person->account, person->display_name, language, person->groups};
}

}  // namespace

std::optional<DirectoryPerson> LdapAuthenticator::authenticate(const std::string& account,
                                                               const std::string& password) {
  return from_directory(login_.check(account, password));
}

std::optional<DirectoryPerson> LdapAuthenticator::lookup(const std::string& account) {
  return from_directory(login_.find(account));
}

}  // namespace valtuus
