// libFuzzer target for the mapping of directory entries to employees (EntryMapper, the read's
// fast path) against the mapping it replaced (tests/connectors/ldap/ldap_entry_reference.h):
// for any entry a hostile or broken server could send, the same employee, the same warnings and
// the same refused values, so that a value refused before is refused now, for the same reason.
// One mapper per option set lives across inputs, as one lives across a read's entries.
//
// Input: byte 0 picks the options; then records of [kind][length][bytes]:
//   kind % 4 == 0  the DN           1  an attribute named by the bytes
//   2  an attribute named from a table (length is the index, no bytes)
//   3  a value of the last attribute
//
//   ldap_entry_fuzz -max_len=8192 corpus/ fuzz/corpus/ldap_entry_fuzz
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "connectors/ldap/ldap_entry.h"
#include "tests/connectors/ldap/ldap_entry_reference.h"

namespace {

namespace ldap = valtuus::ldap;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::vector<valtuus::LdapOptions> make_option_sets() {
  std::vector<valtuus::LdapOptions> sets(4);
  sets[1].long_leave_attribute = "extensionAttribute1";
  sets[1].identity_code_attribute = "valtuusIdentityCode";
  sets[2].key_attribute = "employeeID";
  sets[2].attributes.mail = "SN";
  sets[2].attributes.manager.clear();
  sets[3].attributes.groups.clear();
  sets[3].attributes.department = "memberOf";
  return sets;
}

const char* const kNames[] = {"objectGUID",
                              "sAMAccountName",
                              "givenName",
                              "sn",
                              "displayName",
                              "mail",
                              "department",
                              "title",
                              "manager",
                              "preferredLanguage",
                              "memberOf",
                              "userAccountControl",
                              "accountExpires",
                              "employeeID",
                              "extensionAttribute1",
                              "valtuusIdentityCode",
                              "MEMBEROF;range=0-1",
                              "memberOf;range=0-*",
                              "department;range=0-0",
                              "memberOf;binary",
                              "OBJECTguid",
                              "Sn"};

void check_same(const ldap::MappedEntry& a, const ldap::MappedEntry& b) {
  check(a.employee.has_value() == b.employee.has_value());
  check(a.warnings == b.warnings);
  check(a.refused.size() == b.refused.size());
  for (std::size_t i = 0; i < a.refused.size(); ++i) {
    check(a.refused[i].dn == b.refused[i].dn && a.refused[i].key == b.refused[i].key &&
          a.refused[i].account == b.refused[i].account &&
          a.refused[i].field == b.refused[i].field && a.refused[i].reason == b.refused[i].reason);
  }
  if (!a.employee) return;
  const valtuus::Employee& x = *a.employee;
  const valtuus::Employee& y = *b.employee;
  check(x.key == y.key && x.account == y.account && x.dn == y.dn && x.given_name == y.given_name &&
        x.surname == y.surname && x.display_name == y.display_name && x.mail == y.mail);
  check(x.department == y.department && x.title == y.title && x.ou == y.ou &&
        x.groups == y.groups && x.manager == y.manager &&
        x.preferred_language == y.preferred_language);
  check(x.disabled == y.disabled && x.account_expires == y.account_expires &&
        x.long_leave_marker == y.long_leave_marker && x.identity_code == y.identity_code &&
        x.bad_fields == y.bad_fields);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<valtuus::LdapOptions> options = make_option_sets();
  static std::vector<ldap::EntryMapper> mappers(options.begin(), options.end());
  if (size == 0) return 0;
  const std::size_t set = data[0] % options.size();
  ldap::RawEntry entry;
  std::size_t i = 1;
  while (i + 2 <= size) {
    const std::uint8_t kind = data[i] % 4;
    const std::size_t length = data[i + 1];
    i += 2;
    if (kind == 2) {
      entry.attributes.emplace_back(kNames[length % std::size(kNames)], std::vector<std::string>{});
      continue;
    }
    const std::size_t n = std::min(length, size - i);
    const std::string bytes(reinterpret_cast<const char*>(data) + i, n);
    i += n;
    if (kind == 0) {
      entry.dn = bytes;
    } else if (kind == 1) {
      entry.attributes.emplace_back(bytes, std::vector<std::string>{});
    } else {
      if (entry.attributes.empty())
        entry.attributes.emplace_back("memberOf", std::vector<std::string>{});
      entry.attributes.back().second.push_back(bytes);
    }
  }
  const ldap::MappedEntry expected = ldap::reference::map_entry(entry, options[set]);
  ldap::MappedEntry actual;
  ldap::EntryView view;
  view.assign(entry);
  std::vector<valtuus::Employee> out;
  if (mappers[set].map(view, out, actual.warnings, actual.refused)) {
    check(out.size() == 1);
    actual.employee = std::move(out.front());
  } else {
    check(out.empty());
  }
  check_same(expected, actual);
  return 0;
}
