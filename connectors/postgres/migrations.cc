#include "connectors/postgres/migrations.h"

#include <pqxx/pqxx>

#include "core/errors.h"

namespace valtuus {

namespace {

// Serialises schema changes between concurrent `db migrate` runs (pg_advisory_xact_lock).
constexpr long long kMigrationLock = 0x56414c5455555301LL;  // "VALTUUS" 01

int current_version(pqxx::transaction_base& txn) {
  auto exists = txn.exec1("SELECT to_regclass('schema_version') IS NOT NULL");
  if (!exists[0].as<bool>()) return 0;
  return txn.exec1("SELECT coalesce(max(version), 0) FROM schema_version")[0].as<int>();
}

}  // namespace

int expected_schema_version() {
  return static_cast<int>(known_migrations().size());
}

SchemaStatus schema_status(pqxx::connection& connection) {
  pqxx::read_transaction txn(connection);
  SchemaStatus status;
  status.expected = expected_schema_version();
  status.current = current_version(txn);
  if (status.current > 0) {
    for (const auto& row : txn.exec(
             "SELECT version, name, to_char(applied_at, 'YYYY-MM-DD HH24:MI:SS TZ'), applied_by "
             "FROM schema_version ORDER BY version")) {
      status.applied.push_back(row[0].as<std::string>() + " " + row[1].as<std::string>() +
                               " (applied " + row[2].as<std::string>() + " by " +
                               row[3].as<std::string>() + ")");
    }
  }
  return status;
}

std::vector<std::string> migrate(pqxx::connection& connection) {
  std::vector<std::string> applied;
  for (const Migration& migration : known_migrations()) {
    pqxx::work txn(connection);
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    const int current = current_version(txn);
    if (current > expected_schema_version()) {
      throw ConfigError("database schema version " + std::to_string(current) +
                        " is newer than this program knows (" +
                        std::to_string(expected_schema_version()) + "): upgrade Valtuus");
    }
    if (migration.version <= current) continue;  // applied before, or by a concurrent migrate
    txn.exec(migration.sql, migration.name);
    txn.exec_params("INSERT INTO schema_version (version, name) VALUES ($1, $2)", migration.version,
                    migration.name);
    txn.commit();
    applied.push_back(migration.name);
  }
  return applied;
}

void require_current_schema(pqxx::connection& connection) {
  pqxx::read_transaction txn(connection);
  const int current = current_version(txn);
  const int expected = expected_schema_version();
  if (current == expected) return;
  if (current == 0) {
    throw ConfigError("database has no Valtuus schema: run `valtuusctl db migrate`");
  }
  if (current < expected) {
    throw ConfigError("database schema version " + std::to_string(current) +
                      " is older than this program's " + std::to_string(expected) +
                      ": run `valtuusctl db migrate`");
  }
  throw ConfigError("database schema version " + std::to_string(current) +
                    " is unknown to this program (it knows up to " + std::to_string(expected) +
                    "): upgrade Valtuus");
}

}  // namespace valtuus
