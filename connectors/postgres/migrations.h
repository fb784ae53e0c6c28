// The database schema's versions: numbered migrations from sql/NNN_name.sql, embedded in the
// programs at build time. Forward only; each applied in one transaction that also records
// its version, under an advisory lock so that two `db migrate` cannot interleave.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace valtuus {

struct Migration {
  int version;
  std::string name;  // file name, e.g. "001_initial.sql"
  std::string sql;
};

// All migrations this program knows, in version order.
const std::vector<Migration>& known_migrations();
int expected_schema_version();

struct SchemaStatus {
  int current = 0;  // 0: no Valtuus schema yet
  int expected = 0;
  std::vector<std::string> applied;  // "NNN name (applied at, by)"
};

SchemaStatus schema_status(pqxx::connection& connection);

// Applies every migration newer than the database's version; returns the names applied.
// Throws ConfigError when the database is newer than this program, or when a migration is
// due and the login is not a superuser. After each migration (once valtuus_owner exists),
// every object of the schema is given to valtuus_owner in the same transaction.
std::vector<std::string> migrate(pqxx::connection& connection);

// Throws ConfigError unless the database is exactly at expected_schema_version(): the
// programs refuse to run against a schema they do not know.
void require_current_schema(pqxx::connection& connection);

}  // namespace valtuus
