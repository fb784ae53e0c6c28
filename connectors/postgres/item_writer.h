// Writes a plan's items inside the run's transaction: superseded ones through the database's
// own function, new ones with COPY (libpqxx stream_to), so that a plan of 100,000 items costs
// about what a raw COPY of its rows costs.
#pragma once

#include <pqxx/pqxx>

#include "core/change_item.h"

namespace valtuus {

// New items start in `initial_state`: kProposed, or kHeld when the guard held the run.
void write_plan_items(pqxx::work& txn, long long run_id, const Plan& plan,
                      ItemState initial_state = ItemState::kProposed);

}  // namespace valtuus
