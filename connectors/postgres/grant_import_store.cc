#include "connectors/postgres/grant_import_store.h"

#include <map>
#include <set>

#include "connectors/postgres/pg_arrays.h"

namespace valtuus {

namespace {

struct Employee {
  std::string key;
  bool found = false;
};

// Looks every distinct account up at once, ignoring case as PostgreSQL's lower() does (the
// same rule as employee_account_idx and create_request()). Among several rows with the same
// account, one still in the directory wins over one that has left, then the newest.
std::map<std::string, Employee> find_employees(pqxx::transaction_base& txn,
                                               const std::vector<GrantRecord>& records) {
  std::vector<std::string> accounts;
  for (const GrantRecord& r : records) accounts.push_back(r.account);
  std::map<std::string, Employee> found;
  for (const auto& row : txn.exec_params(
           "SELECT a, lower(a), e.key FROM unnest($1::text[]) AS a "
           "LEFT JOIN LATERAL (SELECT key FROM employee WHERE lower(account) = lower(a) "
           "  ORDER BY (status = 'left'), updated_at DESC LIMIT 1) e ON true",
           text_array_literal(accounts))) {
    Employee employee;
    employee.found = !row[2].is_null();
    employee.key = employee.found ? row[2].as<std::string>() : "import:" + row[1].as<std::string>();
    found[row[0].as<std::string>()] = employee;
  }
  return found;
}

ImportPlan make_plan(pqxx::transaction_base& txn, const std::vector<GrantRecord>& records) {
  const auto employees = find_employees(txn, records);
  std::vector<std::string> keys;
  for (const auto& [account, employee] : employees) keys.push_back(employee.key);
  std::set<std::pair<std::string, std::string>> active;
  for (const auto& row :
       txn.exec_params("SELECT employee_key, mandate_id FROM grant_ledger "
                       "WHERE revoked_at IS NULL AND employee_key = ANY($1::text[])",
                       text_array_literal(keys))) {
    active.emplace(row[0].as<std::string>(), row[1].as<std::string>());
  }
  // A stub from an earlier import is found like any employee; this one only knows the keys
  // of stubs this file creates.
  std::set<std::string> stubs;
  ImportPlan plan;
  for (const GrantRecord& record : records) {
    const Employee& employee = employees.at(record.account);
    PlannedGrant row{&record, ImportAction::kAdd, employee.key};
    if (active.count({employee.key, record.mandate})) {
      row.action = ImportAction::kAlreadyHeld;
      ++plan.already_held;
    } else {
      if (!employee.found) {
        row.action = stubs.insert(employee.key).second ? ImportAction::kAddNewStub
                                                       : ImportAction::kAddForAbsent;
      }
      ++plan.added;
    }
    plan.rows.push_back(std::move(row));
  }
  plan.new_stubs = stubs.size();
  return plan;
}

}  // namespace

const char* to_string(ImportAction action) {
  switch (action) {
    case ImportAction::kAdd:
      return "add";
    case ImportAction::kAlreadyHeld:
      return "already held";
    case ImportAction::kAddNewStub:
      return "new stub for absent account";
    case ImportAction::kAddForAbsent:
      return "add for absent account";
  }
  return "?";
}

std::set<std::string> load_catalog_ids(pqxx::connection& connection) {
  pqxx::read_transaction txn(connection);
  std::set<std::string> ids;
  for (const auto& row : txn.exec("SELECT id FROM mandate_issue")) ids.insert(row[0].c_str());
  return ids;
}

bool has_complete_sync_run(pqxx::connection& connection) {
  pqxx::read_transaction txn(connection);
  return txn.exec1("SELECT EXISTS (SELECT 1 FROM sync_run WHERE snapshot_complete)")[0].as<bool>();
}

std::string why_not_new_installation(pqxx::connection& connection) {
  pqxx::read_transaction txn(connection);
  const auto row =
      txn.exec1("SELECT (SELECT count(*) FROM change_item), (SELECT count(*) FROM grant_ledger)");
  const long long items = row[0].as<long long>();
  const long long grants = row[1].as<long long>();
  if (items == 0 && grants == 0) return "";
  return "the database already has " + std::to_string(items) + " change item(s) and " +
         std::to_string(grants) + " grant(s) in the ledger";
}

ImportPlan plan_grant_import(pqxx::connection& connection,
                             const std::vector<GrantRecord>& records) {
  pqxx::read_transaction txn(connection);
  return make_plan(txn, records);
}

ImportPlan apply_grant_import(pqxx::connection& connection, const std::vector<GrantRecord>& records,
                              const std::string& file_name) {
  // One call of the SECURITY DEFINER function import_grants(): the administrator's login
  // writes no table itself. The rows travel as parallel arrays (values as data, never SQL).
  std::vector<std::string> lines, accounts, mandates, from, until, granted_by, notes;
  for (const GrantRecord& r : records) {
    lines.push_back(std::to_string(r.line));
    accounts.push_back(r.account);
    mandates.push_back(r.mandate);
    from.push_back(format_iso_date(r.valid_from));
    until.push_back(format_iso_date(r.valid_until));
    granted_by.push_back(r.granted_by);
    notes.push_back(r.note);
  }
  pqxx::work txn(connection);
  const auto result = txn.exec_params(
      "SELECT line, action, employee_key, audit_event FROM import_grants($1, $2::integer[], "
      "$3::text[], $4::text[], $5::date[], $6::date[], $7::text[], $8::text[])",
      file_name, text_array_literal(lines), text_array_literal(accounts),
      text_array_literal(mandates), text_array_literal(from), text_array_literal(until),
      text_array_literal(granted_by), text_array_literal(notes));
  txn.commit();
  ImportPlan plan;
  std::size_t i = 0;
  for (const auto& row : result) {
    PlannedGrant planned{&records.at(i++), ImportAction::kAdd, row[2].as<std::string>()};
    const std::string action = row[1].as<std::string>();
    if (action == "already held") {
      planned.action = ImportAction::kAlreadyHeld;
      ++plan.already_held;
    } else {
      if (action == "new stub") {
        planned.action = ImportAction::kAddNewStub;
        ++plan.new_stubs;
      } else if (action == "add for absent") {
        planned.action = ImportAction::kAddForAbsent;
      }
      ++plan.added;
    }
    plan.audit_event = row[3].as<long long>();
    plan.rows.push_back(std::move(planned));
  }
  return plan;
}

}  // namespace valtuus
