#include "connectors/postgres/reports.h"

#include "connectors/postgres/report_policy.h"
#include "connectors/postgres/staff_queries.h"
#include "connectors/postgres/state_queries.h"
#include "connectors/postgres/store_errors.h"

namespace valtuus {

template <class Body>
decltype(auto) ReportReader::read(Body&& body) {
  return store_call(session_, [&]() -> decltype(auto) { return body(*txn_); });
}

ReportReader::ReportReader(StoreSession& session, TimePoint now)
    : session_(session), now_(now), clock_(report_clock_at(now)) {
  store_call(session_, [&] { txn_ = std::make_unique<ReportSnapshot>(session_.connection()); });
}

ReportReader::~ReportReader() = default;

std::vector<LeaverRow> ReportReader::leavers(const ReportFilter& filter,
                                             const std::optional<std::string>& since,
                                             const std::vector<std::string>& leavers_ous) {
  return read(
      [&](ReportSnapshot& txn) { return leavers_report(txn, clock_, filter, since, leavers_ous); });
}

SlaReport ReportReader::sla(const ReportFilter& filter, int path1_days, int path2_days,
                            int period_days) {
  return read([&](ReportSnapshot& txn) {
    return sla_report(txn, clock_, filter, path1_days, path2_days, period_days);
  });
}

std::vector<ExpiringRow> ReportReader::expiring(const ReportFilter& filter, int within_days) {
  return read(
      [&](ReportSnapshot& txn) { return expiring_report(txn, clock_, filter, within_days); });
}

OversightView ReportReader::oversight_view() {
  return read([&](ReportSnapshot& txn) { return load_oversight_view(txn, now_); });
}

std::set<std::string> ReportReader::organisation_rights() {
  return read([&](ReportSnapshot& txn) { return load_organisation_rights(txn); });
}

Checklist ReportReader::attestation_checklist(const std::string& theme,
                                              const ReportFilter& filter) {
  return read([&](ReportSnapshot& txn) {
    return valtuus::attestation_checklist(txn, clock_, theme, filter);
  });
}

std::vector<DifferenceRow> ReportReader::differences(bool open_only, const ReportFilter& filter) {
  return read([&](ReportSnapshot& txn) { return list_differences(txn, open_only, filter); });
}

Snapshot ReportReader::last_snapshot() {
  return read([](ReportSnapshot& txn) { return load_last_snapshot(txn); });
}

ReconcileState ReportReader::reconcile_state() {
  return read([](ReportSnapshot& txn) { return load_reconcile_state(txn); });
}

void ReportReader::finish() {
  read([](ReportSnapshot& txn) { txn.commit(); });
}

}  // namespace valtuus
