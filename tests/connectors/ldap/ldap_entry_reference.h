// The entry mapping as it was before EntryMapper (ldap_entry.h), kept unchanged as the
// reference that the faster mapping is tested against: the same employees, warnings and
// refused values for any entry (ldap_entry_equivalence_test.cc, fuzz/ldap_entry_fuzz.cc).
// Test code only: nothing in the product calls it.
#pragma once

#include "connectors/ldap/ldap_entry.h"

namespace valtuus::ldap::reference {

MappedEntry map_entry(const RawEntry& entry, const LdapOptions& options);

// value_problem as it was: valid_utf8 first, then a pass for control characters.
std::optional<std::string> value_problem(std::string_view text);

}  // namespace valtuus::ldap::reference
