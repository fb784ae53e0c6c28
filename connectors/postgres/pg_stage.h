// Session-temporary staging tables for the daemon's bulk writes: rows go in with COPY (cheap at
// any size), then one SECURITY DEFINER function reads them (sql/009_sync_writes.sql).
#pragma once

#include <pqxx/pqxx>
#include <string>

namespace valtuus {

// Creates pg_temp.<name> (<columns>), dropped at commit. The function that reads it runs as the
// schema's owner, so the table is readable by everyone: no other session can see a session's
// temporary tables anyway.
void create_stage(pqxx::work& txn, const std::string& name, const std::string& columns);

// After the COPY: statistics, so that the function's joins are planned for the real size (a
// few milliseconds; done whatever the size, so the statements do not depend on it).
void analyse_stage(pqxx::work& txn, const std::string& name);

}  // namespace valtuus
