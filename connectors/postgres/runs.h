// What a person does with sync runs: lists them, reads one (why it was held, what it refused,
// its items), and releases or discards a run the guard held. Release and discard go through
// the database's functions (administrators; the run must be held); a refusal is Refused.
#pragma once

#include <string>
#include <vector>

#include "connectors/postgres/run_queries.h"
#include "connectors/postgres/store_session.h"

namespace valtuus {

std::vector<RunRow> list_runs(StoreSession& session, bool held_only, int limit);
// Throws DataError when there is no such run.
RunDetail load_run(StoreSession& session, long long run_id);
// Each returns the number of items released (now proposed) or discarded.
int release_run(StoreSession& session, long long run_id, const std::string& note);
int discard_run(StoreSession& session, long long run_id, const std::string& reason);

}  // namespace valtuus
