#include "connectors/postgres/store_errors.h"

#include <memory>
#include <string>

#include "connectors/postgres/permission_hint.h"

namespace valtuus {

namespace {

// The database's words without libpq's decoration ("ERROR:  ") and context lines.
std::string first_line(std::string message) {
  if (message.rfind("ERROR:", 0) == 0) message.erase(0, message.find_first_not_of(' ', 6));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message.substr(0, message.find('\n'));
}

}  // namespace

void rethrow_as_store_error(const std::function<std::optional<DatabaseOptions>()>& options) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    throw TransientError(std::string("database connection lost: ") + e.what());
  } catch (const pqxx::insufficient_privilege& e) {
    // A missing grant: ask the catalog which role the login needs, on a connection of its
    // own (the statement's transaction is gone). A function's own refusal (four eyes) is also
    // 42501 and keeps its words.
    std::unique_ptr<pqxx::connection> catalog;
    try {
      if (const auto database = options()) catalog = connect_database(*database);
    } catch (const std::exception&) {
    }
    const std::string explained = explain_permission_denied(e.what(), catalog.get());
    throw Refused(explained, explained);
  } catch (const pqxx::failure& e) {
    throw Refused(first_line(e.what()), e.what());
  }
}

int run_translating_store_errors(const std::function<int()>& body,
                                 const std::function<DatabaseOptions()>& options) {
  try {
    return body();
  } catch (const pqxx::failure&) {
    rethrow_as_store_error([&] { return std::optional<DatabaseOptions>(options()); });
  }
}

}  // namespace valtuus
