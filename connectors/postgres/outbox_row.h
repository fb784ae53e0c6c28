// One row of the outbox table (sql/006_outbox.sql): a notification enqueued in the same
// transaction as the run or decision that caused it. Plain values, no behaviour.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/employee.h"

namespace valtuus {

struct OutboxRow {
  long long id = 0;
  TimePoint created_at{};
  std::string event;      // run_items | run_held | grant_proposed | grant_done | revoke_done |
                          // items_overdue | leavers_digest
  std::string channel;    // mail | webhook
  std::string audience;   // reviewers | security | employee | manager
  std::string recipient;  // a mail address for employee/manager; "" for reviewers/security
  std::string language = "fi";        // fi | sv | en
  bool language_from_person = false;  // false: the database's default, a sender may override
  nlohmann::json payload = nlohmann::json::object();  // placeholder values; never an identity code
  std::string idempotency_key;                        // Message-ID / Idempotency-Key
  std::string state = "pending";                      // pending | sent | dead
  int attempts = 0;
  TimePoint next_attempt_at{};
  std::string last_error;
  std::optional<TimePoint> sent_at;
  std::optional<long long> run_id;   // the run that caused it, if any
  std::optional<long long> item_id;  // the item that caused it, if any
};

}  // namespace valtuus
