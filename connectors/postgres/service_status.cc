#include "connectors/postgres/service_status.h"

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "connectors/postgres/audit_store.h"
#include "connectors/postgres/metrics_queries.h"
#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/sync_store_native.h"

namespace valtuus {

long long ServiceStatus::items_waiting() {
  return translate_sync_errors([&] {
    pqxx::read_transaction txn(*store_.native().connection);
    const std::vector<std::string> states(kOpenItemStates.begin(), kOpenItemStates.end());
    return txn
        .exec_params1(
            "SELECT (SELECT count(*) FROM change_item WHERE state = ANY($1::text[])) + "
            "(SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL "
            "AND released_at IS NULL AND discarded_at IS NULL AND NOT EXISTS (SELECT 1 FROM "
            "change_item i WHERE i.run_id = sync_run.id AND i.state = 'held'))",
            text_array_literal(states))[0]
        .as<long long>();
  });
}

StoreMetrics ServiceStatus::store_metrics() {
  return translate_sync_errors([&] { return read_store_metrics(*store_.native().connection); });
}

std::optional<AuditHead> ServiceStatus::audit_head() {
  return translate_sync_errors([&] {
    // One statement: outside a transaction it is one round trip instead of three, after every
    // run of the daemon.
    pqxx::nontransaction txn(*store_.native().connection);
    return valtuus::audit_head(txn);
  });
}

}  // namespace valtuus
