// One program's session with the store: its connection, opened with the configured options over
// a schema this build knows. valtuusctl and valtuus-notify hold one and hand it to the store's
// interfaces (review.h, runs.h, reports.h, outbox.h, attestations.h, identity_codes.h,
// audit.h); they never reach the connection themselves. The store's functions turn libpqxx's
// exceptions into core/errors.h kinds (store_errors.h).
#pragma once

#include <memory>
#include <pqxx/connection>

#include "connectors/postgres/postgres_options.h"

namespace valtuus {

class StoreSession {
 public:
  enum class SchemaCheck { kRequireCurrent, kNone };
  // Connects and (kRequireCurrent) refuses a schema this build does not know: ConfigError (a
  // person must fix the configuration or migrate), TransientError (the server cannot be
  // reached). valtuus-notify opens with kNone: its login reads only the outbox.
  static std::unique_ptr<StoreSession> open(const DatabaseOptions& options,
                                            SchemaCheck check = SchemaCheck::kRequireCurrent);

  StoreSession(const StoreSession&) = delete;
  StoreSession& operator=(const StoreSession&) = delete;
  ~StoreSession();

  const DatabaseOptions& options() const { return options_; }

  // The connection, for the store's own code (connectors/postgres) only.
  pqxx::connection& connection() { return *connection_; }
  // Transitional: the grant import store still takes the connection itself.
  operator pqxx::connection&() { return *connection_; }

 private:
  StoreSession(DatabaseOptions options, std::unique_ptr<pqxx::connection> connection);
  DatabaseOptions options_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace valtuus
