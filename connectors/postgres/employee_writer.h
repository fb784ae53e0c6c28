// Writes the employees as this read saw them, inside the run's transaction, through
// sync_write_employees() (sql/009_sync_writes.sql): only the rows whose values changed since the
// daemon last wrote them go to the database (COPY into a staging table, then one function), so
// an unchanged directory writes no employee row and any directory costs a fixed number of
// statements.
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
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
// else is marked left. The identity code is not written here (identity_store).
EmployeeWriteStats write_employees(pqxx::work& txn, long long run_id, const Snapshot& snapshot,
                                   const Plan& plan, const HistoryMap& history,
                                   const std::unordered_set<std::string>* only = nullptr);

}  // namespace valtuus
