#include "connectors/postgres/grant_import_store.h"

#include <map>
#include <nlohmann/json.hpp>

#include "connectors/postgres/pg_arrays.h"

namespace valtuus {

namespace {

// Serialises imports with each other, so that two people importing the same file at once
// cannot both plan a stub or a grant; the ledger's unique index is the last guard anyway.
constexpr long long kImportLock = 0x56414c5455555303LL;  // "VALTUUS" 03

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

ImportPlan plan_grant_import(pqxx::connection& connection,
                             const std::vector<GrantRecord>& records) {
  pqxx::read_transaction txn(connection);
  return make_plan(txn, records);
}

ImportPlan apply_grant_import(pqxx::connection& connection, const std::vector<GrantRecord>& records,
                              const std::string& file_name) {
  pqxx::work txn(connection);
  txn.exec_params("SELECT pg_advisory_xact_lock($1)", kImportLock);
  ImportPlan plan = make_plan(txn, records);
  nlohmann::json grants = nlohmann::json::array();
  nlohmann::json skipped = nlohmann::json::array();
  for (PlannedGrant& row : plan.rows) {
    const GrantRecord& r = *row.record;
    if (row.action == ImportAction::kAlreadyHeld) {
      skipped.push_back({{"line", r.line}, {"account", r.account}, {"mandate", r.mandate}});
      continue;
    }
    if (row.action == ImportAction::kAddNewStub) {
      // Kept, not dropped: a grant held by someone no longer in the directory is exactly what
      // the next sync must propose to revoke. The stub has left now, so its grace starts now.
      txn.exec_params(
          "INSERT INTO employee (key, account, status, left_at) VALUES ($1, $2, 'left', now()) "
          "ON CONFLICT (key) DO NOTHING",
          row.employee_key, r.account);
    }
    // The identity code column is not stored: another change brings encrypted storage for it.
    // Until then an imported grant is tied to the employee by account only.
    const auto inserted = txn.exec_params(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source) "
        "VALUES ($1, $2, $3::date, $4::date, 'import') "
        "ON CONFLICT (employee_key, mandate_id) WHERE revoked_at IS NULL DO NOTHING RETURNING id",
        row.employee_key, r.mandate, format_iso_date(r.valid_from), format_iso_date(r.valid_until));
    if (inserted.empty()) {  // recorded by someone else since the plan was read: not a duplicate
      row.action = ImportAction::kAlreadyHeld;
      --plan.added;
      ++plan.already_held;
      skipped.push_back({{"line", r.line}, {"account", r.account}, {"mandate", r.mandate}});
      continue;
    }
    nlohmann::json grant = {{"line", r.line},
                            {"ledger_id", inserted[0][0].as<long long>()},
                            {"account", r.account},
                            {"mandate", r.mandate}};
    if (!r.granted_by.empty()) grant["granted_by"] = r.granted_by;
    if (!r.note.empty()) grant["note"] = r.note;
    grants.push_back(std::move(grant));
  }
  const nlohmann::json details = {
      {"file", file_name},           {"rows", records.size()},
      {"added", plan.added},         {"already_held", plan.already_held},
      {"new_stubs", plan.new_stubs}, {"grants", grants},
      {"skipped", skipped}};
  plan.audit_event = txn.exec_params1(
                            "INSERT INTO audit_event (action, details) "
                            "VALUES ('grants_imported', $1::jsonb) RETURNING id",
                            details.dump())[0]
                         .as<long long>();
  txn.commit();
  return plan;
}

}  // namespace valtuus
