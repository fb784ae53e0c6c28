// Decisions on many items at once, in the caller's transaction, through the database's own
// functions (which check the state machine and the version each person saw).
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <utility>
#include <vector>

namespace valtuus {

struct ItemVersion {
  long long id = 0;
  std::optional<int> version;  // the version the person saw; absent: not checked
};

// Approves every item in one statement (one round trip, whatever the count); returns each
// item's new version, in the order given. Throws on the first refusal: the caller's
// transaction then rolls back, and nothing is approved.
std::vector<std::pair<long long, int>> approve_items(pqxx::work& txn,
                                                     const std::vector<ItemVersion>& items);

}  // namespace valtuus
