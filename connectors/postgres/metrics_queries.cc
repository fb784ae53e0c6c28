#include "connectors/postgres/metrics_queries.h"

#include "connectors/postgres/pg_arrays.h"

namespace valtuus {

namespace {

// Ages are measured on the database's clock against created_at: the item's age against the
// targets (3 days for a grant, 4-6 weeks for an organisation's application). An age of N days
// or less is exactly a rounded-up day count of N or less, so the buckets are exact.
constexpr const char* kOpenItemsSql =
    "SELECT state, kind, "
    "       greatest(ceil(extract(epoch FROM now() - created_at) / 86400), 0)::integer, "
    "       count(*) "
    "FROM change_item WHERE state = ANY($1::text[]) "
    "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";

// Held: held_reason set (by the guard) and neither released nor discarded by a person.
constexpr const char* kHeldRunsSql =
    "SELECT count(*) FROM sync_run "
    "WHERE held_reason IS NOT NULL AND released_at IS NULL AND discarded_at IS NULL";

constexpr const char* kLastRunSql = "SELECT extract(epoch FROM max(finished_at)) FROM sync_run";

}  // namespace

StoreMetrics read_store_metrics(pqxx::connection& connection) {
  pqxx::read_transaction txn(connection);
  StoreMetrics metrics;
  const std::vector<std::string> states(kOpenItemStates.begin(), kOpenItemStates.end());
  for (const auto& row : txn.exec_params(kOpenItemsSql, text_array_literal(states))) {
    metrics.open_items.push_back(OpenItemAgeCount{row[0].as<std::string>(),
                                                  row[1].as<std::string>(), row[2].as<int>(),
                                                  row[3].as<long long>()});
  }
  metrics.held_runs = txn.exec(kHeldRunsSql)[0][0].as<long long>();
  const auto last = txn.exec(kLastRunSql)[0][0];
  if (!last.is_null()) metrics.last_recorded_run = last.as<double>();
  return metrics;
}

}  // namespace valtuus
