// Writes a plan's items inside the run's transaction, through the database's functions
// (sql/009_sync_writes.sql): the superseded ones in one call, the new ones with COPY into a
// staging table and one call, so that a plan of 100,000 items costs about what a raw COPY of
// its rows costs, and the daemon needs no write privilege on change_item.
#pragma once

#include <pqxx/pqxx>

#include "core/change_item.h"

namespace valtuus {

// New items start in `initial_state`: kProposed, or kHeld when the guard held the run (the
// database refuses any other state, and a held state for a run that is not held).
void write_plan_items(pqxx::work& txn, long long run_id, const Plan& plan,
                      ItemState initial_state = ItemState::kProposed);

}  // namespace valtuus
