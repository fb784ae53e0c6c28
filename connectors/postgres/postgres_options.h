// How to reach the database (database_options.h) and the connection itself, for the store's
// own code and for the programs that still use libpqxx directly.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>

#include "connectors/postgres/database_options.h"

namespace valtuus {

// Opens a connection. Throws ConfigError when a person must fix something (authentication,
// unknown database or role), TransientError when the server cannot be reached.
std::unique_ptr<pqxx::connection> connect_database(const DatabaseOptions& options);

}  // namespace valtuus
