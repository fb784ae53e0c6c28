// The store's edge: libpqxx's exceptions become the project's error kinds, with the driver's
// message, so that the daemon decides from the type alone (reconnect, retry, explain, give up).
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

#include "connectors/postgres/sync_store_native.h"
#include "core/errors.h"

namespace valtuus {
namespace {

template <typename Thrown>
std::exception_ptr translated(const Thrown& error) {
  try {
    translate_sync_errors([&]() -> int { throw error; });
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

template <typename Kind>
bool is(std::exception_ptr error, const std::string& message) {
  try {
    std::rethrow_exception(error);
  } catch (const Kind& e) {
    return e.what() == message;
  } catch (...) {
  }
  return false;
}

TEST(SyncErrors, ALostSessionIsConnectionLostATransientError) {
  const auto error = translated(pqxx::broken_connection("server closed the connection"));
  EXPECT_TRUE(is<ConnectionLost>(error, "server closed the connection"));
  EXPECT_TRUE(is<TransientError>(error, "server closed the connection"));
}

TEST(SyncErrors, AMissingGrantIsRefusedAndNotAConfigError) {
  const std::string message = "ERROR:  permission denied for function sync_run_insert\n";
  const auto error = translated(pqxx::insufficient_privilege(message));
  EXPECT_TRUE(is<Refused>(error, message));
  EXPECT_FALSE(is<ConfigError>(error, message));  // the loop retries it; it does not exit
  // libpqxx 6.4 does not map every SQLSTATE to its class: the code decides then.
  EXPECT_TRUE(is<Refused>(translated(pqxx::sql_error("denied", "SELECT 1", "42501")), "denied"));
}

TEST(SyncErrors, SerialisationFailuresAndDeadlocksMayBeRetried) {
  EXPECT_TRUE(is<TransientError>(translated(pqxx::serialization_failure("40001")), "40001"));
  EXPECT_TRUE(is<TransientError>(translated(pqxx::deadlock_detected("40P01")), "40P01"));
  EXPECT_TRUE(is<TransientError>(translated(pqxx::sql_error("x", "SELECT 1", "40001")), "x"));
  EXPECT_FALSE(is<ConnectionLost>(translated(pqxx::deadlock_detected("40P01")), "40P01"));
}

TEST(SyncErrors, AnyOtherDriverErrorIsAnErrorOfNoKind) {
  const auto error = translated(pqxx::foreign_key_violation("violates foreign key"));
  EXPECT_TRUE(is<Error>(error, "violates foreign key"));
  EXPECT_FALSE(is<TransientError>(error, "violates foreign key"));
  EXPECT_FALSE(is<Refused>(error, "violates foreign key"));
  EXPECT_TRUE(is<Error>(translated(pqxx::usage_error("misuse")), "misuse"));
}

TEST(SyncErrors, TheProjectsOwnAndOtherErrorsPassAsTheyAre) {
  EXPECT_TRUE(is<ConfigError>(translated(ConfigError("schema 9 expected")), "schema 9 expected"));
  EXPECT_TRUE(is<std::out_of_range>(translated(std::out_of_range("index")), "index"));
  EXPECT_FALSE(is<Error>(translated(std::out_of_range("index")), "index"));
}

}  // namespace
}  // namespace valtuus
