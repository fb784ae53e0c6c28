// Sync runs for valtuusctl: listing them, one run with its items, and resolving a held run
// through the database's own functions (run_release, run_discard in sql/004_held_runs.sql),
// which check that the run is held and unresolved and stamp the person's login.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "connectors/postgres/item_queries.h"

namespace valtuus {

// One sync run as a person sees it. Times are ISO 8601 UTC; empty when not set.
struct RunRow {
  long long id = 0;
  std::string started_at;
  std::string finished_at;
  std::string source;
  int entries_read = 0;
  bool complete = false;
  std::string incomplete_reason;
  int items_added = 0;
  int items_superseded = 0;
  std::string held_reason;  // empty: the run was not held
  std::string held_at;
  std::string released_at, released_by;
  std::string discarded_at, discarded_by;
  int entries_refused = 0;  // entries whose values the directory read refused

  bool held() const { return !held_reason.empty(); }
  // "", "held", "released" or "discarded"
  std::string hold_status() const;
};

// Newest first; with `held_only`, only runs held and not yet released or discarded.
std::vector<RunRow> list_runs(pqxx::connection& connection, bool held_only, int limit);

// The run, the items it added and those it superseded (each in the order of the plan:
// revocations first, then by department and name), read in one snapshot. Throws DataError when the
// run does not exist.
// A refused directory entry and field as the run recorded it (sql/008_refused_entries.sql).
struct RefusedRow {
  std::string dn, account, field, reason;
};
struct RunDetail {
  RunRow run;
  std::vector<RefusedRow> refused{};  // in the order read
  std::vector<ItemRow> items;         // the items the run added
  std::vector<ItemRow> superseded;    // the open items the run superseded
};
RunDetail load_run(pqxx::connection& connection, long long run_id);

// Run the database's functions in the caller's transaction; return the number of items moved.
// The database refuses (pqxx::sql_error) a run that is not held or already resolved, and a
// login without the right (releasing: valtuus_admin; discarding: also valtuus_reviewer).
int release_run(pqxx::work& txn, long long run_id, const std::string& note);
int discard_run(pqxx::work& txn, long long run_id, const std::string& reason);

}  // namespace valtuus
