// Writes the employees as this read saw them, inside the run's transaction, through
// sync_write_employees() (sql/009_sync_writes.sql): only the rows whose values changed since the
// daemon last wrote them go to the database (COPY into a staging table, then one function), so
// an unchanged directory writes no employee row and any directory costs a fixed number of
// statements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/change_item.h"
#include "core/employee.h"
#include "core/reconcile_state.h"

namespace valtuus {

// The digest of what the store keeps of `employee` with `status` ("active", "long_leave",
// "left"): two reads with the same digest store the same row. Never 0. Stored with the row: a
// build whose digest differs (a new layout) rewrites every row once, at its first sync.
std::uint64_t employee_row_digest(const Employee& employee, const std::string& status);

// employee_row_digest for many employees in a row (a sync's): the texts people share
// (department, groups, ...) are digested about once, not once a person, by the address of
// their one copy (core/compact_text.h). The same values. Not thread-safe: one per thread.
class EmployeeRowDigests {
 public:
  std::uint64_t operator()(const Employee& employee, std::string_view status);
  // The digest of one shared text (a word of the row's digest).
  std::uint64_t shared(const SharedText& text);

 private:
  static constexpr int kSlotBits = 12;  // direct-mapped: a slot taken by another is recomputed
  struct Slot {
    const std::string* text = nullptr;
    std::uint64_t digest = 0;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(std::size_t{1} << kSlotBits);
};

struct EmployeeWriteStats {
  int staged = 0;     // rows sent because new or changed
  int unchanged = 0;  // read, same as stored: not sent
  int absent = 0;     // the plan's leavers absent from the read, sent to be marked left
  int written = 0;    // rows the database wrote
  std::vector<std::string> keys{};  // the people staged or marked absent
};

// Writes every employee of the snapshot whose stored row (by `history`'s digest) differs, with
// its status from the plan (left, long leave, active) and the role-change mark for the plan's
// movers; marks the plan's leavers that the read did not return as left and absent. Nobody
// else is marked left. The identity code is not written here (identity_store). A whole
// snapshot of `two_threads_from` people or more is compared by two threads (the same rows).
EmployeeWriteStats write_employees(pqxx::work& txn, long long run_id, const Snapshot& snapshot,
                                   const Plan& plan, const HistoryMap& history,
                                   const std::unordered_set<std::string>* only = nullptr,
                                   std::size_t two_threads_from = 8192);

}  // namespace valtuus
