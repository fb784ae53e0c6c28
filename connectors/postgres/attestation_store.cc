#include "connectors/postgres/attestation_store.h"
#include "connectors/postgres/item_states.h"

#include "connectors/postgres/pg_arrays.h"
#include "core/errors.h"

namespace valtuus {

namespace {

// A date[] literal; an absent date is NULL, so that positions stay parallel to the accounts.
std::string date_array_literal(const std::vector<std::optional<std::string>>& dates) {
  std::string out = "{";
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (i) out += ',';
    if (dates[i] && dates[i]->find_first_not_of("0123456789-") != std::string::npos)
      throw DataError("'" + *dates[i] + "' is not a date (YYYY-MM-DD)");
    out += dates[i] ? "\"" + *dates[i] + "\"" : std::string("NULL");
  }
  return out + "}";
}

}  // namespace

Checklist attestation_checklist(pqxx::transaction_base& txn, const std::string& theme,
                                const ReportFilter& filter) {
  return attestation_checklist(txn, report_clock(txn), theme, filter);
}

Checklist attestation_checklist(pqxx::transaction_base& txn, const ReportClock& clock,
                                const std::string& theme, const ReportFilter& filter) {
  const auto mandate = txn.exec_params(
      "SELECT id, name_fi, suomifi_code, service FROM mandate_issue WHERE id = $1", theme);
  if (mandate.empty()) throw DataError("no mandate theme '" + theme + "' in the catalog");
  Checklist list;
  list.mandate = mandate[0][0].as<std::string>();
  list.name_fi = mandate[0][1].as<std::string>();
  list.suomifi_code = mandate[0][2].as<std::string>();
  list.service = mandate[0][3].as<std::string>();
  for (const auto& r : txn.exec_params(
           "SELECT coalesce(e.account, ''), coalesce(e.surname, ''), coalesce(e.given_name, ''), "
           "  coalesce(e.department, ''), coalesce(e.status, 'unknown'), coalesce(c.masked, ''), "
           "  g.valid_from::text, coalesce(g.valid_until::text, ''), g.source, r.id, "
           "  coalesce(r.state, '') "
           "FROM grant_ledger g LEFT JOIN employee e ON e.key = g.employee_key "
           "LEFT JOIN identity_code c ON c.employee_key = g.employee_key "
           "LEFT JOIN LATERAL (SELECT i.id, i.state FROM change_item i "
           "  WHERE i.employee_key = g.employee_key AND i.mandate_id = g.mandate_id "
           "    AND i.kind = 'revoke' AND i.state IN " +
               open_states_sql() +
               " "
               "  ORDER BY i.id DESC LIMIT 1) r ON true "
               "WHERE g.mandate_id = $2 AND g.revoked_at IS NULL "
               "  AND (g.valid_until IS NULL OR g.valid_until >= $3::date) "
               "  AND ($1::text IS NULL OR lower(btrim(e.department)) = lower(btrim($1))) "
               "ORDER BY 2, 3, 1",
           filter.department, theme, clock.today)) {
    ChecklistRow row;
    row.account = r[0].as<std::string>();
    row.surname = r[1].as<std::string>();
    row.given_name = r[2].as<std::string>();
    row.department = r[3].as<std::string>();
    row.status = r[4].as<std::string>();
    row.identity_code_masked = r[5].as<std::string>();
    row.valid_from = r[6].as<std::string>();
    row.valid_until = r[7].as<std::string>();
    row.source = r[8].as<std::string>();
    if (!r[9].is_null()) row.open_revoke = r[9].as<long long>();
    row.open_revoke_state = r[10].as<std::string>();
    list.rows.push_back(std::move(row));
  }
  const auto last = txn.exec_params(
      "SELECT id, to_char(attested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "  attested_by, result FROM attestation WHERE mandate_id = $1 "
      "ORDER BY attested_at DESC, id DESC LIMIT 1",
      theme);
  if (!last.empty()) {
    list.last = LastAttestation{last[0][0].as<long long>(), last[0][1].as<std::string>(),
                                last[0][2].as<std::string>(), last[0][3].as<std::string>()};
  }
  list.open_differences = txn.exec_params1(
                                 "SELECT count(*)::int FROM attestation_difference "
                                 "WHERE mandate_id = $1 AND state = 'proposed'",
                                 theme)[0]
                              .as<int>();
  return list;
}

RecordedAttestation record_attestation(pqxx::connection& connection,
                                       const AttestationInput& input) {
  std::vector<std::string> extra;
  std::vector<std::optional<std::string>> until;
  for (const auto& [account, date] : input.extra) {
    extra.push_back(account);
    until.push_back(date);
  }
  pqxx::work txn(connection);
  RecordedAttestation recorded;
  recorded.id =
      txn.exec_params1("SELECT record_attestation($1, $2::text[], $3::text[], $4::date[], $5)",
                       input.theme, text_array_literal(input.missing), text_array_literal(extra),
                       date_array_literal(until), input.note)[0]
          .as<long long>();
  recorded.result = txn.exec_params1("SELECT result FROM attestation WHERE id = $1", recorded.id)[0]
                        .as<std::string>();
  for (const auto& r :
       txn.exec_params("SELECT id FROM attestation_difference WHERE attestation_id = $1 "
                       "ORDER BY id",
                       recorded.id))
    recorded.differences.push_back(r[0].as<long long>());
  txn.commit();
  return recorded;
}

std::vector<DifferenceRow> list_differences(pqxx::transaction_base& txn, bool open_only,
                                            const ReportFilter& filter) {
  std::vector<DifferenceRow> rows;
  for (const auto& r : txn.exec_params(
           "SELECT d.id, d.attestation_id, d.kind, e.account, e.display_name, d.mandate_id, "
           "  coalesce(d.valid_until::text, ''), d.state, a.attested_by, "
           "  to_char(a.attested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
           "  coalesce(d.decided_by, ''), d.decision_note "
           "FROM attestation_difference d JOIN attestation a ON a.id = d.attestation_id "
           "JOIN employee e ON e.key = d.employee_key "
           "WHERE (NOT $3 OR d.state = 'proposed') "
           "  AND ($1::text IS NULL OR lower(btrim(e.department)) = lower(btrim($1))) "
           "  AND ($2::text IS NULL OR d.mandate_id = $2) "
           "ORDER BY d.id",
           filter.department, filter.theme, open_only)) {
    DifferenceRow row;
    row.id = r[0].as<long long>();
    row.attestation_id = r[1].as<long long>();
    row.kind = r[2].as<std::string>();
    row.account = r[3].as<std::string>();
    row.name = r[4].as<std::string>();
    row.mandate = r[5].as<std::string>();
    row.valid_until = r[6].as<std::string>();
    row.state = r[7].as<std::string>();
    row.attested_by = r[8].as<std::string>();
    row.attested_at = r[9].as<std::string>();
    row.decided_by = r[10].as<std::string>();
    row.decision_note = r[11].as<std::string>();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string resolve_difference(pqxx::connection& connection, long long id, bool accept,
                               const std::string& note) {
  pqxx::work txn(connection);
  const std::string state =
      txn.exec_params1("SELECT resolve_attestation_difference($1, $2, $3)", id, accept, note)[0]
          .as<std::string>();
  txn.commit();
  return state;
}

}  // namespace valtuus
