// Loads what the oversight reports that compare the ledger with the authorisation maps
// (valtuusctl report movers | drift | holdings | capability) read: people, grants in force,
// open items, order forms, in the caller's snapshot transaction. Only rows: what a person needs
// and what the reports conclude is the core's (core/oversight.h, core/needs.h).
#pragma once

#include <pqxx/pqxx>

#include "core/oversight.h"

namespace valtuus {

// `now`: the moment the report describes (when the command started). Grants are kept when in
// force on its day by the core's rule, not the database's clock.
OversightView load_oversight_view(pqxx::transaction_base& txn, TimePoint now);

}  // namespace valtuus
