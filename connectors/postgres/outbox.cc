#include "connectors/postgres/outbox.h"

#include <pqxx/pqxx>

#include "connectors/postgres/store_errors.h"

namespace valtuus {

std::vector<OutboxRow> list_outbox(StoreSession& session, const outbox::ListFilter& filter) {
  return store_call(session, [&] {
    pqxx::read_transaction txn(session.connection());
    return outbox::list(txn, filter);
  });
}

std::optional<OutboxRow> find_outbox_row(StoreSession& session, long long id) {
  return store_call(session, [&] {
    pqxx::read_transaction txn(session.connection());
    return outbox::find(txn, id);
  });
}

OutboxRetry retry_outbox_row(StoreSession& session, long long id) {
  return store_call(session, [&] {
    OutboxRetry result;
    pqxx::work txn(session.connection());
    result.row = outbox::find(txn, id);
    if (!result.row) return result;
    result.retried = outbox::retry(txn, id);
    if (result.retried) txn.commit();
    return result;
  });
}

int announce_proposed_grants(StoreSession& session) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    const int written = outbox::announce_pending(txn);
    txn.commit();
    return written;
  });
}

long long count_unannounced_items(StoreSession& session) {
  return store_call(session, [&] {
    pqxx::read_transaction txn(session.connection());
    return outbox::unannounced_items(txn);
  });
}

int skip_stale_outbox_rows(StoreSession& session) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    const int skipped = outbox::skip_stale(txn);
    txn.commit();
    return skipped;
  });
}

OutboxClaim::OutboxClaim(StoreSession& session, std::unique_ptr<pqxx::work> txn, OutboxRow row)
    : session_(session), txn_(std::move(txn)), row_(std::move(row)) {}

OutboxClaim::~OutboxClaim() = default;

std::unique_ptr<OutboxClaim> OutboxClaim::next(StoreSession& session) {
  return store_call(session, [&]() -> std::unique_ptr<OutboxClaim> {
    auto txn = std::make_unique<pqxx::work>(session.connection());
    std::optional<OutboxRow> row = outbox::claim_next(*txn);
    if (!row) return nullptr;
    return std::unique_ptr<OutboxClaim>(new OutboxClaim(session, std::move(txn), std::move(*row)));
  });
}

void OutboxClaim::mark_sent() {
  store_call(session_, [&] { outbox::mark_sent(*txn_, row_.id); });
}

std::string OutboxClaim::mark_failed(const std::string& error, std::chrono::seconds backoff,
                                     int max_attempts) {
  return store_call(session_,
                    [&] { return outbox::mark_failed(*txn_, row_, error, backoff, max_attempts); });
}

void OutboxClaim::commit() {
  store_call(session_, [&] { txn_->commit(); });
}

DailyEnqueued enqueue_daily_messages(StoreSession& session, const std::string& day, int path1_days,
                                     int path2_days) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    const pqxx::row overdue = txn.exec_params1("SELECT outbox_enqueue_overdue($1::date, $2, $3)",
                                               day, path1_days, path2_days);
    const pqxx::row leavers =
        txn.exec_params1("SELECT outbox_enqueue_leavers_digest($1::date)", day);
    txn.commit();
    return DailyEnqueued{!overdue[0].is_null(), !leavers[0].is_null()};
  });
}

}  // namespace valtuus
