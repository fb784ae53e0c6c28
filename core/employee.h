// An employee as read from the directory, and a snapshot of one directory read.
// Plain values: no behaviour beyond small queries, safe to copy between threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/compact_text.h"

namespace valtuus {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::sys_seconds;

struct Employee {
  std::string key;           // stable identity (objectGUID in canonical form, or employeeID)
  std::string account;       // sAMAccountName
  std::string dn;            // distinguished name as read
  std::string given_name;    // givenName
  std::string surname;       // sn
  std::string display_name;  // displayName
  std::string mail;
  // Values many people share are kept once however many have them (core/compact_text.h): at
  // 100,000 people a string each was a fifth of the snapshot.
  SharedText department;
  SharedText title;
  SharedText ou;  // the entry's parent OU, from the DN ("OU=People,DC=..." → "People")
  // memberOf DNs, each kept once however many people are members (there are tens a person).
  std::vector<SharedText> groups;
  SharedText manager;  // manager DN (a manager has many reports)
  // The language of notifications to the person: "fi", "sv", "en"; "" when unknown.
  SharedText preferred_language;
  bool disabled = false;                     // userAccountControl bit 0x2
  std::optional<TimePoint> account_expires;  // absent: never expires
  SharedText long_leave_marker;              // the configured long-leave attribute's value, if any
  std::string identity_code;  // personal identity code (HETU); sensitive: never log or print it
  std::vector<std::string> bad_fields;  // fields whose directory value was rejected (see connector)
};

// A value the connector refused (or an entry it could not use at all), as the run records and
// logs it. Never a value: a refused value may be an identity code, or carry control characters
// that would forge a log line or hide text from a reviewer.
struct RefusedValue {
  std::string dn;       // the entry's DN as read (the server guarantees a valid DN string)
  std::string key;      // the employee key when it was readable, else ""
  std::string account;  // the account when it was readable, else ""
  // The Employee field: "key", "account", "department", "title", "groups", "ou",
  // "account_flags", "account_expires", "long_leave", "identity_code", "given_name", ...
  std::string field;
  std::string reason;  // e.g. "title: longer than 4096 bytes"; names the attribute, never a value
};

// Whether a refused `field` decides what the person needs or whether they left; such a person is
// treated as not read at all (DESIGN.md invariant 9). A refused mail or display name only
// blanks that field.
bool refuses_person(const RefusedValue& refused);

// One read of the directory. `complete` is the connector's promise that every entry under
// the configured bases was returned; an incomplete snapshot must never lead to revocations.
struct Snapshot {
  std::vector<Employee> employees;
  bool complete = false;
  std::string incomplete_reason;  // why not complete; empty when complete
  TimePoint read_at{};
  std::string source;  // which directory (URI), for provenance
  // Every value the connector refused in this read, one per entry and field.
  std::vector<RefusedValue> refused{};
};

// Entries (distinct DNs, compared without regard to case) with a refused value.
std::size_t refused_entry_count(const std::vector<RefusedValue>& refused);

}  // namespace valtuus
