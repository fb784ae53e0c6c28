#include "tests/support/fake_directory.h"

#include <algorithm>

#include "core/errors.h"

namespace valtuus::testing {

void InMemoryDirectory::put(const Employee& employee) {
  ++usn_;
  auto found = std::find_if(entries_.begin(), entries_.end(),
                            [&](const Entry& e) { return e.employee.key == employee.key; });
  if (found != entries_.end()) {
    *found = {employee, usn_};
  } else {
    entries_.push_back({employee, usn_});
  }
  std::erase_if(tombstones_, [&](const Tombstone& t) { return t.key == employee.key; });
}

void InMemoryDirectory::remove(const std::string& key) {
  ++usn_;
  std::erase_if(entries_, [&](const Entry& e) { return e.employee.key == key; });
  tombstones_.push_back({key, usn_});
}

void InMemoryDirectory::switch_server(const std::string& server) {
  server_ = server;
}

Watermark InMemoryDirectory::watermark() const {
  return {Watermark::Kind::usn, std::to_string(usn_), server_};
}

FullRead InMemoryDirectory::read_full(const ReadHints&) {
  ++full_reads_;
  FullRead read;
  read.watermark = watermark();
  for (const Entry& entry : entries_) read.snapshot.employees.push_back(entry.employee);
  read.snapshot.complete = true;
  read.snapshot.source = kSource;
  return read;
}

DirectoryChanges InMemoryDirectory::read_changes(const Watermark& since) {
  ++change_reads_;
  DirectoryChanges changes;
  changes.since = since;
  changes.source = kSource;
  if (since.kind != Watermark::Kind::usn || since.server != server_) {
    changes.watermark_reset = true;
    return changes;
  }
  const long long from = std::stoll(since.value);
  for (const Entry& entry : entries_) {
    if (entry.usn > from) changes.changed.push_back(entry.employee);
  }
  for (const Tombstone& tombstone : tombstones_) {
    if (tombstone.usn > from) changes.deleted_keys.push_back(tombstone.key);
  }
  changes.deletions_read = true;
  changes.complete = true;
  changes.next = watermark();
  return changes;
}

void FaultyDirectory::lose_connection_after(std::size_t entries) {
  mode_ = Mode::lose_connection;
  after_entries_ = entries;
}

void FaultyDirectory::cancel_after(std::size_t entries) {
  mode_ = Mode::cancel;
  after_entries_ = entries;
}

void FaultyDirectory::heal() {
  unavailable_reads_ = 0;
  mode_ = Mode::pass;
}

void FaultyDirectory::before_read() {
  if (unavailable_reads_ > 0) {
    --unavailable_reads_;
    ++failed_reads_;
    throw TransientError("directory unavailable (injected fault)");
  }
}

std::string FaultyDirectory::cut(std::vector<Employee>& entries) {
  if (mode_ == Mode::pass || entries.size() <= after_entries_) return "";
  ++failed_reads_;
  if (mode_ == Mode::cancel) throw Cancelled("read stopped (injected fault)");
  entries.resize(after_entries_);
  return "connection lost after " + std::to_string(after_entries_) + " entries (injected fault)";
}

FullRead FaultyDirectory::read_full(const ReadHints& hints) {
  before_read();
  FullRead read = inner_.read_full(hints);
  const std::string reason = cut(read.snapshot.employees);
  if (!reason.empty()) {
    read.snapshot.complete = false;
    read.snapshot.incomplete_reason = reason;
  }
  return read;
}

DirectoryChanges FaultyDirectory::read_changes(const Watermark& since) {
  before_read();
  DirectoryChanges changes = inner_.read_changes(since);
  const std::string reason = cut(changes.changed);
  if (!reason.empty()) {
    changes.complete = false;
    changes.incomplete_reason = reason;
  }
  return changes;
}

}  // namespace valtuus::testing
