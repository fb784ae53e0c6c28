// Reads what the reconcile needs from the database, inside the caller's transaction: the
// state (ledger, open items, history) and the last directory snapshot as stored.
#pragma once

#include <pqxx/pqxx>

#include "core/employee.h"
#include "core/reconcile_state.h"

namespace valtuus {

ReconcileState load_reconcile_state(pqxx::transaction_base& txn);

// The employees as the last sync run read them (leavers included), for
// `policy explain` and `policy preview`. Complete when the last run's read was complete.
Snapshot load_last_snapshot(pqxx::transaction_base& txn);

}  // namespace valtuus
