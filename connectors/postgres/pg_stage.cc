#include "connectors/postgres/pg_stage.h"

namespace valtuus {

void create_stage(pqxx::work& txn, const std::string& name, const std::string& columns) {
  // The names are the store's own constants, never input.
  txn.exec("CREATE TEMPORARY TABLE " + name + " (" + columns +
           ") ON COMMIT DROP; GRANT SELECT ON " + name + " TO PUBLIC");
}

void analyse_stage(pqxx::work& txn, const std::string& name) {
  txn.exec("ANALYZE " + name);
}

}  // namespace valtuus
