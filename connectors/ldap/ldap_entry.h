// One directory entry as read (DN and raw attribute values), and its mapping to an Employee.
// The mapping is pure, so every rule about keys, bad values and AD's encodings is tested
// without a server (tests/connectors/ldap/ldap_entry_test.cc).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
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

// One entry as decoded, without copies: the DN, names and values point into the search result
// message it came from (or into a RawEntry), so a view lives no longer than that. Reused from
// one entry to the next (clear keeps the capacity): reading an entry allocates nothing here.
struct EntryView {
  struct Attribute {
    std::string_view name;
    std::size_t first = 0;  // its values are values[first, first + count)
    std::size_t count = 0;
  };
  std::string_view dn;
  std::vector<Attribute> attributes;
  std::vector<std::string_view> values;

  void clear() {
    dn = {};
    attributes.clear();
    values.clear();
  }
  std::span<const std::string_view> values_of(const Attribute& a) const {
    return {values.data() + a.first, a.count};
  }
  // Views of `entry`'s texts (which must outlive this view's use).
  void assign(const RawEntry& entry);
  // An owning copy, for an entry kept beyond its message (range retrieval).
  RawEntry to_raw() const;
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

// map_entry for a whole read: the attribute names are matched once per entry (not looked up
// per field), and each employee is built in place at the end of the caller's vector. Same
// rules, same results, same warnings and refused values in the same order as map_entry.
// Not thread-safe (it remembers the managers' DNs it has checked); one per read.
class EntryMapper {
 public:
  explicit EntryMapper(const LdapOptions& options);
  // Appends the employee to `out` unless the entry is refused as a whole; appends warnings and
  // refused values to theirs. Returns whether an employee was appended.
  bool map(const EntryView& entry, std::vector<Employee>& out, std::vector<std::string>& warnings,
           std::vector<RefusedValue>& refused);

  // The Employee fields read from attributes, each with the option naming its attribute.
  enum Field : std::size_t {
    kKey,
    kAccount,
    kGivenName,
    kSurname,
    kDisplayName,
    kMail,
    kDepartment,
    kTitle,
    kManager,
    kLongLeave,
    kIdentityCode,
    kLanguage,
    kGroups,
    kAccountControl,
    kAccountExpires,
    kFieldCount
  };

 private:
  friend class EntryMapping;
  const LdapOptions& options_;
  std::array<const std::string*, kFieldCount> attribute_{};  // the configured names
  std::vector<std::string_view> names_;                      // distinct, compared nocase
  std::array<int, kFieldCount> name_of_{};                   // index in names_; -1: unmapped
  // Which names_ an attribute description matches, as bits of names_' indexes: exactly
  // (without regard to case) or in AD's ranged form. Remembered by position in the entry, as
  // the last description seen there: a server sends every entry's attributes in much the same
  // order, so matching is then one comparison per attribute.
  struct NameMatch {
    std::string description;
    std::uint32_t exact = 0, ranged = 0;
    bool known = false;
  };
  const NameMatch& match(std::size_t position, std::string_view description);
  std::vector<NameMatch> by_position_;
  // Managers' DNs that parsed, as pooled (SharedText's texts live as long as the process):
  // a manager has many reports, and parsing the DN again for each cost as much as the rest.
  std::unordered_set<std::string_view> good_managers_;
  SharedTextCache shared_;  // the shared fields' values, found again without the pool's lock
};

}  // namespace valtuus::ldap
