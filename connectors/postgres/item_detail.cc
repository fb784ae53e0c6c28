#include "connectors/postgres/item_detail.h"

#include "core/errors.h"

namespace valtuus {

namespace {

std::string text(const pqxx::field& field) {
  return field.is_null() ? "" : field.as<std::string>();
}

constexpr const char* kTime = "'YYYY-MM-DD HH24:MI \"UTC\"'";

}  // namespace

ItemDetail load_item_detail(pqxx::connection& connection, long long id) {
  pqxx::read_transaction txn(connection);
  const std::string utc = std::string("AT TIME ZONE 'UTC', ") + kTime;
  auto result = txn.exec_params(
      std::string("SELECT ") + kItemRowColumns + ", " +
          "  e.given_name, e.surname, e.ou, e.status, to_char(e.left_at " + utc +
          "), "
          "  m.suomifi_code, m.name_sv, m.name_en, m.mandate_type, m.organisation_holds, "
          "  EXISTS (SELECT 1 FROM organisation_holding h WHERE h.mandate_id = i.mandate_id), "
          "  m.max_validity_days, "
          "  (SELECT string_agg(x->>'attribute' || '=' || (x->>'value'), ', ') "
          "     FROM jsonb_array_elements(i.matched) x), "
          "  i.decided_by, to_char(i.decided_at " +
          utc +
          "), i.decision_note, i.executed_by, "
          "  to_char(i.executed_at " +
          utc +
          "), i.execution_note, i.request_id, r.requested_by, "
          "  (SELECT max(g.valid_until)::text FROM grant_ledger g WHERE g.employee_key = "
          "i.employee_key "
          "     AND g.mandate_id = i.mandate_id AND g.revoked_at IS NULL), "
          "  ic.masked, "
          "  s.held_reason, to_char(s.held_at " +
          utc + "), s.released_by, to_char(s.released_at " + utc +
          "), s.discarded_by, to_char(s.discarded_at " + utc +
          "), "
          "  (SELECT a.details->>'reason' FROM audit_event a WHERE a.action = 'run_discarded' "
          "     AND a.run_id = i.run_id ORDER BY a.id DESC LIMIT 1) "
          "FROM change_item i JOIN mandate_issue m ON m.id = i.mandate_id "
          "JOIN sync_run s ON s.id = i.run_id "
          "LEFT JOIN identity_code ic ON ic.employee_key = i.employee_key "
          "LEFT JOIN employee e ON e.key = i.employee_key "
          "LEFT JOIN manual_request r ON r.id = i.request_id WHERE i.id = $1",
      id);
  if (result.empty()) throw DataError("item " + std::to_string(id) + " does not exist");
  const auto& r = result[0];
  ItemDetail d;
  d.row = read_item_row(r);
  d.given_name = text(r[18]);
  d.surname = text(r[19]);
  d.ou = text(r[20]);
  d.employee_status = text(r[21]);
  d.left_at = text(r[22]);
  d.suomifi_code = r[23].as<std::string>();
  d.name_sv = r[24].as<std::string>();
  d.name_en = r[25].as<std::string>();
  d.mandate_type = r[26].as<std::string>();
  d.organisation_holds = r[27].as<bool>();
  d.organisation_obtained = r[28].as<bool>();
  d.max_validity_days = r[29].as<int>();
  d.matched = text(r[30]);
  d.decided_by = text(r[31]);
  d.decided_at = text(r[32]);
  d.decision_note = text(r[33]);
  d.executed_by = text(r[34]);
  d.executed_at = text(r[35]);
  d.execution_note = text(r[36]);
  if (!r[37].is_null()) d.request_id = r[37].as<long long>();
  d.requested_by = text(r[38]);
  d.held_until = text(r[39]);
  d.identity_code_masked = text(r[40]);
  d.run_held_reason = text(r[41]);
  d.run_held_at = text(r[42]);
  d.run_released_by = text(r[43]);
  d.run_released_at = text(r[44]);
  d.run_discarded_by = text(r[45]);
  d.run_discarded_at = text(r[46]);
  d.run_discard_reason = text(r[47]);
  for (const auto& event :
       txn.exec_params("SELECT to_char(at " + utc +
                           ") || '  ' || actor || '  ' || action FROM audit_event "
                           "WHERE item_id = $1 ORDER BY id",
                       id)) {
    d.history.push_back(event[0].as<std::string>());
  }
  return d;
}

}  // namespace valtuus
