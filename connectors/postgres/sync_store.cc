#include "connectors/postgres/sync_store.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <pqxx/pqxx>
#include <unordered_set>

#include "connectors/postgres/catalog_writer.h"
#include "connectors/postgres/employee_writer.h"
#include "connectors/postgres/grant_import_store.h"
#include "connectors/postgres/identity_store.h"
#include "connectors/postgres/item_writer.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/permission_hint.h"
#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_time.h"
#include "connectors/postgres/postgres_options.h"
#include "connectors/postgres/state_queries.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/errors.h"

namespace valtuus {

namespace {

// Serialises sync runs, so that two daemons never plan against the same open items at once.
constexpr long long kSyncLock = 0x56414c5455555302LL;  // "VALTUUS" 02

}  // namespace

void rethrow_as_sync_error() {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw ConnectionLost(e.what());
  } catch (const pqxx::insufficient_privilege& e) {
    throw Refused(e.what());
  } catch (const pqxx::transaction_rollback& e) {
    // A serialisation failure or a deadlock: the same transaction again may succeed.
    throw TransientError(e.what());
  } catch (const pqxx::in_doubt_error& e) {
    throw TransientError(e.what());
  } catch (const pqxx::sql_error& e) {
    // libpqxx 6.4 does not map every SQLSTATE to a class.
    if (e.sqlstate() == "42501") throw Refused(e.what());
    if (e.sqlstate().rfind("40", 0) == 0) throw TransientError(e.what());
    throw Error(e.what());
  } catch (const pqxx::pqxx_exception& e) {
    throw Error(e.base().what());
  }
}

std::unique_ptr<SyncStore> borrow_sync_store(pqxx::connection& connection) {
  auto native = std::make_unique<SyncStore::Native>();
  native->connection = &connection;
  return std::make_unique<SyncStore>(std::move(native));
}

SyncStore::SyncStore(std::unique_ptr<Native> native) : native_(std::move(native)) {}

SyncStore::~SyncStore() = default;

std::unique_ptr<SyncStore> SyncStore::open(const DatabaseOptions& options) {
  return translate_sync_errors([&] {
    auto native = std::make_unique<Native>();
    native->options = options;
    native->owned = connect_database(options);
    native->connection = native->owned.get();
    require_current_schema(*native->connection);
    return std::make_unique<SyncStore>(std::move(native));
  });
}

std::function<void()> SyncStore::canceller() const {
  if (!native_->options) return [] {};
  return [options = *native_->options, backend_pid = native_->connection->backendpid()] {
    translate_sync_errors([&] {
      auto connection = connect_database(options);
      pqxx::nontransaction txn(*connection);
      txn.exec_params("SELECT pg_cancel_backend($1)", backend_pid);
    });
  };
}

std::string explain_refusal(const std::string& message, SyncStore* store) {
  return explain_permission_denied(message, store ? store->native().connection : nullptr);
}

std::string SyncStore::why_not_new_installation() {
  return translate_sync_errors(
      [&] { return valtuus::why_not_new_installation(*native_->connection); });
}

struct SyncTransaction::Work {
  explicit Work(pqxx::connection& connection) : txn(connection) {}
  pqxx::work txn;
  const IdentityCrypto* identity = nullptr;
  std::vector<std::string> employees_written;  // by write_employees, for refresh_state
};

SyncTransaction::SyncTransaction(SyncStore& store, const IdentityCrypto* identity) {
  translate_sync_errors([&] {
    work_ = std::make_unique<Work>(*store.native().connection);
    work_->identity = identity;
    work_->txn.exec_params("SELECT pg_advisory_xact_lock($1)", kSyncLock);
  });
}

// pqxx::work aborts in its own destructor when it was not committed.
SyncTransaction::~SyncTransaction() = default;

ReconcileState SyncTransaction::load_state() {
  return translate_sync_errors([&] { return load_reconcile_state(work_->txn); });
}

ReconcileState SyncTransaction::load_scope_state() {
  return translate_sync_errors([&] { return valtuus::load_scope_state(work_->txn); });
}

long long SyncTransaction::count_grants_in_force() {
  return translate_sync_errors([&] { return valtuus::count_grants_in_force(work_->txn); });
}

