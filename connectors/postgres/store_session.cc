#include "connectors/postgres/store_session.h"

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/store_errors.h"

namespace valtuus {

StoreSession::StoreSession(DatabaseOptions options, std::unique_ptr<pqxx::connection> connection)
    : options_(std::move(options)), connection_(std::move(connection)) {}

StoreSession::~StoreSession() = default;

std::unique_ptr<StoreSession> StoreSession::open(const DatabaseOptions& options,
                                                 SchemaCheck check) {
  return store_call(options, [&] {
    auto connection = connect_database(options);
    if (check == SchemaCheck::kRequireCurrent) require_current_schema(*connection);
    return std::unique_ptr<StoreSession>(new StoreSession(options, std::move(connection)));
  });
}

}  // namespace valtuus
