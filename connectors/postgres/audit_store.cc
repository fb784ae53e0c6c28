#include "connectors/postgres/audit_store.h"

namespace valtuus {

std::optional<AuditHead> audit_head(pqxx::transaction_base& txn) {
  const auto rows = txn.exec(
      "SELECT id, encode(hash, 'hex'), "
      "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
      "FROM audit_event ORDER BY id DESC LIMIT 1");
  if (rows.empty()) return std::nullopt;
  return AuditHead{rows[0][0].as<long long>(), rows[0][1].as<std::string>(""),
                   rows[0][2].as<std::string>()};
}

AuditCheck check_audit_trail(pqxx::transaction_base& txn, const std::vector<AuditAnchor>& anchors) {
  AuditCheck check;
  const auto totals = txn.exec1("SELECT count(*), coalesce(max(id), 0) FROM audit_event");
  check.events = totals[0].as<long long>();
  const long long newest = totals[1].as<long long>();
  for (const auto& row : txn.exec("SELECT event_id, problem FROM audit_verify()")) {
    check.problems.push_back("audit event " + row[0].as<std::string>() + ": " +
                             row[1].as<std::string>());
  }
  for (const AuditAnchor& anchor : anchors) {
    const auto rows = txn.exec_params(
        "SELECT coalesce(encode(hash, 'hex'), '') FROM audit_event WHERE id = $1", anchor.event);
    const std::string problem = check_audit_anchor(
        anchor, !rows.empty(), rows.empty() ? "" : rows[0][0].as<std::string>(), newest);
    if (!problem.empty()) check.problems.push_back(problem);
  }
  return check;
}

}  // namespace valtuus