void SyncTransaction::complete_state_of(ReconcileState& state,
                                        const std::vector<std::string>& keys) {
  translate_sync_errors([&] { load_state_of(work_->txn, keys, state); });
}

// The trail's tally (sql/019_audit_tally.sql): one row that the chain trigger keeps, where
// count(*) and max(id) read the whole trail, which only grows.
StateMark SyncTransaction::state_mark() {
  return translate_sync_errors([&] {
    const pqxx::row row = work_->txn.exec1("SELECT events, newest FROM audit_tally");
    return StateMark{row[0].as<long long>(), row[1].as<long long>()};
  });
}

std::optional<StateMark> SyncTransaction::mark_after_own_writes(const StateMark& before,
                                                                long long run_id) {
  return translate_sync_errors([&]() -> std::optional<StateMark> {
    // This run's events came after `before` was read, so their ids are above its newest: a
    // range of the primary key as long as the run's own events (and any other writer's).
    const pqxx::row row = work_->txn.exec_params1(
        "SELECT t.events, t.newest, (SELECT count(*) FROM audit_event "
        "WHERE id > $1 AND run_id = $2) FROM audit_tally t",
        before.newest, run_id);
    const StateMark after{row[0].as<long long>(), row[1].as<long long>()};
    if (before.events < 0 || after.events != before.events + row[2].as<long long>()) {
      return std::nullopt;
    }
    return after;
  });
}

std::optional<ReconcileMark> SyncTransaction::reconcile_mark() {
  return translate_sync_errors([&]() -> std::optional<ReconcileMark> {
    // The newest run's, on its own row (sql/024_run_reconcile_mark.sql); a newest run without
    // one (held, incomplete) leaves none, whatever older runs left.
    const pqxx::result rows = work_->txn.exec(
        "SELECT mark_audit_events, mark_audit_newest, mark_inputs, "
        "extract(epoch FROM mark_whole_at)::bigint, mark_recheck FROM sync_run "
        "WHERE mark_inputs IS NOT NULL AND id = (SELECT max(id) FROM sync_run)");
    if (rows.empty()) return std::nullopt;
    const pqxx::row row = rows[0];
    ReconcileMark mark;
    mark.mark = StateMark{row[0].as<long long>(), row[1].as<long long>()};
    mark.inputs = row[2].as<std::string>();
    mark.whole_now = TimePoint{std::chrono::seconds{row[3].as<long long>()}};
    for (std::string& key : parse_text_array(row[4].as<std::string>())) {
      mark.recheck.insert(std::move(key));
    }
    return mark;
  });
}

void SyncTransaction::write_reconcile_mark(long long run_id, const ReconcileMark& mark) {
  translate_sync_errors([&] {
    std::vector<std::string> recheck(mark.recheck.begin(), mark.recheck.end());
    std::sort(recheck.begin(), recheck.end());
    work_->txn.exec_params(
        "SELECT sync_reconcile_mark_write($1, $2, $3, $4, $5::timestamptz, $6::text[])", run_id,
        mark.mark.events, mark.mark.newest, mark.inputs, pg_timestamp(mark.whole_now),
        text_array_literal(recheck));
  });
}

bool SyncTransaction::refresh_state(ReconcileState& state, const Plan& plan) {
  return translate_sync_errors([&] {
    reload_history_of(work_->txn, work_->employees_written, state.history);
    // The people whose open items this run changed, and whether it touched an application.
    std::unordered_set<std::string> people;
    bool applications = false;
    for (const ProposedItem& item : plan.add) {
      if (item.employee_key.empty()) {
        applications = true;
      } else {
        people.insert(item.employee_key);
      }
    }
    std::unordered_set<long long> superseded(plan.supersede.begin(), plan.supersede.end());
    std::size_t known = 0;
    for (const OpenItem& item : state.open_items) {
      if (!superseded.count(item.id)) continue;
      ++known;
      if (item.employee_key.empty()) {
        applications = true;
      } else {
        people.insert(item.employee_key);
      }
    }
    if (known != superseded.size()) return false;
    if (people.empty() && !applications) return true;
    std::erase_if(state.open_items, [&](const OpenItem& item) {
      return item.employee_key.empty() ? applications : people.count(item.employee_key) > 0;
    });
    std::vector<OpenItem> now =
        load_open_items_of(work_->txn, state.history,
                           std::vector<std::string>(people.begin(), people.end()), applications);
    state.open_items.insert(state.open_items.end(), std::make_move_iterator(now.begin()),
                            std::make_move_iterator(now.end()));
    return true;
  });
}

