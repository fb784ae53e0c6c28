// Writes the employees as this read saw them, inside the run's transaction: COPY into a
// temporary table, then one upsert, so that 100,000 people cost one statement, not 100,000.
#pragma once

#include <pqxx/pqxx>

#include "core/change_item.h"
#include "core/employee.h"

namespace valtuus {

// Upserts every employee of the snapshot with its status (left, long leave, active) from the
// plan; marks the role changed for those the plan says moved; with a complete snapshot, marks
// everyone it did not read as left. People in plan.refused are neither written nor marked. The
// identity code is not written here (identity_store).
void write_employees(pqxx::work& txn, long long run_id, const Snapshot& snapshot, const Plan& plan);

}  // namespace valtuus
