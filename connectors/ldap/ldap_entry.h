// One directory entry as read (DN and raw attribute values), and its mapping to an Employee.
// The mapping is pure, so every rule about keys, bad values and AD's encodings is tested
// without a server (tests/connectors/ldap/ldap_entry_test.cc).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/ldap/ldap_options.h"
#include "core/employee.h"

namespace valtuus::ldap {

// Attribute names as the server sent them, each with its raw (possibly binary) values.
struct RawEntry {
  std::string dn;
  std::vector<std::pair<std::string, std::vector<std::string>>> attributes;

  // The values of `name` (matched without regard to case), or nullptr when absent. Also
  // finds AD's ranged form "name;range=0-1499"; `ranged` (if given) is set when it did.
  const std::vector<std::string>* find(std::string_view name, bool* ranged = nullptr) const;
};

// The result of mapping one entry: an employee, or nothing and a warning saying why the
// entry was skipped. Warnings name the DN and the attribute, never a value (a value could be
// an identity code).
struct MappedEntry {
  std::optional<Employee> employee;
  std::vector<std::string> warnings;
  // Every refused value (also of an entry refused as a whole), for Snapshot::refused.
  std::vector<RefusedValue> refused{};
};

// The attributes a search must request for map_entry: those of options.attributes, the key
// attribute and the optional long-leave and identity-code attributes, without duplicates. With
// a range_window, the groups attribute is asked for as "<name>;range=0-<window - 1>".
std::vector<std::string> requested_attributes(const LdapOptions& options);

// Maps an entry to an Employee. Rules:
// - Attribute names come from options.attributes (AD's by default); an empty name leaves the
//   field empty.
// - Surrounding white space (core/text_fold.h's trim_space: TAB and Unicode spaces included)
//   is no part of a text value; what is left must be acceptable_value.
// - The key (options.key_attribute; objectGUID as format_object_guid), the account
//   (sAMAccountName) and the DN must be present and acceptable, or the entry is skipped with a
//   warning and listed in `refused` (with the key and account when they were readable).
// - Any other value that is not acceptable_value (bad UTF-8, control characters, too long)
//   leaves its field empty, adds the attribute's name to Employee::bad_fields and a
//   RefusedValue to `refused`; so does an unparsable userAccountControl or accountExpires,
//   and a memberOf still in AD's ranged form (the reader completes ranges before mapping:
//   ldap_range.h; still ranged means that failed), which also adds a warning. Whether a
//   refused field makes the whole person unread is the core's rule (refuses_person).
// - disabled = userAccountControl & 0x2; account_expires from accountExpires (AD ticks);
//   ou = parent_ou(dn); groups = all memberOf values.
MappedEntry map_entry(const RawEntry& entry, const LdapOptions& options);

}  // namespace valtuus::ldap
