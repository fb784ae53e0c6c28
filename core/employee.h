// An employee as read from the directory, and a snapshot of one directory read.
// Plain values: no behaviour beyond small queries, safe to copy between threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

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
  std::string department;
  std::string title;
  std::string ou;  // the entry's parent OU, from the DN ("OU=People,DC=..." → "People")
  std::vector<std::string> groups;  // memberOf DNs
  std::string manager;              // manager DN
  // The language of notifications to the person: "fi", "sv", "en"; "" when unknown.
  std::string preferred_language;
  bool disabled = false;                     // userAccountControl bit 0x2
  std::optional<TimePoint> account_expires;  // absent: never expires
  std::string long_leave_marker;             // the configured long-leave attribute's value, if any
  std::string identity_code;  // personal identity code (HETU); sensitive: never log or print it
  std::vector<std::string> bad_fields;  // fields whose directory value was rejected (see connector)
};

// One read of the directory. `complete` is the connector's promise that every entry under
// the configured bases was returned; an incomplete snapshot must never lead to revocations.
struct Snapshot {
  std::vector<Employee> employees;
  bool complete = false;
  std::string incomplete_reason;  // why not complete; empty when complete
  TimePoint read_at{};
  std::string source;  // which directory (URI), for provenance
};

}  // namespace valtuus
