// Incremental directory reads as values: a watermark (a position in one server's change
// history), the change set read since one, and merging a change set into the last snapshot.
// Plain values and pure functions: no I/O, no clock; safe to copy between threads.
// The connector fills them (connectors/ldap/ldap_source.h). The daemon keeps the watermark and
// the last snapshot in memory, and stores the watermark with each complete run
// (sync_run.watermark): at start, on becoming leader and on reload it continues from the
// database's last complete run and the employees as stored (daemon/sync_cycle.h). The last
// complete read's employee count also comes from the database, for ReadHints.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/employee.h"
#include "core/key_index.h"

namespace valtuus {

// Where a directory's history stood when a read began. Meaningful only on the server that
// issued it: AD's update sequence numbers (USNs) are per domain controller, and a DC restored
// from backup gets a new invocationId, so `server` names both and a mismatch means "start
// again with a full read".
struct Watermark {
  enum class Kind {
    none,       // no watermark: read everything
    usn,        // AD: value is highestCommittedUSN (decimal); changes have uSNChanged > value
    timestamp,  // OpenLDAP: value is a GeneralizedTime "YYYYMMDDHHMMSSZ"; changes have
                // modifyTimestamp >= value
  };
  Kind kind = Kind::none;
  std::string value;
  // The server's identity: AD "<dsServiceName>|<invocationId as GUID>", OpenLDAP the URI.
  std::string server;

  bool empty() const { return kind == Kind::none; }
  friend bool operator==(const Watermark&, const Watermark&) = default;
};

// One line for the database or a log: "usn:12345:<server>" ("none" when empty). Pure.
std::string encode(const Watermark& watermark);

// The inverse of encode; nullopt for text it did not produce. Pure.
std::optional<Watermark> decode_watermark(std::string_view text);

// What the caller knows from earlier reads, to judge whether a read is plausible.
struct ReadHints {
  // Employees in the last complete snapshot (the daemon takes it from the last complete
  // sync_run in the database). A read that finds none when this was above zero is marked
  // incomplete: an emptied OU, a reader that lost its rights or a wrong base look exactly like
  // "everyone left".
  std::optional<std::size_t> last_complete_count;
};

// Why `count` employees is not a plausible complete read given `hints`, or nullopt if it is.
std::optional<std::string> implausible_count(std::size_t count, const ReadHints& hints);

// A full read and the watermark taken just before it began: changes made during the read
// have a later USN or timestamp, so the next incremental read from this watermark sees them.
struct FullRead {
  Snapshot snapshot;
  Watermark watermark;
};

// What changed in the directory since a watermark.
struct DirectoryChanges {
  // Employees added or changed since `since`, as they are now (whole, not as differences).
  std::vector<Employee> changed;
  // Keys of employees deleted since `since`, from AD's tombstones (CN=Deleted Objects). Only
  // meaningful when deletions_read; a user moved out of the configured bases shows in neither
  // list: only a full read notices it.
  std::vector<std::string> deleted_keys;
  bool deletions_read = false;  // false on OpenLDAP (no tombstones): deletions need a full read
  // Every search ended in success. An incomplete change set must not be merged as complete.
  bool complete = false;
  std::string incomplete_reason;
  // `since` belongs to another server (or is empty): nothing was read; the caller must do a
  // full read and keep the watermark it reports.
  bool watermark_reset = false;
  Watermark since;  // as passed in
  Watermark next;   // taken before this read began: pass it to the next read_changes
  // Values refused in the entries read (Snapshot::refused); an entry refused as a whole is in
  // `refused` only, not in `changed`.
  std::vector<RefusedValue> refused{};
  TimePoint read_at{};
  std::string source;  // which directory (URI), for provenance
};

// The snapshot `base` brought up to date with `changes`: employees whose key is in
// deleted_keys are removed, changed ones replace the employee with the same key (or are added),
// the rest keep base's order. Complete only if both are complete and the watermark was not
// reset; the reason names each cause. read_at and source come from `changes`: an employee that
// did not change since base's read is still current at the change read. Refused values: those
// of `changes`, and those of base for entries not read again (by key, else DN) nor deleted:
// an entry that has not changed is still refused. Pure.
Snapshot merge_changes(const Snapshot& base, const DirectoryChanges& changes);
// The same, taking base's employees instead of copying them (one snapshot in memory, not two).
Snapshot merge_changes(Snapshot&& base, const DirectoryChanges& changes);
// The same with `index` over base's employees: the changed and deleted people are found by
// key, not by a pass over everyone, and `index` is brought up to date with the merged
// employees. The employees are the same; their order is not kept (a deleted one's place is
// taken by the last). An index that is not usable is rebuilt after a whole merge.
Snapshot merge_changes(Snapshot&& base, const DirectoryChanges& changes, KeyIndex& index);

}  // namespace valtuus
