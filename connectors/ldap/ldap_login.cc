#include "connectors/ldap/ldap_login.h"

#include <strings.h>

#include "connectors/ldap/ldap_errors.h"
#include "connectors/ldap/ldap_filter.h"
#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_values.h"

namespace valtuus::ldap {

namespace {

std::vector<std::string> values_of(LDAP* ld, LDAPMessage* entry, const std::string& attribute) {
  std::vector<std::string> out;
  if (attribute.empty()) return out;
  ValuesPtr values(ldap_get_values_len(ld, entry, attribute.c_str()));
  if (!values) return out;
  for (berval** v = values.get(); *v; ++v) out.emplace_back((*v)->bv_val, (*v)->bv_len);
  return out;
}

std::string first_of(LDAP* ld, LDAPMessage* entry, const std::string& attribute) {
  auto values = values_of(ld, entry, attribute);
  return values.empty() ? "" : values.front();
}

// The one entry whose logon name is `account`, or nullopt when there is none or several.
std::optional<LoginPerson> find_person(const LdapOptions& options, const std::string& account) {
  SigpipeBlock sigpipe;
  LdapPtr ld = connect_and_bind(options, simple_bind(options));
  const AttributeMap& map = options.attributes;
  const std::string filter = "(&" + options.filter + equality_filter(map.account, account) + ")";
  std::vector<std::string> names{map.account, map.display_name, map.language, map.groups,
                                 map.account_control};
  std::vector<char*> attributes;
  for (auto& name : names) attributes.push_back(name.data());
  attributes.push_back(nullptr);
  timeval timeout{options.operation_timeout_s, 0};
  std::optional<LoginPerson> found;
  for (const std::string& base : options.bases) {
    LDAPMessage* raw = nullptr;
    const int rc = ldap_search_ext_s(ld.get(), base.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(),
                                     attributes.data(), 0, nullptr, nullptr, &timeout, 2, &raw);
    MessagePtr result(raw);
    if (rc == LDAP_SIZELIMIT_EXCEEDED) return std::nullopt;  // ambiguous: refuse
    if (rc == LDAP_NO_SUCH_OBJECT) continue;
    if (rc != LDAP_SUCCESS) throw_ldap_error(ld.get(), rc, options.uri, "search for a login");
    for (LDAPMessage* entry = ldap_first_entry(ld.get(), result.get()); entry;
         entry = ldap_next_entry(ld.get(), entry)) {
      if (found) return std::nullopt;  // the same name in two bases: refuse
      LdapString dn(ldap_get_dn(ld.get(), entry));
      LoginPerson person;
      person.dn = dn ? dn.get() : "";
      person.account = first_of(ld.get(), entry, map.account);
      person.display_name = first_of(ld.get(), entry, map.display_name);
      person.language = first_of(ld.get(), entry, map.language);
      person.groups = values_of(ld.get(), entry, map.groups);
      const auto control = parse_int64(first_of(ld.get(), entry, map.account_control));
      if (control && (*control & 0x2)) return std::nullopt;  // disabled
      if (person.dn.empty()) return std::nullopt;
      found = std::move(person);
    }
  }
  return found;
}

struct WrongPassword {};

}  // namespace

LdapLogin::LdapLogin(LdapOptions options) : options_(std::move(options)) {}

std::optional<LoginPerson> LdapLogin::check(const std::string& account,
                                            const std::string& password) const {
  // An empty password would make a simple bind "unauthenticated" (RFC 4513 5.1.2), which
  // many servers accept: never let one through.
  if (account.empty() || password.empty()) return std::nullopt;
  std::optional<LoginPerson> person = find_person(options_, account);
  if (!person) return std::nullopt;
  const std::string dn = person->dn;
  try {
    SigpipeBlock sigpipe;
    LdapPtr ld = connect_and_bind(options_, [&](LDAP* handle) {
      std::string secret = password;
      berval credentials{static_cast<ber_len_t>(secret.size()), secret.data()};
      const int rc = ldap_sasl_bind_s(handle, dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr,
                                      nullptr, nullptr);
      explicit_bzero(secret.data(), secret.size());
      if (rc == LDAP_INVALID_CREDENTIALS) throw WrongPassword{};
      if (rc != LDAP_SUCCESS) throw_ldap_error(handle, rc, options_.uri, "bind of a login");
    });
  } catch (const WrongPassword&) {
    return std::nullopt;
  }
  return person;
}

std::optional<LoginPerson> LdapLogin::find(const std::string& account) const {
  if (account.empty()) return std::nullopt;
  return find_person(options_, account);
}

}  // namespace valtuus::ldap
