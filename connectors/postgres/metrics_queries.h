// What the metrics file reports from the database: open change items by state, kind and age,
// sync runs held for a person, and the time of the last recorded run. Read-only; the daemon's
// role may run these.
#pragma once

#include <pqxx/pqxx>

#include "connectors/postgres/store_metrics.h"

namespace valtuus {

// Reads everything in one read-only transaction, at one moment of the database's clock.
StoreMetrics read_store_metrics(pqxx::connection& connection);

}  // namespace valtuus
