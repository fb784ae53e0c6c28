#include "connectors/postgres/sync_store.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <set>

#include "connectors/postgres/employee_writer.h"
#include "connectors/postgres/identity_store.h"
#include "connectors/postgres/item_writer.h"
#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_time.h"
#include "connectors/postgres/state_queries.h"

namespace valtuus {

namespace {

// Serialises sync runs, so that two daemons never plan against the same open items at once.
constexpr long long kSyncLock = 0x56414c5455555302LL;  // "VALTUUS" 02

std::string location_text(const SourceLocation& location) {
  return location.file.empty() ? "" : location.file + ":" + std::to_string(location.line);
}

void write_catalog(pqxx::work& txn, const Policy& policy) {
  for (const MandateIssue& m : policy.catalog) {
    txn.exec_params(
        "INSERT INTO mandate_issue (id, suomifi_code, name_fi, name_sv, name_en, service, "
        "  mandate_type, organisation_holds, max_validity_days, renewal_notice_days, "
        "  policy_location) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        "ON CONFLICT (id) DO UPDATE SET suomifi_code = EXCLUDED.suomifi_code, "
        "  name_fi = EXCLUDED.name_fi, name_sv = EXCLUDED.name_sv, name_en = EXCLUDED.name_en, "
        "  service = EXCLUDED.service, mandate_type = EXCLUDED.mandate_type, "
        "  organisation_holds = EXCLUDED.organisation_holds, "
        "  max_validity_days = EXCLUDED.max_validity_days, "
        "  renewal_notice_days = EXCLUDED.renewal_notice_days, "
        "  policy_location = EXCLUDED.policy_location, updated_at = now() "
        "WHERE (mandate_issue.suomifi_code, mandate_issue.name_fi, mandate_issue.name_sv, "
        "  mandate_issue.name_en, mandate_issue.service, mandate_issue.mandate_type, "
        "  mandate_issue.organisation_holds, mandate_issue.max_validity_days, "
        "  mandate_issue.renewal_notice_days, mandate_issue.policy_location) "
        "  IS DISTINCT FROM (EXCLUDED.suomifi_code, EXCLUDED.name_fi, EXCLUDED.name_sv, "
        "  EXCLUDED.name_en, EXCLUDED.service, EXCLUDED.mandate_type, "
        "  EXCLUDED.organisation_holds, EXCLUDED.max_validity_days, "
        "  EXCLUDED.renewal_notice_days, EXCLUDED.policy_location)",
        m.id, m.suomifi_code, m.name_fi, m.name_sv, m.name_en, m.service,
        m.type == MandateType::kEdustamisvaltuus ? "edustamisvaltuus" : "asiointivaltuus",
        m.organisation_holds, m.max_validity_days, m.renewal_notice_days,
        location_text(m.location));
  }
}

}  // namespace

RunRecord SyncStore::sync(const Snapshot& snapshot, const Policy& policy, const Planner& planner,
                          TimePoint started_at, bool dry_run) {
  pqxx::work txn(connection_);
  txn.exec_params("SELECT pg_advisory_xact_lock($1)", kSyncLock);
  RunRecord record;
  record.plan = planner(load_reconcile_state(txn));
  if (dry_run) {
    txn.abort();
    return record;
  }
  const PlanStats& stats = record.plan.stats;
  record.run_id = txn.exec_params1(
                         "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, "
                         "  incomplete_reason, entries_read, items_added, items_superseded) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                         pg_timestamp(started_at), snapshot.source, snapshot.complete,
                         snapshot.incomplete_reason, stats.employees_read,
                         static_cast<int>(record.plan.add.size()), stats.superseded)[0]
                      .as<long long>();
  write_catalog(txn, policy);
  write_employees(txn, record.run_id, snapshot, record.plan);
  write_identity_codes(txn, snapshot, identity_);
  write_plan_items(txn, record.run_id, record.plan);
  nlohmann::json details = {{"entries_read", stats.employees_read},
                            {"complete", snapshot.complete},
                            {"grants", stats.grants},
                            {"org_applies", stats.org_applies},
                            {"revokes", stats.revokes},
                            {"renews", stats.renews},
                            {"superseded", stats.superseded}};
  txn.exec_params(
      "INSERT INTO audit_event (action, run_id, details) VALUES ('sync_run', $1, $2::jsonb)",
      record.run_id, details.dump());
  txn.commit();
  return record;
}

}  // namespace valtuus
