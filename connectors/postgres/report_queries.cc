#include "connectors/postgres/report_queries.h"
#include "connectors/postgres/item_states.h"

#include <algorithm>
#include <tuple>

#include "connectors/postgres/pg_arrays.h"
#include "core/calendar.h"
#include "core/dn.h"

namespace valtuus {

namespace {

// The department and theme filters over `e` (employee) and a theme column, as parameters $1
// and $2 of every report statement.
std::string filter_sql(const char* theme_column) {
  return std::string(
             " AND ($1::text IS NULL OR lower(btrim(e.department)) = lower(btrim($1))) "
             " AND ($2::text IS NULL OR ") +
         theme_column + " = $2) ";
}

std::optional<long long> optional_id(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<long long>();
}

std::optional<double> optional_days(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<double>();
}

}  // namespace

ReportClock report_clock_at(TimePoint now) {
  return {format_iso_utc(now), format_iso_date(std::chrono::floor<std::chrono::days>(now)),
          static_cast<long long>(now.time_since_epoch().count())};
}

// To the microsecond, as now() itself: an age in whole days counted from a second cut short
// would be a day short for a row written less than a second before the report.
ReportClock report_clock(pqxx::transaction_base& txn) {
  const pqxx::row row = txn.exec1(
      "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
      "  (now() AT TIME ZONE 'UTC')::date::text, extract(epoch FROM now())::bigint");
  return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<long long>()};
}

std::vector<LeaverRow> leavers_report(pqxx::transaction_base& txn, const ReportFilter& filter,
                                      const std::optional<std::string>& since,
                                      const std::vector<std::string>& leavers_ous) {
  return leavers_report(txn, report_clock(txn), filter, since, leavers_ous);
}

std::vector<LeaverRow> leavers_report(pqxx::transaction_base& txn, const ReportClock& clock,
                                      const ReportFilter& filter,
                                      const std::optional<std::string>& since,
                                      const std::vector<std::string>& leavers_ous) {
  // Why the person counts as a leaver, in the order reconcile() decides it: absence from a
  // complete read first (a person never read, such as an imported stub, is absent too).
  const auto result = txn.exec_params(
      "SELECT e.account, e.display_name, e.department, "
      "  CASE WHEN e.last_seen_run IS NULL OR e.absent_since_run IS NOT NULL THEN 'absent' "
      "       WHEN e.account_expires <= $4::timestamptz THEN 'expired' "
      "       WHEN e.disabled THEN 'disabled' ELSE 'left' END, "
      "  to_char(coalesce(e.left_at, e.updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), "
      "  extract(day FROM $4::timestamptz - coalesce(e.left_at, e.updated_at))::int AS days_open, "
      "  g.mandate_id, m.name_fi, coalesce(g.valid_until::text, ''), "
      "  r.id, coalesce(r.state, ''), extract(day FROM $4::timestamptz - r.created_at)::int, e.dn "
      "FROM employee e "
      "JOIN grant_ledger g ON g.employee_key = e.key AND g.revoked_at IS NULL "
      "  AND (g.valid_until IS NULL OR g.valid_until >= $5::date) "
      "JOIN mandate_issue m ON m.id = g.mandate_id "
      "LEFT JOIN LATERAL (SELECT c.id, c.state, c.created_at FROM change_item c "
      "  WHERE c.employee_key = g.employee_key AND c.mandate_id = g.mandate_id "
      "    AND c.kind = 'revoke' AND c.created_at >= g.recorded_at "
      "  ORDER BY c.id DESC LIMIT 1) r ON true "
      "WHERE e.status = 'left' " +
          filter_sql("g.mandate_id") +
          "  AND ($3::date IS NULL OR coalesce(e.left_at, e.updated_at) >= "
          "       ($3::date::timestamp AT TIME ZONE 'UTC')) "
          "ORDER BY days_open DESC, e.account, g.mandate_id",
      filter.department, filter.theme, since, clock.now, clock.today);
  std::vector<LeaverRow> rows;
  rows.reserve(result.size());
  for (const auto& r : result) {
    LeaverRow row;
    row.account = r[0].as<std::string>();
    row.name = r[1].as<std::string>();
    row.department = r[2].as<std::string>();
    row.why = r[3].as<std::string>();
    // The leavers' OU ranks after expiry and before a disabled account, as in reconcile(); it
    // is a position in the tree (core/dn.h), which SQL does not compare.
    if (row.why == "disabled" || row.why == "left") {
      const std::string dn = r[12].as<std::string>();
      if (std::any_of(leavers_ous.begin(), leavers_ous.end(),
                      [&](const std::string& ou) { return dn_within(dn, ou); })) {
        row.why = "leavers_ou";
      }
    }
    row.left_at = r[4].as<std::string>();
    row.days_open = r[5].as<int>();
    row.mandate = r[6].as<std::string>();
    row.mandate_name_fi = r[7].as<std::string>();
    row.valid_until = r[8].as<std::string>();
    row.revoke_item = optional_id(r[9]);
    row.revoke_state = r[10].as<std::string>();
    if (!r[11].is_null()) row.revoke_age_days = r[11].as<int>();
    rows.push_back(std::move(row));
  }
  return rows;
}

SlaReport sla_report(pqxx::transaction_base& txn, const ReportFilter& filter, int path1_days,
                     int path2_days, int period_days) {
  return sla_report(txn, report_clock(txn), filter, path1_days, path2_days, period_days);
}

