#include "connectors/postgres/outbox_store.h"

namespace valtuus::outbox {

namespace {

constexpr const char* kColumns =
    "id, extract(epoch FROM created_at)::bigint, event, channel, audience, recipient, language, "
    "language_from_person, payload::text, idempotency_key, state, attempts, "
    "extract(epoch FROM next_attempt_at)::bigint, last_error, "
    "extract(epoch FROM sent_at)::bigint, run_id, item_id";

TimePoint epoch(const pqxx::field& f) {
  return TimePoint(std::chrono::seconds(f.as<long long>()));
}

OutboxRow to_row(const pqxx::row& r) {
  OutboxRow o;
  o.id = r[0].as<long long>();
  o.created_at = epoch(r[1]);
  o.event = r[2].as<std::string>();
  o.channel = r[3].as<std::string>();
  o.audience = r[4].as<std::string>();
  o.recipient = r[5].as<std::string>();
  o.language = r[6].as<std::string>();
  o.language_from_person = r[7].as<bool>();
  o.payload = nlohmann::json::parse(r[8].as<std::string>());
  o.idempotency_key = r[9].as<std::string>();
  o.state = r[10].as<std::string>();
  o.attempts = r[11].as<int>();
  o.next_attempt_at = epoch(r[12]);
  o.last_error = r[13].as<std::string>();
  if (!r[14].is_null()) o.sent_at = epoch(r[14]);
  if (!r[15].is_null()) o.run_id = r[15].as<long long>();
  if (!r[16].is_null()) o.item_id = r[16].as<long long>();
  return o;
}

// Cuts at a UTF-8 character boundary.
std::string cut(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

}  // namespace

std::optional<OutboxRow> claim_next(pqxx::work& txn) {
  // The function locks the row for this transaction (FOR UPDATE SKIP LOCKED); the sender's
  // login has no UPDATE on the outbox itself.
  const auto result = txn.exec(std::string("SELECT ") + kColumns + " FROM outbox_claim()");
  if (result.empty()) return std::nullopt;
  return to_row(result[0]);
}

int announce_pending(pqxx::work& txn) {
  return txn.exec1("SELECT outbox_announce_pending()")[0].as<int>();
}

long long unannounced_items(pqxx::transaction_base& txn) {
  return txn.exec1("SELECT outbox_unannounced_items()")[0].as<long long>();
}

int skip_stale(pqxx::work& txn) {
  return txn.exec1("SELECT outbox_skip_stale()")[0].as<int>();
}

void mark_sent(pqxx::work& txn, long long id) {
  txn.exec_params("SELECT outbox_mark_sent($1)", id);
}

std::string mark_failed(pqxx::work& txn, const OutboxRow& row, const std::string& error,
                        std::chrono::seconds backoff, int max_attempts) {
  const auto state =
      txn.exec_params1("SELECT outbox_mark_failed($1, $2, $3, $4)", row.id, cut(error, 2000),
                       static_cast<double>(backoff.count()), max_attempts)[0];
  return state.is_null() ? row.state : state.as<std::string>();
}

std::vector<OutboxRow> list(pqxx::transaction_base& txn, const ListFilter& filter) {
  std::string where = "true";
  if (filter.dead && filter.pending) {
    where = "state IN ('dead', 'pending')";
  } else if (filter.dead) {
    where = "state = 'dead'";
  } else if (filter.pending) {
    where = "state = 'pending'";
  }
  std::vector<OutboxRow> rows;
  for (const auto& r : txn.exec_params(std::string("SELECT ") + kColumns + " FROM outbox WHERE " +
                                           where + " ORDER BY id DESC LIMIT $1",
                                       filter.limit)) {
    rows.push_back(to_row(r));
  }
  return rows;
}

std::optional<OutboxRow> find(pqxx::transaction_base& txn, long long id) {
  const auto result =
      txn.exec_params(std::string("SELECT ") + kColumns + " FROM outbox WHERE id = $1", id);
  if (result.empty()) return std::nullopt;
  return to_row(result[0]);
}

bool retry(pqxx::work& txn, long long id) {
  return txn.exec_params1("SELECT outbox_retry($1)", id)[0].as<bool>();
}

}  // namespace valtuus::outbox
