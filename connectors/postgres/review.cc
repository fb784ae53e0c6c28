#include "connectors/postgres/review.h"

#include <pqxx/pqxx>

#include "connectors/postgres/store_errors.h"

namespace valtuus {

namespace {

// The database function of each decision, with its arguments after (id, version).
int decide_one(pqxx::work& txn, ItemDecision decision, const ItemVersion& item,
               const DecisionInput& input) {
  switch (decision) {
    case ItemDecision::kReject:
      return txn
          .exec_params1("SELECT reject_item($1, $2, $3, $4::date)", item.id, item.version,
                        input.text, input.until)[0]
          .as<int>();
    case ItemDecision::kApplied:
      return txn
          .exec_params1("SELECT mark_item_applied($1, $2, $3)", item.id, item.version,
                        input.text)[0]
          .as<int>();
    case ItemDecision::kDone:
      return txn
          .exec_params1("SELECT mark_item_done($1, $2, $3::timestamptz, $4::date, $5)", item.id,
                        item.version, input.executed_at, input.valid_until, input.text)[0]
          .as<int>();
    case ItemDecision::kFailed:
      return txn
          .exec_params1("SELECT mark_item_failed($1, $2, $3)", item.id, item.version, input.text)[0]
          .as<int>();
  }
  throw std::logic_error("unknown item decision");
}

}  // namespace

std::vector<ItemRow> list_items(StoreSession& session, const ItemFilter& filter) {
  return store_call(session, [&] { return list_items(session.connection(), filter); });
}

ItemDetail load_item_detail(StoreSession& session, long long id) {
  return store_call(session, [&] { return load_item_detail(session.connection(), id); });
}

std::vector<std::pair<long long, int>> approve_items(StoreSession& session,
                                                     const std::vector<ItemVersion>& items) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    auto approved = approve_items(txn, items);  // all in one statement, all or none
    txn.commit();
    return approved;
  });
}

std::vector<std::pair<long long, int>> decide_items(StoreSession& session, ItemDecision decision,
                                                    const std::vector<ItemVersion>& items,
                                                    const DecisionInput& input) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    std::vector<std::pair<long long, int>> decided;
    for (const ItemVersion& item : items)
      decided.emplace_back(item.id, decide_one(txn, decision, item, input));
    txn.commit();
    return decided;
  });
}

long long create_request(StoreSession& session, const std::string& account,
                         const std::string& mandate, const std::string& why,
                         const std::optional<std::string>& until) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    const long long id = txn.exec_params1("SELECT create_request($1, $2, $3, $4::date)", account,
                                          mandate, why, until)[0]
                             .as<long long>();
    txn.commit();
    return id;
  });
}

}  // namespace valtuus
