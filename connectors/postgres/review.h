// What a mandate administrator does with change items: lists them, reads one item's card,
// approves, rejects, records that a path 2 application was sent (applied), that an item was
// executed in Suomi.fi (done) or that executing it failed, and fills in the order form. Every
// decision goes through the database's own functions, which check the state machine and the
// version the person saw and stamp the person's login; a refusal is a Refused error.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/postgres/decisions.h"
#include "connectors/postgres/item_detail.h"
#include "connectors/postgres/item_queries.h"
#include "connectors/postgres/store_session.h"

namespace valtuus {

std::vector<ItemRow> list_items(StoreSession& session, const ItemFilter& filter);
// Throws DataError when there is no such item.
ItemDetail load_item_detail(StoreSession& session, long long id);

// The decisions after approval that take the same shape: one function call per item.
enum class ItemDecision { kReject, kApplied, kDone, kFailed };

struct DecisionInput {
  std::string text;                        // reject/failed: the reason; applied/done: the note
  std::optional<std::string> until;        // reject: the exception holds until (YYYY-MM-DD)
  std::optional<std::string> executed_at;  // done: when, in Suomi.fi (default: now)
  std::optional<std::string> valid_until;  // done: the end date set in Suomi.fi
};

// Each returns (item id, new version) in the order given. All the items in one transaction:
// all of them, or none when one is refused.
std::vector<std::pair<long long, int>> approve_items(StoreSession& session,
                                                     const std::vector<ItemVersion>& items);
std::vector<std::pair<long long, int>> decide_items(StoreSession& session, ItemDecision decision,
                                                    const std::vector<ItemVersion>& items,
                                                    const DecisionInput& input);

// The order form: a person asks for a mandate the maps do not give. Returns its id.
long long create_request(StoreSession& session, const std::string& account,
                         const std::string& mandate, const std::string& why,
                         const std::optional<std::string>& until);

}  // namespace valtuus
