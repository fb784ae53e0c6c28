// The oversight reports that SQL answers alone (valtuusctl report leavers | sla | expiring).
// Each function runs its statements in the caller's transaction: valtuusctl opens one
// REPEATABLE READ, READ ONLY transaction per report (open_report_snapshot), so everything a
// report shows describes one moment even while valtuusd writes a run. No function reads or
// returns a personal identity code.
#pragma once

#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/employee.h"
#include "core/report_filter.h"

namespace valtuus {

using ReportSnapshot = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// The moment a report describes: one clock for every age and business date in it. valtuusctl
// passes the time its command started (report_clock_at); the overloads without a clock read
// the database's now() once (report_clock) and are kept for callers that have no run time.
struct ReportClock {
  std::string now;    // ISO 8601 UTC, e.g. 2026-11-24T23:58:01Z (report_clock: .US too)
  std::string today;  // YYYY-MM-DD (UTC)
  long long epoch = 0;
};
ReportClock report_clock_at(TimePoint now);
ReportClock report_clock(pqxx::transaction_base& txn);

// A person who has left and whose mandate the ledger still shows in force.
struct LeaverRow {
  std::string account, name, department;
  std::string why;      // absent | expired | leavers_ou | disabled | left
  std::string left_at;  // YYYY-MM-DD
  int days_open = 0;    // whole days since leaving
  std::string mandate, mandate_name_fi, valid_until;  // valid_until empty: no end date recorded
  std::optional<long long> revoke_item;  // the latest revoke item for this grant, if any
  std::string revoke_state;
  std::optional<int> revoke_age_days;
};
// `leavers_ous` are the configured reconcile.leavers_ou DNs, to name that reason.
std::vector<LeaverRow> leavers_report(pqxx::transaction_base& txn, const ReportClock& clock,
                                      const ReportFilter& filter,
                                      const std::optional<std::string>& since,
                                      const std::vector<std::string>& leavers_ous);
std::vector<LeaverRow> leavers_report(pqxx::transaction_base& txn, const ReportFilter& filter,
                                      const std::optional<std::string>& since,
                                      const std::vector<std::string>& leavers_ous);

// An open item (proposed, approved, applied, or held with its run) against its path's target.
struct SlaItemRow {
  long long id = 0;
  std::string kind, state;
  int path = 1;  // 2: org_apply, or a grant waiting for one
  std::string account, department, mandate;
  int age_days = 0;
  int target_days = 0;
  bool overdue = false;  // older than the target (never for held items: nobody may decide yet)
};
// Time from proposal to done of the items done within the period, per path.
struct SlaPathStats {
  int path = 1;
  int target_days = 0;
  int open = 0, overdue = 0, held = 0;
  int done_in_period = 0;
  std::optional<double> median_days, p90_days;  // absent when nothing was done
};
struct SlaReport {
  std::vector<SlaItemRow> items;    // overdue first, oldest first
  std::vector<SlaPathStats> paths;  // path 1, path 2
  int period_days = 0;
};
SlaReport sla_report(pqxx::transaction_base& txn, const ReportClock& clock,
                     const ReportFilter& filter, int path1_days, int path2_days, int period_days);
SlaReport sla_report(pqxx::transaction_base& txn, const ReportFilter& filter, int path1_days,
                     int path2_days, int period_days);

// A grant in force whose end date falls within the window, with its renew item if any.
struct ExpiringRow {
  std::string account, name, department, status, mandate, mandate_name_fi;
  std::string valid_until;
  int days_left = 0;
  std::optional<long long> renew_item;
  std::string renew_state;
};
std::vector<ExpiringRow> expiring_report(pqxx::transaction_base& txn, const ReportClock& clock,
                                         const ReportFilter& filter, int within_days);
std::vector<ExpiringRow> expiring_report(pqxx::transaction_base& txn, const ReportFilter& filter,
                                         int within_days);

}  // namespace valtuus
