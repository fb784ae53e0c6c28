#include "connectors/postgres/item_audit.h"

namespace valtuus {

std::vector<AuditEventRow> item_audit_events(pqxx::transaction_base& txn, long long item) {
  // A bulk approval keeps its items in details->'items'; a run's own events have no item.
  const auto result = txn.exec_params(
      "SELECT a.id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"'), a.actor, "
      "  a.action, coalesce(a.details->>'via', ''), "
      "  coalesce(a.details->>'reason', a.details->>'note', a.details->>'comment', '') "
      "FROM audit_event a "
      "WHERE a.item_id = $1 "
      "   OR (a.action = 'items_approved_together' AND a.details->'items' @> to_jsonb($1::bigint)) "
      "   OR (a.item_id IS NULL AND a.action IN ('items_added', 'run_released', 'run_discarded') "
      "       AND a.run_id = (SELECT run_id FROM change_item WHERE id = $1)) "
      "ORDER BY a.id",
      item);
  std::vector<AuditEventRow> rows;
  rows.reserve(result.size());
  for (const auto& r : result) {
    rows.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                    r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>()});
  }
  return rows;
}

}  // namespace valtuus
