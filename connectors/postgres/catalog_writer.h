// Writes the policy's catalog of mandate themes inside the run's transaction, through
// sync_write_catalog() (sql/009_sync_writes.sql): one statement, and only themes that are new
// or differ are written.
#pragma once

#include <pqxx/pqxx>

#include "core/policy.h"

namespace valtuus {

// Returns how many themes the database wrote (0 for an unchanged catalog).
int write_catalog(pqxx::work& txn, long long run_id, const Policy& policy);

}  // namespace valtuus
