// Where the daemon gets its employees from: the DirectorySource interface, and its
// implementation over LDAP (Active Directory, or any server with AD's attribute names).
#pragma once

#include <string>
#include <vector>

#include "connectors/ldap/ldap_options.h"
#include "core/employee.h"

namespace valtuus {

// The interface the daemon uses; tests of the core and the daemon use in-memory fakes.
class DirectorySource {
 public:
  virtual ~DirectorySource() = default;

  // Reads every employee. Throws ConfigError or TransientError when no read could start
  // (connect or bind failed): a failed connect is not a snapshot. Once reading has started,
  // failures give an incomplete snapshot (complete=false, incomplete_reason) instead.
  virtual Snapshot read_all() = 0;
};

// Reads employees from a directory over LDAP: one connection per read (connect, TLS, bind,
// a paged search of each base, unbind), so a server restart or a rotated password between
// reads needs nothing special. Not thread-safe: one read at a time.
class LdapDirectorySource : public DirectorySource {
 public:
  // Throws ConfigError if `options` are invalid (see validate in ldap_options.h).
  explicit LdapDirectorySource(LdapOptions options);

  // The snapshot is complete only if every page of every base ended in success. Entries
  // without a usable key or sAMAccountName are skipped and listed in last_warnings().
  Snapshot read_all() override;

  // Warnings of the last read_all: skipped entries and partly read values, each naming the
  // entry's DN (never a value). Cleared at the start of each read.
  const std::vector<std::string>& last_warnings() const { return warnings_; }

 private:
  LdapOptions options_;
  std::vector<std::string> warnings_;
};

}  // namespace valtuus
