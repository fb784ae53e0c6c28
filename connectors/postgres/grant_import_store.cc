#include "connectors/postgres/grant_import_store.h"

#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_stage.h"

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

// Tallies one planned row into the plan's counts.
void count_action(ImportPlan& plan, ImportAction action) {
  if (action == ImportAction::kAlreadyHeld) {
    ++plan.already_held;
    return;
  }
  ++plan.added;
  if (action == ImportAction::kAddNewStub) ++plan.new_stubs;
}

// An integer[] of line numbers as libpq returns it ({2,5,9}).
std::vector<std::size_t> parse_line_array(const pqxx::field& field) {
  std::vector<std::size_t> lines;
  for (const std::string& text : parse_text_array(field.as<std::string>())) {
    lines.push_back(std::stoul(text));
  }
  return lines;
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
    ImportAction action = ImportAction::kAdd;
    if (active.count({employee.key, record.mandate})) {
      action = ImportAction::kAlreadyHeld;
    } else if (!employee.found) {
      action = stubs.insert(employee.key).second ? ImportAction::kAddNewStub
                                                 : ImportAction::kAddForAbsent;
    }
    count_action(plan, action);
    plan.rows.push_back({&record, action});
  }
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
  // The rows go by COPY into a staging table of this session, then one call of the SECURITY
  // DEFINER function import_grants_staged() (sql/028_grant_import_plan.sql) checks and writes them
  // set-based: the administrator's login writes no table itself, and a file of any size costs
  // the same few statements.
  pqxx::work txn(connection);
  create_stage(txn, "grant_import_stage",
               "line integer, account text, mandate text, valid_from date, valid_until date, "
               "granted_by text, note text");
  {
    pqxx::stream_to stream(txn, "grant_import_stage");
    for (const GrantRecord& r : records) {
      stream << std::make_tuple(static_cast<long long>(r.line), r.account, r.mandate,
                                format_iso_date(r.valid_from), format_iso_date(r.valid_until),
                                r.granted_by, r.note);
    }
    stream.complete();
  }
  analyse_stage(txn, "grant_import_stage");
  const auto result = txn.exec_params1(
      "SELECT audit_event, already_held, new_stub, add_for_absent FROM import_grants_staged($1)",
      file_name);
  txn.commit();
  // The lines not simply added, each list ascending as the records are; every other line was
  // added for an employee in the directory.
  struct Exceptions {
    ImportAction action;
    std::vector<std::size_t> lines;
    std::size_t next = 0;
  };
  Exceptions exceptions[] = {{ImportAction::kAlreadyHeld, parse_line_array(result[1])},
                             {ImportAction::kAddNewStub, parse_line_array(result[2])},
                             {ImportAction::kAddForAbsent, parse_line_array(result[3])}};
  ImportPlan plan;
  plan.audit_event = result[0].as<long long>();
  plan.rows.reserve(records.size());
  for (const GrantRecord& record : records) {
    ImportAction action = ImportAction::kAdd;
    for (Exceptions& listed : exceptions) {
      if (listed.next < listed.lines.size() && listed.lines[listed.next] == record.line) {
        action = listed.action;
        ++listed.next;
      }
    }
    count_action(plan, action);
    plan.rows.push_back({&record, action});
  }
  for (const Exceptions& listed : exceptions) {
    if (listed.next != listed.lines.size()) {
      throw std::runtime_error(std::string("import_grants_staged listed line ") +
                               std::to_string(listed.lines[listed.next]) + " as '" +
                               to_string(listed.action) + "' out of the file's order");
    }
  }
  return plan;
}

}  // namespace valtuus
