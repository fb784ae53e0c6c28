// The outbox table (sql/006_outbox.sql) as the sender and valtuusctl use it. Rows are enqueued
// by triggers in the database, never here. Each function works in the caller's transaction:
// the sender claims a row, sends it and marks it in one transaction, so a row locked by one
// sender is skipped by another (FOR UPDATE SKIP LOCKED) and a crash before commit leaves it
// pending (sent again with the same idempotency key).
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "connectors/postgres/outbox_row.h"

namespace valtuus::outbox {

// The oldest pending row that is due (next_attempt_at <= now()), locked FOR UPDATE SKIP LOCKED
// until the transaction ends; nullopt when none is due or all due rows are locked by others.
std::optional<OutboxRow> claim_next(pqxx::work& txn);

// Writes the "grant proposed" notices of the items a sync announced since the last call
// (outbox_announce_pending: only items still proposed; each announcement taken once, FOR
// UPDATE SKIP LOCKED, however many notifiers call it); returns how many notices it wrote.
int announce_pending(pqxx::work& txn);

// How many proposed items wait for the notifier to announce them: their "grant proposed"
// notices are not in the outbox yet.
long long unannounced_items(pqxx::transaction_base& txn);

// Marks "grant proposed" notices whose item is no longer open as skipped (they would say
// something untrue); returns how many.
int skip_stale(pqxx::work& txn);

// Marks a claimed row sent (sent_at = now()).
void mark_sent(pqxx::work& txn, long long id);

// Records a failed attempt of a claimed row: attempts + 1 and last_error (cut to 2000 bytes);
// the row becomes dead when attempts reach max_attempts, else stays pending until now() +
// backoff. Returns the new state, "pending" or "dead". Never put credentials in `error`.
std::string mark_failed(pqxx::work& txn, const OutboxRow& row, const std::string& error,
                        std::chrono::seconds backoff, int max_attempts);

struct ListFilter {
  bool dead = false;     // only dead rows
  bool pending = false;  // only pending rows (both: dead or pending)
  int limit = 1000;      // newest first
};
std::vector<OutboxRow> list(pqxx::transaction_base& txn, const ListFilter& filter = {});

// One row by id; nullopt when there is none.
std::optional<OutboxRow> find(pqxx::transaction_base& txn, long long id);

// dead → pending (attempts reset, due now), recorded in the audit trail by the database
// function outbox_retry (granted to administrators). Returns false when the row is not dead;
// throws pqxx::sql_error (no_data_found) when it does not exist.
bool retry(pqxx::work& txn, long long id);

}  // namespace valtuus::outbox
