#include "connectors/postgres/run_queries.h"

#include "core/errors.h"

namespace valtuus {

namespace {

// A time as text in UTC, so that output does not depend on the session's time zone.
std::string utc(const std::string& column) {
  return "coalesce(to_char(" + column +
         " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')";
}

// The select list read by read_run_row, over `sync_run r`.
const std::string& run_columns() {
  static const std::string columns =
      "r.id, " + utc("r.started_at") + ", " + utc("r.finished_at") +
      ", r.directory_source, r.entries_read, r.snapshot_complete, r.incomplete_reason, "
      "r.items_added, r.items_superseded, coalesce(r.held_reason, ''), " +
      utc("r.held_at") + ", " + utc("r.released_at") + ", coalesce(r.released_by, ''), " +
      utc("r.discarded_at") + ", coalesce(r.discarded_by, ''), r.entries_refused ";
  return columns;
}

RunRow read_run_row(const pqxx::row& r) {
  RunRow row;
  row.id = r[0].as<long long>();
  row.started_at = r[1].as<std::string>();
  row.finished_at = r[2].as<std::string>();
  row.source = r[3].as<std::string>();
  row.entries_read = r[4].as<int>();
  row.complete = r[5].as<bool>();
  row.incomplete_reason = r[6].as<std::string>();
  row.items_added = r[7].as<int>();
  row.items_superseded = r[8].as<int>();
  row.held_reason = r[9].as<std::string>();
  row.held_at = r[10].as<std::string>();
  row.released_at = r[11].as<std::string>();
  row.released_by = r[12].as<std::string>();
  row.discarded_at = r[13].as<std::string>();
  row.discarded_by = r[14].as<std::string>();
  row.entries_refused = r[15].as<int>();
  return row;
}

}  // namespace

std::string RunRow::hold_status() const {
  if (!held()) return "";
  if (!released_at.empty()) return "released";
  if (!discarded_at.empty()) return "discarded";
  return "held";
}

std::vector<RunRow> list_runs(pqxx::connection& connection, bool held_only, int limit) {
  pqxx::read_transaction txn(connection);
  std::vector<RunRow> runs;
  for (const auto& r :
       txn.exec_params("SELECT " + run_columns() +
                           "FROM sync_run r "
                           "WHERE NOT $1 OR (r.held_reason IS NOT NULL AND r.released_at IS NULL "
                           "  AND r.discarded_at IS NULL) "
                           "ORDER BY r.id DESC LIMIT $2",
                       held_only, limit)) {
    runs.push_back(read_run_row(r));
  }
  return runs;
}

RunDetail load_run(pqxx::connection& connection, long long run_id) {
  pqxx::read_transaction txn(connection);
  auto run = txn.exec_params("SELECT " + run_columns() + "FROM sync_run r WHERE r.id = $1", run_id);
  if (run.empty()) throw DataError("run " + std::to_string(run_id) + " does not exist");
  RunDetail detail;
  detail.run = read_run_row(run[0]);
  auto items = [&](const char* column, std::vector<ItemRow>& into) {
    for (const auto& r : txn.exec_params(
             std::string("SELECT ") + kItemRowColumns +
                 "FROM change_item i "
                 "JOIN mandate_issue m ON m.id = i.mandate_id "
                 "LEFT JOIN employee e ON e.key = i.employee_key "
                 "WHERE i." +
                 column +
                 " = $1 "
                 "ORDER BY CASE i.kind WHEN 'revoke' THEN 0 ELSE 1 END, "
                 "  coalesce(e.display_name, ''), coalesce(e.account, ''), i.mandate_id, i.id",
             run_id)) {
      into.push_back(read_item_row(r));
    }
  };
  items("run_id", detail.items);
  items("superseded_by_run", detail.superseded);
  for (const auto& r : txn.exec_params(
           "SELECT dn, account, field, reason FROM refused_entry WHERE run_id = $1 ORDER BY id",
           run_id)) {
    detail.refused.push_back({r[0].as<std::string>(), r[1].as<std::string>(),
                              r[2].as<std::string>(), r[3].as<std::string>()});
  }
  return detail;
}

int release_run(pqxx::work& txn, long long run_id, const std::string& note) {
  return txn.exec_params1("SELECT run_release($1, $2)", run_id, note)[0].as<int>();
}

int discard_run(pqxx::work& txn, long long run_id, const std::string& reason) {
  return txn.exec_params1("SELECT run_discard($1, $2)", run_id, reason)[0].as<int>();
}

}  // namespace valtuus
