#include "connectors/postgres/migrations.h"

#include <pqxx/pqxx>

#include "core/errors.h"

namespace valtuus {

namespace {

// Serialises schema changes between concurrent `db migrate` runs (pg_advisory_xact_lock).
constexpr long long kMigrationLock = 0x56414c5455555301LL;  // "VALTUUS" 01

// Gives every object of schema public that valtuus_owner does not own to it (tables with their
// indexes, owned sequences and row types; other sequences, views, functions and types). Runs
// after every migration once the role exists (sql/007_least_privilege.sql creates it), so that
// no migration has to remember ALTER ... OWNER and no SECURITY DEFINER function runs as the
// superuser that migrated.
constexpr const char* kGiveToOwner = R"sql(
DO $$
DECLARE
  obj record;
BEGIN
  FOR obj IN
    SELECT c.oid::regclass AS name FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND c.relowner <> 'valtuus_owner'::regrole
      -- a serial's sequence follows its table and cannot be given away alone
      AND NOT (c.relkind = 'S' AND EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
          AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
    ORDER BY c.relkind = 'S', c.oid
  LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO valtuus_owner', obj.name);
  END LOOP;
  FOR obj IN
    SELECT p.oid::regprocedure AS name FROM pg_proc p
    WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'valtuus_owner'::regrole
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO valtuus_owner', obj.name);
  END LOOP;
  FOR obj IN
    SELECT t.oid::regtype AS name FROM pg_type t
    WHERE t.typnamespace = 'public'::regnamespace AND t.typowner <> 'valtuus_owner'::regrole
      AND (t.typtype IN ('e', 'd', 'r', 'm')
           OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
  LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO valtuus_owner', obj.name);
  END LOOP;
END
$$)sql";

bool is_superuser(pqxx::transaction_base& txn) {
  return txn.exec1("SELECT rolsuper FROM pg_roles WHERE rolname = session_user")[0].as<bool>();
}

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
    // The migrations create cluster roles and hand their objects to valtuus_owner, which only a
    // superuser may do; refused here with the way to run it rather than halfway through.
    if (!is_superuser(txn)) {
      throw ConfigError("db migrate runs as a PostgreSQL superuser (connected as " +
                        txn.exec1("SELECT session_user")[0].as<std::string>() +
                        "): run `sudo -u postgres valtuusctl db migrate`");
    }
    txn.exec(migration.sql, migration.name);
    if (txn.exec1("SELECT to_regrole('valtuus_owner') IS NOT NULL")[0].as<bool>()) {
      txn.exec(kGiveToOwner, "give to valtuus_owner");
    }
    txn.exec_params("INSERT INTO schema_version (version, name) VALUES ($1, $2)", migration.version,
                    migration.name);
    txn.commit();
    applied.push_back(migration.name);
  }
  return applied;
}

namespace {

// One statement outside a transaction (one round trip where a read transaction took four,
// at every start of every program): a database without the table is one without a schema.
int current_version_at_start(pqxx::connection& connection) {
  pqxx::nontransaction txn(connection);
  try {
    return txn.exec1("SELECT coalesce(max(version), 0) FROM schema_version")[0].as<int>();
  } catch (const pqxx::undefined_table&) {
    return 0;
  }
}

}  // namespace

void require_current_schema(pqxx::connection& connection) {
  const int current = current_version_at_start(connection);
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
