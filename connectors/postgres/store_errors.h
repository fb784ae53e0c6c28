// Where libpqxx's exceptions become the project's error kinds (core/errors.h), so that no
// program catches a pqxx type: a lost connection is a TransientError ("database connection
// lost: ..."), a statement the database refused (its rules, a stale version, four eyes, a
// missing grant) is Refused, with the database's own first line; for a missing grant it names
// the role the login needs (permission_hint.h). Every function of the store's interfaces runs
// its body through store_call.
#pragma once

#include <functional>
#include <optional>
#include <pqxx/except>
#include <utility>

#include "connectors/postgres/postgres_options.h"
#include "core/errors.h"

namespace valtuus {

class StoreSession;

// Call only inside a catch block: rethrows the exception in flight, a pqxx::failure as its
// project kind, anything else as it is. `options` reaches the catalog, on a connection of its
// own, to explain a missing grant; it may throw or return nullopt (then the grant is not
// explained).
[[noreturn]] void rethrow_as_store_error(
    const std::function<std::optional<DatabaseOptions>()>& options);

// Runs `body`, turning its pqxx exceptions into project errors.
template <class Body>
decltype(auto) store_call(const DatabaseOptions& options, Body&& body) {
  try {
    return std::forward<Body>(body)();
  } catch (const pqxx::failure&) {
    rethrow_as_store_error([&] { return std::optional<DatabaseOptions>(options); });
  }
}

template <class Body>
decltype(auto) store_call(StoreSession& session, Body&& body);

// store_call for a whole command of a program that still reaches a connection itself.
int run_translating_store_errors(const std::function<int()>& body,
                                 const std::function<DatabaseOptions()>& options);

}  // namespace valtuus

#include "connectors/postgres/store_session.h"

namespace valtuus {

template <class Body>
decltype(auto) store_call(StoreSession& session, Body&& body) {
  return store_call(session.options(), std::forward<Body>(body));
}

}  // namespace valtuus
