// What the oversight reports, the attestation checklist and `policy preview` read: everything
// in one REPEATABLE READ, READ ONLY transaction, so that all a report shows describes one moment
// even while valtuusd writes a run. No function reads or returns a personal identity code in
// the clear.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connectors/postgres/attestation_store.h"
#include "connectors/postgres/report_queries.h"
#include "connectors/postgres/store_session.h"
#include "core/employee.h"
#include "core/oversight.h"
#include "core/reconcile_state.h"

namespace valtuus {

class ReportReader {
 public:
  // Begins the snapshot. `now` is the report's run time: every age and business date in the
  // report is taken from it, not from the database's clock.
  ReportReader(StoreSession& session, TimePoint now);
  ReportReader(const ReportReader&) = delete;
  ReportReader& operator=(const ReportReader&) = delete;
  ~ReportReader();  // ends the snapshot unless finish() did

  const ReportClock& clock() const { return clock_; }
  std::vector<LeaverRow> leavers(const ReportFilter& filter,
                                 const std::optional<std::string>& since,
                                 const std::vector<std::string>& leavers_ous);
  SlaReport sla(const ReportFilter& filter, int path1_days, int path2_days, int period_days);
  std::vector<ExpiringRow> expiring(const ReportFilter& filter, int within_days);
  // The ledger, the people and the open items as core/oversight.h compares them with the maps.
  OversightView oversight_view();
  // The themes the organisation may grant itself today (service path 1).
  std::set<std::string> organisation_rights();
  Checklist attestation_checklist(const std::string& theme, const ReportFilter& filter);
  std::vector<DifferenceRow> differences(bool open_only, const ReportFilter& filter);
  // The last directory snapshot and the reconcile state, for `policy preview`.
  Snapshot last_snapshot();
  ReconcileState reconcile_state();

  void finish();  // ends the snapshot (nothing was written)

 private:
  template <class Body>
  decltype(auto) read(Body&& body);

  StoreSession& session_;
  TimePoint now_;
  ReportClock clock_;
  std::unique_ptr<ReportSnapshot> txn_;
};

}  // namespace valtuus