SlaReport sla_report(pqxx::transaction_base& txn, const ReportClock& clock,
                     const ReportFilter& filter, int path1_days, int path2_days, int period_days) {
  // An org_apply has no person: a department filter leaves it out, a theme filter keeps it.
  const char* path_sql =
      "CASE WHEN i.kind = 'org_apply' OR i.waits_for_org_apply THEN 2 ELSE 1 END";
  SlaReport report;
  report.period_days = period_days;
  report.paths.resize(2);
  report.paths[0].path = 1;
  report.paths[0].target_days = path1_days;
  report.paths[1].path = 2;
  report.paths[1].target_days = path2_days;
  for (const auto& r :
       txn.exec_params(std::string("SELECT i.id, i.kind, i.state, ") + path_sql +
                           ", coalesce(e.account, ''), coalesce(e.department, ''), i.mandate_id, "
                           "  extract(day FROM $3::timestamptz - i.created_at)::int "
                           "FROM change_item i LEFT JOIN employee e ON e.key = i.employee_key "
                           "WHERE i.state IN " +
                           open_states_sql() + " " + filter_sql("i.mandate_id"),
                       filter.department, filter.theme, clock.now)) {
    SlaItemRow row;
    row.id = r[0].as<long long>();
    row.kind = r[1].as<std::string>();
    row.state = r[2].as<std::string>();
    row.path = r[3].as<int>();
    row.account = r[4].as<std::string>();
    row.department = r[5].as<std::string>();
    row.mandate = r[6].as<std::string>();
    row.age_days = r[7].as<int>();
    row.target_days = row.path == 2 ? path2_days : path1_days;
    const bool held = row.state == "held";
    row.overdue = !held && row.age_days > row.target_days;
    SlaPathStats& stats = report.paths[static_cast<std::size_t>(row.path - 1)];
    if (held) {
      ++stats.held;
    } else {
      ++stats.open;
      if (row.overdue) ++stats.overdue;
    }
    report.items.push_back(std::move(row));
  }
  std::sort(report.items.begin(), report.items.end(), [](const SlaItemRow& a, const SlaItemRow& b) {
    return std::make_tuple(!a.overdue, -a.age_days, a.id) <
           std::make_tuple(!b.overdue, -b.age_days, b.id);
  });
  for (const auto& r : txn.exec_params(
           std::string("SELECT ") + path_sql +
               " AS path, count(*)::int, "
               "  round(percentile_cont(0.5) WITHIN GROUP (ORDER BY "
               "    extract(epoch FROM i.executed_at - i.created_at) / 86400)::numeric, 1), "
               "  round(percentile_cont(0.9) WITHIN GROUP (ORDER BY "
               "    extract(epoch FROM i.executed_at - i.created_at) / 86400)::numeric, 1) "
               "FROM change_item i LEFT JOIN employee e ON e.key = i.employee_key "
               "WHERE i.state = 'done' "
               "  AND i.executed_at >= $4::timestamptz - make_interval(days => $3) " +
               filter_sql("i.mandate_id") + "GROUP BY 1",
           filter.department, filter.theme, period_days, clock.now)) {
    SlaPathStats& stats = report.paths[static_cast<std::size_t>(r[0].as<int>() - 1)];
    stats.done_in_period = r[1].as<int>();
    stats.median_days = optional_days(r[2]);
    stats.p90_days = optional_days(r[3]);
  }
  return report;
}

std::vector<ExpiringRow> expiring_report(pqxx::transaction_base& txn, const ReportFilter& filter,
                                         int within_days) {
  return expiring_report(txn, report_clock(txn), filter, within_days);
}

std::vector<ExpiringRow> expiring_report(pqxx::transaction_base& txn, const ReportClock& clock,
                                         const ReportFilter& filter, int within_days) {
  const auto result = txn.exec_params(
      "SELECT coalesce(e.account, ''), coalesce(e.display_name, ''), "
      "  coalesce(e.department, ''), coalesce(e.status, 'unknown'), g.mandate_id, m.name_fi, "
      "  g.valid_until::text, g.valid_until - $4::date, r.id, coalesce(r.state, '') "
      "FROM grant_ledger g JOIN mandate_issue m ON m.id = g.mandate_id "
      "LEFT JOIN employee e ON e.key = g.employee_key "
      "LEFT JOIN LATERAL (SELECT c.id, c.state FROM change_item c "
      "  WHERE c.employee_key = g.employee_key AND c.mandate_id = g.mandate_id "
      "    AND c.kind = 'renew' AND c.created_at >= g.recorded_at "
      "  ORDER BY c.id DESC LIMIT 1) r ON true "
      "WHERE g.revoked_at IS NULL "
      "  AND g.valid_until BETWEEN $4::date AND $4::date + $3::int " +
          filter_sql("g.mandate_id") + "ORDER BY g.valid_until, 1, g.mandate_id",
      filter.department, filter.theme, within_days, clock.today);
  std::vector<ExpiringRow> rows;
  rows.reserve(result.size());
  for (const auto& r : result) {
    ExpiringRow row;
    row.account = r[0].as<std::string>();
    row.name = r[1].as<std::string>();
    row.department = r[2].as<std::string>();
    row.status = r[3].as<std::string>();
    row.mandate = r[4].as<std::string>();
    row.mandate_name_fi = r[5].as<std::string>();
    row.valid_until = r[6].as<std::string>();
    row.days_left = r[7].as<int>();
    row.renew_item = optional_id(r[8]);
    row.renew_state = r[9].as<std::string>();
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace valtuus