void SyncTransaction::describe_stored_people(RunRecord& record, const std::set<std::string>& keys) {
  if (keys.empty()) return;
  translate_sync_errors([&] {
    for (const auto& row : work_->txn.exec_params(
             "SELECT key, account, display_name, department FROM employee WHERE key = ANY($1)",
             text_array_literal({keys.begin(), keys.end()}))) {
      record.people[row[0].as<std::string>()] = {row[1].as<std::string>(), row[2].as<std::string>(),
                                                 row[3].as<std::string>()};
    }
  });
}

long long SyncTransaction::write_run(const RunRecord& record, const Snapshot& snapshot,
                                     TimePoint started_at, const ReadMark& mark) {
  const PlanStats& stats = record.plan.stats;
  const std::optional<std::string> held_reason =
      record.held ? std::optional<std::string>(record.held_reason) : std::nullopt;
  nlohmann::json details = {{"entries_read", stats.employees_read},
                            {"complete", snapshot.complete},
                            {"full_read", mark.full_read},
                            {"grants", stats.grants},
                            {"org_applies", stats.org_applies},
                            {"revokes", stats.revokes},
                            {"renews", stats.renews},
                            {"superseded", stats.superseded},
                            {"refused_people", stats.refused_people}};
  if (record.held) {
    details["held_reason"] = record.held_reason;
    details["supersedes_deferred"] = record.supersedes_deferred;
  }
  return translate_sync_errors([&] {
    return work_->txn
        .exec_params1(
            "SELECT sync_run_insert($1, $2, $3, $4, $5, $6, $7, $8::text, $9, $10, $11::jsonb)",
            pg_timestamp(started_at), snapshot.source, snapshot.complete,
            snapshot.incomplete_reason, stats.employees_read,
            static_cast<int>(record.plan.add.size()), stats.superseded, held_reason,
            snapshot.complete ? mark.watermark : std::string(), mark.full_read, details.dump())[0]
        .as<long long>();
  });
}

void SyncTransaction::write_refused(long long run_id, const std::vector<RefusedValue>& refused) {
  if (refused.empty()) return;
  std::vector<std::string> dns, accounts, fields, reasons;
  for (const RefusedValue& r : refused) {
    dns.push_back(r.dn);
    accounts.push_back(r.account);
    fields.push_back(r.field);
    reasons.push_back(r.reason);
  }
  translate_sync_errors([&] {
    work_->txn.exec_params(
        "SELECT record_refused_entries($1, $2::text[], $3::text[], $4::text[], $5::text[])", run_id,
        text_array_literal(dns), text_array_literal(accounts), text_array_literal(fields),
        text_array_literal(reasons));
  });
}

void SyncTransaction::write_catalog(long long run_id, const Policy& policy) {
  translate_sync_errors([&] { valtuus::write_catalog(work_->txn, run_id, policy); });
}

void SyncTransaction::write_employees(long long run_id, const Snapshot& snapshot, const Plan& plan,
                                      const ReconcileState& state,
                                      const std::unordered_set<std::string>* only) {
  translate_sync_errors([&] {
    work_->employees_written =
        valtuus::write_employees(work_->txn, run_id, snapshot, plan, state.history, only).keys;
  });
}

void SyncTransaction::write_identity_codes(long long run_id, const Snapshot& snapshot,
                                           const std::unordered_set<std::string>* only) {
  translate_sync_errors(
      [&] { valtuus::write_identity_codes(work_->txn, run_id, snapshot, work_->identity, only); });
}

void SyncTransaction::write_items(long long run_id, const Plan& plan, bool held) {
  translate_sync_errors([&] {
    write_plan_items(work_->txn, run_id, plan, held ? ItemState::kHeld : ItemState::kProposed);
  });
}

void SyncTransaction::commit() {
  translate_sync_errors([&] { work_->txn.commit(); });
}

}  // namespace valtuus
