#include "connectors/postgres/grant_import_store.h"

#include <set>
#include <stdexcept>
#include <tuple>

#include "connectors/postgres/pg_arrays.h"
#include "connectors/postgres/pg_stage.h"

namespace valtuus {

namespace {

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

// The rows go by COPY into a staging table of this session, read by the SECURITY DEFINER
// functions of sql/028_grant_import_plan.sql: the administrator's login writes no table itself,
// and a file of any size costs the same few statements.
void stage_records(pqxx::work& txn, const std::vector<GrantRecord>& records) {
  create_stage(txn, "grant_import_stage",
               "line integer, account text, mandate text, valid_from date, valid_until date, "
               "granted_by text, note text");
  pqxx::stream_to stream(txn, "grant_import_stage");
  for (const GrantRecord& r : records) {
    stream << std::make_tuple(static_cast<long long>(r.line), r.account, r.mandate,
                              format_iso_date(r.valid_from), format_iso_date(r.valid_until),
                              r.granted_by, r.note);
  }
  stream.complete();
  analyse_stage(txn, "grant_import_stage");
}

// The plan from the lines the database names as not simply added (three integer[] columns
// from `first`: already held, new stub, added for an absent account), each list ascending as
// the records are; every other line is added for an employee in the directory.
ImportPlan plan_from_exceptions(const std::vector<GrantRecord>& records, const pqxx::row& row,
                                pqxx::row::size_type first) {
  struct Exceptions {
    ImportAction action;
    std::vector<std::size_t> lines;
    std::size_t next = 0;
  };
  Exceptions exceptions[] = {{ImportAction::kAlreadyHeld, parse_line_array(row[first])},
                             {ImportAction::kAddNewStub, parse_line_array(row[first + 1])},
                             {ImportAction::kAddForAbsent, parse_line_array(row[first + 2])}};
  ImportPlan plan;
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
      throw std::runtime_error(std::string("the database listed line ") +
                               std::to_string(listed.lines[listed.next]) + " as '" +
                               to_string(listed.action) + "' out of the file's order");
    }
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

ImportPlan plan_grant_import(pqxx::connection& connection, const std::vector<GrantRecord>& records,
                             const std::string& file_name) {
  // The same plan as the import's, from the same stage; nothing is kept.
  pqxx::work txn(connection);
  stage_records(txn, records);
  const auto row = txn.exec_params1(
      "SELECT already_held, new_stub, add_for_absent FROM import_grants_planned($1)", file_name);
  txn.abort();
  return plan_from_exceptions(records, row, 0);
}

ImportPlan apply_grant_import(pqxx::connection& connection, const std::vector<GrantRecord>& records,
                              const std::string& file_name) {
  pqxx::work txn(connection);
  stage_records(txn, records);
  const auto row = txn.exec_params1(
      "SELECT audit_event, already_held, new_stub, add_for_absent FROM import_grants_staged($1)",
      file_name);
  txn.commit();
  ImportPlan plan = plan_from_exceptions(records, row, 1);
  plan.audit_event = row[0].as<long long>();
  return plan;
}

}  // namespace valtuus
