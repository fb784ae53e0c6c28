// Directories for tests of the daemon's cycle and loop without an LDAP server.
// InMemoryDirectory is a DirectorySource over a list of employees with AD-like watermarks
// (a USN that every change raises, tombstones for deletions). FaultyDirectory wraps any
// source and injects the failures a real directory has, LevelDB's FaultInjectionEnv idea:
// no read can start (TransientError), the connection is lost after N entries (an incomplete
// read), or the read is stopped after N entries (Cancelled). Not thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/directory_source.h"

namespace valtuus::testing {

class InMemoryDirectory : public DirectorySource {
 public:
  // Adds the employee, or replaces the one with the same key; counts as a change.
  void put(const Employee& employee);
  // Deletes the employee with `key` (a tombstone the next read_changes reports).
  void remove(const std::string& key);
  // Failover to another domain controller: watermarks of the old one no longer apply.
  void switch_server(const std::string& server);

  // Everyone, complete, with the watermark as of now.
  FullRead read_full(const ReadHints& hints) override;
  // Employees put and keys removed since `since`; watermark_reset when `since` is empty or
  // from another server.
  DirectoryChanges read_changes(const Watermark& since) override;

  Watermark watermark() const;
  int full_reads() const { return full_reads_; }
  int change_reads() const { return change_reads_; }

  static constexpr const char* kSource = "ldap://in-memory";

 private:
  struct Entry {
    Employee employee;
    long long usn = 0;  // the USN of its last change
  };
  struct Tombstone {
    std::string key;
    long long usn = 0;
  };
  std::vector<Entry> entries_;
  std::vector<Tombstone> tombstones_;
  long long usn_ = 100;
  std::string server_ = "dc1|guid-1";
  int full_reads_ = 0;
  int change_reads_ = 0;
};

class FaultyDirectory : public DirectorySource {
 public:
  // `inner` must outlive the wrapper. Without a fault set, reads pass through unchanged.
  explicit FaultyDirectory(DirectorySource& inner) : inner_(inner) {}

  // The next `reads` reads throw TransientError before reading anything, as when the server
  // is down or refuses the bind.
  void fail_next_reads(int reads) { unavailable_reads_ = reads; }
  // Every read from now on loses its connection after `entries` entries: it returns those
  // entries, incomplete, as the LDAP source does once its retries are spent mid-read.
  void lose_connection_after(std::size_t entries);
  // Every read from now on is stopped after `entries` entries: it throws Cancelled.
  void cancel_after(std::size_t entries);
  // No more faults.
  void heal();

  FullRead read_full(const ReadHints& hints) override;
  DirectoryChanges read_changes(const Watermark& since) override;

  int failed_reads() const { return failed_reads_; }

 private:
  enum class Mode { pass, lose_connection, cancel };
  void before_read();
  // Applies the fault to `entries` read; returns the reason the read is incomplete, or "".
  std::string cut(std::vector<Employee>& entries);

  DirectorySource& inner_;
  int unavailable_reads_ = 0;
  Mode mode_ = Mode::pass;
  std::size_t after_entries_ = 0;
  int failed_reads_ = 0;
};

}  // namespace valtuus::testing
