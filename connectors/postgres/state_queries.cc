#include "connectors/postgres/state_queries.h"
#include "connectors/postgres/item_states.h"

#include <cstdint>
#include <tuple>

#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_time.h"

namespace valtuus {

namespace {

TimePoint from_epoch(const pqxx::field& field) {
  return TimePoint{std::chrono::seconds{field.as<long long>()}};
}

// The person's key as the history holds it, so that the ledger and the open items share one
// copy of each key with it; a new text for a key the history does not know.
CountedText shared_key(const HistoryMap& history, const std::string& key) {
  if (key.empty()) return {};
  const auto found = history.find(key);
  return found == history.end() ? CountedText(key) : found->first;
}

// Runs `query` (with `keys` as $1 when it has a parameter) through a cursor and hands its rows
// to `take` a batch at a time: a whole result of tens of thousands of rows would be held beside
// the values built from it (9 MB for the 25,000 open items at 100,000 people).
template <class Take>
void for_each_batch(pqxx::transaction_base& txn, const std::string& query,
                    const std::vector<std::string>* keys, Take take) {
  constexpr int kBatch = 2000;
  const std::string declare = "DECLARE valtuus_state_rows NO SCROLL CURSOR FOR " + query;
  if (keys == nullptr) {
    txn.exec(declare);
  } else {
    txn.exec_params(declare, text_array_literal(*keys));
  }
  for (;;) {
    const pqxx::result rows =
        txn.exec("FETCH FORWARD " + std::to_string(kBatch) + " FROM valtuus_state_rows");
    take(rows);
    if (rows.size() < static_cast<std::size_t>(kBatch)) break;
  }
  txn.exec("CLOSE valtuus_state_rows");
}

// The open items (`filter`: an SQL condition on change_item's columns with `keys` as $1, or ""
// for all), a batch at a time: at 100,000 people there are some 25,000.
std::vector<OpenItem> load_open_items(pqxx::transaction_base& txn, const HistoryMap& history,
                                      const std::string& filter,
                                      const std::vector<std::string>& keys = {}) {
  std::vector<OpenItem> items;
  const std::string sql =
      "SELECT id, kind, state, coalesce(employee_key, ''), mandate_id, fingerprint "
      "FROM change_item WHERE state IN " +
      open_states_sql() + (filter.empty() ? std::string() : " AND (" + filter + ")");
  for_each_batch(txn, sql, filter.empty() ? nullptr : &keys, [&](const pqxx::result& rows) {
    items.reserve(items.size() + rows.size());
    for (const auto& row : rows) {
      OpenItem item;
      item.id = row[0].as<long long>();
      item.kind = *change_kind_from_string(row[1].as<std::string>());
      item.state = *item_state_from_string(row[2].as<std::string>());
      item.employee_key = shared_key(history, row[3].as<std::string>());
      item.mandate = row[4].as<std::string>();
      item.fingerprint = row[5].as<std::string>();
      items.push_back(std::move(item));
    }
  });
  items.shrink_to_fit();
  return items;
}

// The columns of an employee that make its EmployeeHistory, in the order history_of reads them.
constexpr const char* kHistoryColumns =
    "key, coalesce(extract(epoch FROM left_at)::bigint, -1), "
    "extract(epoch FROM role_changed_at)::bigint, department, title, ou, "
    "absent_since_run IS NOT NULL, coalesce(row_digest, 0), dn, account";

// `texts` shares department, title and OU as SharedText(text) does, without the pool's lock
// for the values the previous people had.
EmployeeHistory history_of(SharedTextCache& texts, long long left_at, long long role_changed_at,
                           const std::string& department, const std::string& title,
                           const std::string& ou, bool absent, long long digest,
                           const std::string& dn, const std::string& account) {
  EmployeeHistory history;
  if (left_at >= 0) history.left_at = TimePoint{std::chrono::seconds{left_at}};
  history.role_changed_at = TimePoint{std::chrono::seconds{role_changed_at}};
  history.department = texts.get(department);
  history.title = texts.get(title);
  history.ou = texts.get(ou);
  history.absent = absent;
  history.stored_digest = static_cast<std::uint64_t>(digest);
  history.dn = dn;  // whom a refused entry without a key is
  history.account = account;
  return history;
}

}  // namespace

namespace {

// The ledger in force (of `keys` alone, when given). A few people's come in the order
// sort_ledger_by_employee gives (std::string's <, which is bytewise, as is COLLATE "C"), so
// that a restricted reconcile finds each person's rows by search. Everyone's come as the table
// holds them: sorting 150,000 rows cost the server a sort on disk while the directory was read
// (right after an import its statistics are stale), and only a state kept for the cycles to
// come needs the order; its keeper sorts it (run_sync_cycle).
void load_ledger(pqxx::transaction_base& txn, ReconcileState& state, SharedTextCache& texts,
                 const std::vector<std::string>* keys) {
  CountedText key;  // the previous row's, the history's copy
  const auto take = [&](const std::string& employee, const std::string& mandate,
                        const std::string& until) {
    if (!(key == employee)) key = shared_key(state.history, employee);
    LedgerGrant grant;
    grant.employee_key = key;
    grant.mandate = texts.get(mandate);
    if (!until.empty()) grant.valid_until = parse_pg_date(until, "grant_ledger.valid_until");
    state.ledger.push_back(std::move(grant));
  };
  const std::string columns =
      "SELECT employee_key, mandate_id, coalesce(valid_until::text, '') FROM grant_ledger "
      "WHERE revoked_at IS NULL";
  if (keys) {
    // A few people's: a result set.
    const pqxx::result rows =
        txn.exec_params(columns + " AND employee_key = ANY($1) ORDER BY employee_key COLLATE \"C\"",
                        text_array_literal(*keys));
    state.ledger.reserve(state.ledger.size() + rows.size());
    for (const auto& row : rows) {
      take(row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>());
    }
  } else {
    // Everyone's: streamed into a vector of the right size (one or two rows a person).
    state.ledger.reserve(txn.exec1("SELECT count(*) FROM grant_ledger WHERE revoked_at IS NULL")[0]
                             .as<std::size_t>());
    pqxx::stream_from ledger(txn, "(" + columns + ")");
    std::tuple<std::string, std::string, std::string> row;
    while (ledger >> row) take(std::get<0>(row), std::get<1>(row), std::get<2>(row));
    ledger.complete();
  }
  state.ledger_by_employee = keys != nullptr;
}

// Rejected items stand as exceptions until their date, or until their values change.
void load_exceptions(pqxx::transaction_base& txn, ReconcileState& state) {
  for (const auto& row : txn.exec(
           "SELECT kind, coalesce(employee_key, ''), mandate_id, fingerprint, "
           "  extract(epoch FROM exception_until)::bigint FROM change_item "
           "WHERE state = 'rejected' AND (exception_until IS NULL OR exception_until > now())")) {
    ExceptionRecord exception;
    exception.kind = *change_kind_from_string(row[0].as<std::string>());
    exception.employee_key = row[1].as<std::string>();
    exception.mandate = row[2].as<std::string>();
    exception.fingerprint = row[3].as<std::string>();
    if (!row[4].is_null()) exception.until = from_epoch(row[4]);
    state.exceptions.push_back(std::move(exception));
  }
}

// The order forms in force (of `keys` alone, when given), and the organisation's rights.
void load_requests_and_rights(pqxx::transaction_base& txn, ReconcileState& state,
                              const std::vector<std::string>* keys) {
  const std::string sql =
      "SELECT id, employee_key, mandate_id, why, valid_until::text FROM manual_request "
      "WHERE state IN ('pending', 'approved') "
      "  AND (valid_until IS NULL OR valid_until >= current_date)";
  const pqxx::result requests =
      keys ? txn.exec_params(sql + " AND employee_key = ANY($1)", text_array_literal(*keys))
           : txn.exec(sql);
  for (const auto& row : requests) {
    ManualRequest request;
    request.id = row[0].as<long long>();
    request.employee_key = row[1].as<std::string>();
    request.mandate = row[2].as<std::string>();
    request.why = row[3].as<std::string>();
    if (!row[4].is_null())
      request.until = parse_pg_date(row[4].c_str(), "manual_request.valid_until");
    state.requests.push_back(std::move(request));
  }
  for (const auto& row : txn.exec("SELECT mandate_id FROM organisation_holding")) {
    state.organisation_rights.insert(row[0].as<std::string>());
  }
}

}  // namespace

ReconcileState load_reconcile_state(pqxx::transaction_base& txn) {
  ReconcileState state;
  SharedTextCache texts;
  // The history first: the ledger and the open items take their keys from it. Streamed (COPY),
  // not a result set: at 100,000 people a result would hold every row twice in memory while
  // the history is built from it.
  state.history.reserve(txn.exec1("SELECT count(*) FROM employee")[0].as<std::size_t>());
  {
    pqxx::stream_from stream(txn, std::string("(SELECT ") + kHistoryColumns + " FROM employee)");
    std::tuple<std::string, long long, long long, std::string, std::string, std::string, bool,
               long long, std::string, std::string>
        person;
    while (stream >> person) {
      auto& [key, left_at, role_changed_at, department, title, ou, absent, digest, dn, account] =
          person;
      state.history.emplace(std::move(key), history_of(texts, left_at, role_changed_at, department,
                                                       title, ou, absent, digest, dn, account));
    }
    stream.complete();
  }
  load_ledger(txn, state, texts, nullptr);
  // Held items are open: the next run must not propose them again while a person decides
  // whether to release their run.
  state.open_items = load_open_items(txn, state.history, "");
  load_exceptions(txn, state);
  load_requests_and_rights(txn, state, nullptr);
  return state;
}

ReconcileState load_scope_state(pqxx::transaction_base& txn) {
  ReconcileState state;
  state.history.reserve(txn.exec1("SELECT count(*) FROM employee")[0].as<std::size_t>());
  {
    pqxx::stream_from stream(
        txn, "(SELECT key, absent_since_run IS NOT NULL, coalesce(row_digest, 0) FROM employee)");
    std::tuple<std::string, bool, long long> person;
    while (stream >> person) {
      auto& [key, absent, digest] = person;
      EmployeeHistory history;
      history.absent = absent;
      history.stored_digest = static_cast<std::uint64_t>(digest);
      state.history.emplace(std::move(key), std::move(history));
    }
    stream.complete();
  }
  load_exceptions(txn, state);
  return state;
}

long long count_grants_in_force(pqxx::transaction_base& txn) {
  return txn.exec1("SELECT count(*) FROM grant_ledger WHERE revoked_at IS NULL")[0].as<long long>();
}

void load_state_of(pqxx::transaction_base& txn, const std::vector<std::string>& keys,
                   ReconcileState& state) {
  reload_history_of(txn, keys, state.history);
  SharedTextCache texts;
  if (!keys.empty()) load_ledger(txn, state, texts, &keys);
  state.ledger_by_employee = true;  // sorted, however few
  state.open_items = load_open_items_of(txn, state.history, keys, true);
  load_requests_and_rights(txn, state, &keys);
}

void reload_history_of(pqxx::transaction_base& txn, const std::vector<std::string>& keys,
                       HistoryMap& history) {
  if (keys.empty()) return;
  // A batch at a time: after a full read the run may have written everyone.
  for_each_batch(
      txn, std::string("SELECT ") + kHistoryColumns + " FROM employee WHERE key = ANY($1)", &keys,
      [&, texts = SharedTextCache()](const pqxx::result& rows) mutable {
        for (const auto& row : rows) {
          history[row[0].as<std::string>()] = history_of(
              texts, row[1].as<long long>(), row[2].as<long long>(), row[3].as<std::string>(),
              row[4].as<std::string>(), row[5].as<std::string>(), row[6].as<bool>(),
              row[7].as<long long>(), row[8].as<std::string>(), row[9].as<std::string>());
        }
      });
}

std::vector<OpenItem> load_open_items_of(pqxx::transaction_base& txn, const HistoryMap& history,
                                         const std::vector<std::string>& keys, bool applications) {
  return load_open_items(
      txn, history,
      applications ? "employee_key = ANY($1) OR employee_key IS NULL" : "employee_key = ANY($1)",
      keys);
}

Snapshot load_last_snapshot(pqxx::transaction_base& txn) {
  Snapshot snapshot;
  auto last = txn.exec(
      "SELECT snapshot_complete, incomplete_reason, directory_source, "
      "  extract(epoch FROM started_at)::bigint FROM sync_run ORDER BY id DESC LIMIT 1");
  if (last.empty()) {
    snapshot.incomplete_reason = "no sync run yet";
    return snapshot;
  }
  snapshot.complete = last[0][0].as<bool>();
  snapshot.incomplete_reason = last[0][1].as<std::string>();
  snapshot.source = last[0][2].as<std::string>();
  snapshot.read_at = from_epoch(last[0][3]);
  // Streamed (COPY) into a vector of the right size: the base of an incremental read after a
  // restart is the whole directory, and a result set would hold it a second time.
  const std::string present = "last_seen_run IS NOT NULL AND absent_since_run IS NULL";
  snapshot.employees.reserve(
      txn.exec1("SELECT count(*) FROM employee WHERE " + present)[0].as<std::size_t>());
  pqxx::stream_from stream(
      txn,
      "(SELECT key, account, dn, given_name, surname, display_name, mail, department, title, "
      "  ou, groups, disabled, coalesce(extract(epoch FROM account_expires)::bigint, -1), "
      "  account_expires IS NOT NULL, long_leave_marker, manager_dn, preferred_language "
      "FROM employee WHERE " +
          present + " ORDER BY key)");
  std::tuple<std::string, std::string, std::string, std::string, std::string, std::string,
             std::string, std::string, std::string, std::string, std::string, bool, long long, bool,
             std::string, std::string, std::string>
      row;
  while (stream >> row) {
    auto& [key, account, dn, given_name, surname, display_name, mail, department, title, ou, groups,
           disabled, expires, expires_known, long_leave, manager, language] = row;
    Employee e;
    e.key = std::move(key);
    e.account = std::move(account);
    e.dn = std::move(dn);
    e.given_name = std::move(given_name);
    e.surname = std::move(surname);
    e.display_name = std::move(display_name);
    e.mail = std::move(mail);
    e.department = std::move(department);
    e.title = std::move(title);
    e.ou = std::move(ou);
    const std::vector<std::string> group_dns = parse_text_array(groups);
    e.groups.assign(group_dns.begin(), group_dns.end());
    e.disabled = disabled;
    if (expires_known) e.account_expires = TimePoint{std::chrono::seconds{expires}};
    e.long_leave_marker = std::move(long_leave);
    e.manager = std::move(manager);
    e.preferred_language = std::move(language);
    snapshot.employees.push_back(std::move(e));
  }
  stream.complete();
  return snapshot;
}

std::optional<std::chrono::seconds> last_full_read_age(pqxx::transaction_base& txn) {
  const pqxx::result rows = txn.exec(
      "SELECT greatest(extract(epoch FROM now() - started_at), 0)::bigint FROM sync_run "
      "WHERE snapshot_complete AND full_read ORDER BY id DESC LIMIT 1");
  if (rows.empty()) return std::nullopt;
  return std::chrono::seconds{rows[0][0].as<long long>()};
}

}  // namespace valtuus
