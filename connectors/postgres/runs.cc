#include "connectors/postgres/runs.h"

#include <pqxx/pqxx>

#include "connectors/postgres/store_errors.h"

namespace valtuus {

std::vector<RunRow> list_runs(StoreSession& session, bool held_only, int limit) {
  return store_call(session, [&] { return list_runs(session.connection(), held_only, limit); });
}

RunDetail load_run(StoreSession& session, long long run_id) {
  return store_call(session, [&] { return load_run(session.connection(), run_id); });
}

int release_run(StoreSession& session, long long run_id, const std::string& note) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    const int released = release_run(txn, run_id, note);
    txn.commit();
    return released;
  });
}

int discard_run(StoreSession& session, long long run_id, const std::string& reason) {
  return store_call(session, [&] {
    pqxx::work txn(session.connection());
    const int discarded = discard_run(txn, run_id, reason);
    txn.commit();
    return discarded;
  });
}

}  // namespace valtuus
