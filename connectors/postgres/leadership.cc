#include "connectors/postgres/leadership.h"

#include <pqxx/pqxx>

#include "connectors/postgres/postgres_options.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/errors.h"

namespace valtuus {

struct Leadership::Session {
  std::unique_ptr<pqxx::connection> connection;
};

Leadership::Leadership(DatabaseOptions options, long long key)
    : options_(std::move(options)), key_(key) {}

Leadership::~Leadership() = default;

bool Leadership::still_held() {
  try {
    // A round trip proves a session is there; the same backend pid proves it is the one
    // holding the lock (libpqxx 6 silently reconnects a broken connection, and a new session
    // holds nothing).
    pqxx::nontransaction check(*session_->connection);
    return check.exec1("SELECT pg_backend_pid()")[0].as<int>() == lock_pid_;
  } catch (const pqxx::broken_connection&) {
    return false;
  }
}

bool Leadership::acquire() {
  if (session_ && leading_) {
    if (still_held()) return true;
    release();  // the lock went with its session: try for it again at once, below
  }
  try {
    if (!session_) session_ = std::make_unique<Session>(Session{connect_database(options_)});
    pqxx::nontransaction txn(*session_->connection);
    const pqxx::row row =
        txn.exec_params1("SELECT pg_try_advisory_lock($1), pg_backend_pid()", key_);
    leading_ = row[0].as<bool>();
    lock_pid_ = row[1].as<int>();
    return leading_;
  } catch (const pqxx::broken_connection& e) {
    release();
    throw TransientError(std::string("database: the leader lock's session failed: ") + e.what());
  } catch (...) {
    rethrow_as_sync_error();  // the project's error kinds, as the store's other calls
  }
}

void Leadership::release() {
  // Closing the session frees a session-level advisory lock.
  session_.reset();
  leading_ = false;
}

}  // namespace valtuus
