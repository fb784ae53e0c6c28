// Drains the outbox: each due row is claimed (FOR UPDATE SKIP LOCKED), rendered, sent and
// marked in its own transaction, so several senders can run side by side and a crash after a
// send but before the commit leaves the row pending: it is sent again with the same
// idempotency key (Message-ID / Idempotency-Key), on which receivers deduplicate.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "common/backoff.h"
#include "connectors/postgres/store_session.h"
#include "messages/message.h"
#include "messages/template.h"
#include "notify/notify_options.h"
#include "notify/smtp_transport.h"
#include "notify/webhook_transport.h"

namespace valtuus {

struct DrainStats {
  int sent = 0;
  int retry = 0;      // failed, to be tried again later
  int dead = 0;       // failed for good (or after notify.max_attempts)
  int skipped = 0;    // "grant proposed" notices whose item closed before they were sent
  int announced = 0;  // "grant proposed" notices written for items syncs proposed
};

class OutboxSender {
 public:
  // `store` is the notifier's database login (role valtuus_notifier).
  OutboxSender(StoreSession& store, const NotifyOptions& options, TemplateSet templates,
               Backoff::Uniform uniform = system_uniform());

  // First writes the "grant proposed" notices of the items syncs proposed since the last pass
  // (a transaction of its own; a refusal is logged and the pass goes on with what the outbox
  // holds), then sends every row that is due now, one transaction each, until none is due, a
  // row tried in this drain is due again (a short backoff), or `stop()` says so between rows.
  DrainStats drain(const std::function<bool()>& stop = [] { return false; });

  // Once per UTC day, from notify.daily_hour: enqueues the overdue-items message and the
  // leavers digest (the database functions ignore a second call on the same day). Returns
  // true when it called them now.
  bool run_daily_jobs(std::chrono::system_clock::time_point now);

  // The delay before the next attempt of a row that has failed `attempts` times before.
  std::chrono::seconds retry_delay(int attempts);

 private:
  DeliveryResult deliver(const Message& message) const;

  StoreSession& store_;
  const NotifyOptions& options_;
  TemplateSet templates_;
  Recipients recipients_;
  Backoff::Uniform uniform_;
  std::optional<SmtpTransport> smtp_;
  std::optional<WebhookTransport> webhook_;
  std::string last_daily_day_;  // YYYY-MM-DD of the last daily jobs
};

}  // namespace valtuus
