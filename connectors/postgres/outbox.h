// The notification outbox as its users see it. People (valtuusctl outbox) list rows, read one
// and send a dead one again; the sender (valtuus-notify) writes the notices of newly proposed
// grants, skips notices whose item closed, claims due rows one at a time, marks each sent or
// failed, and enqueues the daily messages. Rows are enqueued by the database in the transaction
// of their cause; a statement's newly proposed grants are announced there, and their notices
// written by the sender's next pass.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "connectors/postgres/outbox_row.h"
#include "connectors/postgres/outbox_store.h"
#include "connectors/postgres/store_session.h"

namespace valtuus {

std::vector<OutboxRow> list_outbox(StoreSession& session, const outbox::ListFilter& filter);
std::optional<OutboxRow> find_outbox_row(StoreSession& session, long long id);

struct OutboxRetry {
  std::optional<OutboxRow> row;  // as it was before; nullopt: no such row
  bool retried = false;          // false: the row was not dead, nothing changed
};
// Makes a dead row pending again (administrators).
OutboxRetry retry_outbox_row(StoreSession& session, long long id);

// Writes the "grant proposed" notices of the items syncs announced since the last call, in a
// transaction of its own; returns how many (the notifier, at the start of each pass).
int announce_proposed_grants(StoreSession& session);

// How many proposed items still wait for the notifier to write their "grant proposed" notices.
long long count_unannounced_items(StoreSession& session);

// Marks skipped the "grant proposed" notices whose item closed before they were sent; returns
// how many.
int skip_stale_outbox_rows(StoreSession& session);

// One due row, claimed (FOR UPDATE SKIP LOCKED) in a transaction of its own: several senders
// can run side by side. Marked and committed after the send; destroyed uncommitted, the row
// stays pending and is sent again with the same idempotency key.
class OutboxClaim {
 public:
  // The next due row; nullptr when none is due.
  static std::unique_ptr<OutboxClaim> next(StoreSession& session);
  OutboxClaim(const OutboxClaim&) = delete;
  OutboxClaim& operator=(const OutboxClaim&) = delete;
  ~OutboxClaim();

  const OutboxRow& row() const { return row_; }
  void mark_sent();
  // Returns the row's new state: pending (to retry after `backoff`) or dead.
  std::string mark_failed(const std::string& error, std::chrono::seconds backoff, int max_attempts);
  void commit();

 private:
  OutboxClaim(StoreSession& session, std::unique_ptr<pqxx::work> txn, OutboxRow row);
  StoreSession& session_;
  std::unique_ptr<pqxx::work> txn_;
  OutboxRow row_;
};

// The daily messages of UTC day `day` (YYYY-MM-DD): the overdue items against the path
// targets and the leavers digest. The database ignores a second call on the same day.
struct DailyEnqueued {
  bool overdue = false;  // false: nothing new to say that day
  bool leavers = false;
};
DailyEnqueued enqueue_daily_messages(StoreSession& session, const std::string& day, int path1_days,
                                     int path2_days);

}  // namespace valtuus
