#include "web/ldap_authenticator.h"

namespace valtuus {

std::optional<DirectoryPerson> LdapAuthenticator::authenticate(const std::string& account,
                                                               const std::string& password) {
  auto person = login_.check(account, password);
  if (!person) return std::nullopt;
  // "sv-FI" counts as sv, as for notifications.
  std::string language = person->language.substr(0, 2);
  return DirectoryPerson{person->account, person->display_name, language, person->groups};
}

}  // namespace valtuus
