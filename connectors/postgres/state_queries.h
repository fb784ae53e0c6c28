// Reads what the reconcile needs from the database, inside the caller's transaction: the
// state (ledger, open items, history) and the last directory snapshot as stored.
#pragma once

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/employee.h"
#include "core/reconcile_state.h"

namespace valtuus {

ReconcileState load_reconcile_state(pqxx::transaction_base& txn);

// What finding the people a full read may change needs (people_a_full_read_may_change), and
// no more: every stored employee's key, absence and row digest (the rest of each history
// empty), and the exceptions as load_reconcile_state loads them. No ledger, open items,
// requests or rights: load_state_of adds them for the people found.
ReconcileState load_scope_state(pqxx::transaction_base& txn);
// How many grants are in force: the size of load_reconcile_state's ledger.
long long count_grants_in_force(pqxx::transaction_base& txn);
// Completes a state from load_scope_state for `keys` alone, as load_reconcile_state would have
// loaded it for them: their history rows, their grants in force (in the same order), their
// open items and the organisation's applications, their order forms, and the organisation's
// rights.
void load_state_of(pqxx::transaction_base& txn, const std::vector<std::string>& keys,
                   ReconcileState& state);

// The history of `keys` as stored now, replacing what `history` held of them (after a run's own
// writes, for the state the daemon keeps between runs).
void reload_history_of(pqxx::transaction_base& txn, const std::vector<std::string>& keys,
                       HistoryMap& history);

// The open items of `keys` as stored now, and with `applications` the organisation's
// applications (org_apply, which name nobody). Their keys are shared with `history`'s.
std::vector<OpenItem> load_open_items_of(pqxx::transaction_base& txn, const HistoryMap& history,
                                         const std::vector<std::string>& keys, bool applications);

// The employees as the sync runs last read them (leavers included; people a complete read no
// longer found excluded), for `policy explain` and `policy preview`, and as the base of an
// incremental read after a restart. Complete when the last run's read was complete.
Snapshot load_last_snapshot(pqxx::transaction_base& txn);

// How long ago the last complete full read began, by the database's clock; nullopt when no
// run read the whole directory completely yet. The daemon's schedule of full reads starts
// from it, so that a restart neither reads fully at once nor postpones the next full read.
std::optional<std::chrono::seconds> last_full_read_age(pqxx::transaction_base& txn);

}  // namespace valtuus
