#include "connectors/postgres/sync_store.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <tuple>

#include "connectors/postgres/catalog_writer.h"
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

// What a dry run's printed plan needs besides the plan: the open items it supersedes, and who
// the people it names are (from the read, else as last stored).
void describe_for_printing(pqxx::work& txn, const Snapshot& snapshot, const ReconcileState& state,
                           RunRecord& record) {
  const std::set<long long> superseded(record.plan.supersede.begin(), record.plan.supersede.end());
  for (const OpenItem& item : state.open_items) {
    if (superseded.count(item.id)) record.superseded.push_back(item);
  }
  std::set<std::string> keys;
  for (const ProposedItem& item : record.plan.add) {
    if (!item.employee_key.empty()) keys.insert(item.employee_key);
  }
  for (const OpenItem& item : record.superseded) {
    if (!item.employee_key.empty()) keys.insert(item.employee_key);
  }
  for (const Employee& e : snapshot.employees) {
    if (keys.erase(e.key)) record.people[e.key] = {e.account, e.display_name, e.department};
  }
  if (keys.empty()) return;
  for (const auto& row : txn.exec_params(
           "SELECT key, account, display_name, department FROM employee WHERE key = ANY($1)",
           text_array_literal({keys.begin(), keys.end()}))) {
    record.people[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<std::string>(),
                                               row[3].as<std::string>()};
  }
}

// A held run supersedes only the open items it replaces: their successors are in the run,
// held, and the one-open-item index needs the old ones gone first. An item the run merely no
// longer wants stays open, so that a bad read cannot make pending work vanish; the next run
// judges it again. Returns how many supersedes were left for later.
int keep_only_replacing_supersedes(Plan& plan, const ReconcileState& state) {
  std::set<std::tuple<ChangeKind, std::string, std::string>> added;
  for (const ProposedItem& item : plan.add)
    added.insert({item.kind, item.employee_key, item.mandate});
  std::set<long long> replaced;
  for (const OpenItem& item : state.open_items) {
    if (added.count({item.kind, item.employee_key, item.mandate})) replaced.insert(item.id);
  }
  const auto before = plan.supersede.size();
  plan.supersede.erase(std::remove_if(plan.supersede.begin(), plan.supersede.end(),
                                      [&](long long id) { return !replaced.count(id); }),
                       plan.supersede.end());
  plan.stats.superseded = static_cast<int>(plan.supersede.size());
  return static_cast<int>(before - plan.supersede.size());
}

// Through the function that also writes the audit event; the daemon has no right on the table.
void write_refused(pqxx::work& txn, long long run_id, const std::vector<RefusedValue>& refused) {
  if (refused.empty()) return;
  std::vector<std::string> dns, accounts, fields, reasons;
  for (const RefusedValue& r : refused) {
    dns.push_back(r.dn);
    accounts.push_back(r.account);
    fields.push_back(r.field);
    reasons.push_back(r.reason);
  }
  txn.exec_params(
      "SELECT record_refused_entries($1, $2::text[], $3::text[], $4::text[], $5::text[])", run_id,
      text_array_literal(dns), text_array_literal(accounts), text_array_literal(fields),
      text_array_literal(reasons));
}

}  // namespace

RunRecord SyncStore::sync(const Snapshot& snapshot, const Policy& policy, const Planner& planner,
                          TimePoint started_at, bool dry_run, const GuardOptions& guard,
                          const ReadMark& mark) {
  pqxx::work txn(connection_);
  txn.exec_params("SELECT pg_advisory_xact_lock($1)", kSyncLock);
  RunRecord record;
  const ReconcileState state = load_reconcile_state(txn);
  record.plan = planner(state);
  // The ledger as loaded in this transaction, under the sync lock: the base the share is of.
  const GuardVerdict verdict = check_guard(
      {record.plan, static_cast<long long>(state.ledger.size()), snapshot.complete,
       snapshot.incomplete_reason, static_cast<long long>(refused_entry_count(snapshot.refused))},
      guard);
  record.held = verdict.held;
  record.held_reason = verdict.reason;
  if (verdict.held) record.supersedes_deferred = keep_only_replacing_supersedes(record.plan, state);
  if (dry_run) {
    describe_for_printing(txn, snapshot, state, record);
    txn.abort();
    return record;
  }
  const PlanStats& stats = record.plan.stats;
  const std::optional<std::string> held_reason =
      verdict.held ? std::optional<std::string>(verdict.reason) : std::nullopt;
  nlohmann::json details = {{"entries_read", stats.employees_read},
                            {"complete", snapshot.complete},
                            {"full_read", mark.full_read},
                            {"grants", stats.grants},
                            {"org_applies", stats.org_applies},
                            {"revokes", stats.revokes},
                            {"renews", stats.renews},
                            {"superseded", stats.superseded},
                            {"refused_people", stats.refused_people}};
  if (verdict.held) {
    details["held_reason"] = verdict.reason;
    details["supersedes_deferred"] = record.supersedes_deferred;
  }
  // Every write below goes through a function of sql/009_sync_writes.sql that checks it and
  // writes its audit event; the daemon's role holds no write privilege on the tables.
  record.run_id =
      txn.exec_params1(
             "SELECT sync_run_insert($1, $2, $3, $4, $5, $6, $7, $8::text, $9, $10, $11::jsonb)",
             pg_timestamp(started_at), snapshot.source, snapshot.complete,
             snapshot.incomplete_reason, stats.employees_read,
             static_cast<int>(record.plan.add.size()), stats.superseded, held_reason,
             snapshot.complete ? mark.watermark : std::string(), mark.full_read, details.dump())[0]
          .as<long long>();
  write_refused(txn, record.run_id, snapshot.refused);
  write_catalog(txn, record.run_id, policy);
  write_employees(txn, record.run_id, snapshot, record.plan, state.history);
  write_identity_codes(txn, record.run_id, snapshot, identity_);
  // A held run's new items wait in state 'held'; its supersedes are only those replacing.
  write_plan_items(txn, record.run_id, record.plan,
                   verdict.held ? ItemState::kHeld : ItemState::kProposed);
  txn.commit();
  return record;
}

}  // namespace valtuus
