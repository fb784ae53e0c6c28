// Where the daemon gets its employees from: the interface every directory connector implements
// (connectors/ldap: Active Directory over LDAP) and tests replace with an in-memory fake
// (tests/support/fake_directory.h). Declared in the core, with the values it returns, so that
// the daemon's pipeline and its tests need no connector to name it.
#pragma once

#include "core/directory_changes.h"
#include "core/employee.h"

namespace valtuus {

class DirectorySource {
 public:
  virtual ~DirectorySource() = default;

  // Reads every employee, and the watermark taken just before the read began (so that a change
  // made during the read is seen by the next read_changes). Throws ConfigError or
  // TransientError when no read could start (connect or bind failed): a failed connect is not
  // a snapshot. Once reading has started, failures give an incomplete snapshot
  // (complete=false, incomplete_reason) instead; so does a read whose size is implausible
  // given `hints` (implausible_count in core/directory_changes.h). A source that can be
  // stopped throws Cancelled when it is: a stopped read is no snapshot at all.
  virtual FullRead read_full(const ReadHints& hints) = 0;

  // What changed since `since` (from read_full or an earlier read_changes). When `since` is
  // empty or from another server, reads nothing and says watermark_reset: the caller must do
  // a full read. Throws like read_full.
  virtual DirectoryChanges read_changes(const Watermark& since) = 0;

  // The snapshot of read_full, for callers that keep no watermark.
  Snapshot read_all(const ReadHints& hints = {}) { return read_full(hints).snapshot; }
};

}  // namespace valtuus
