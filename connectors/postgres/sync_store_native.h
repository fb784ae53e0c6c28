// The libpqxx side of SyncStore, for the store's own code and for tests that hold a
// connection of their own. Programs never include this.
#pragma once

#include <memory>
#include <optional>
#include <pqxx/pqxx>

#include "connectors/postgres/database_options.h"
#include "connectors/postgres/sync_store.h"

namespace valtuus {

struct SyncStore::Native {
  std::optional<DatabaseOptions> options;   // none for a borrowed connection
  std::unique_ptr<pqxx::connection> owned;  // null for a borrowed connection
  pqxx::connection* connection = nullptr;   // the session
};

// A store on `connection`, which must outlive it (tests).
std::unique_ptr<SyncStore> borrow_sync_store(pqxx::connection& connection);

// Runs `work`, turning libpqxx's exceptions into core/errors.h kinds (see sync_store.h);
// the project's own errors and anything else pass as they are.
[[noreturn]] void rethrow_as_sync_error();
template <typename Work>
decltype(auto) translate_sync_errors(Work&& work) {
  try {
    return work();
  } catch (...) {
    rethrow_as_sync_error();
  }
}

}  // namespace valtuus
