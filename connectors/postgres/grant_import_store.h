// Imports an existing mandate spreadsheet, already validated by core/grant_import, into the
// grant ledger: all rows in one transaction or none, with one audit event.
#pragma once

#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "core/grant_import.h"

namespace valtuus {

enum class ImportAction {
  kAdd,           // the employee is known; the grant goes into the ledger
  kAlreadyHeld,   // the ledger already has this grant active: skipped, never duplicated
  kAddNewStub,    // the account is not in the directory: a stub employee is created
  kAddForAbsent,  // the same absent account, its stub created by an earlier row of the file
};

const char* to_string(ImportAction action);

struct PlannedGrant {
  const GrantRecord* record = nullptr;  // points into the records passed in
  ImportAction action = ImportAction::kAdd;
};

struct ImportPlan {
  std::vector<PlannedGrant> rows;  // in file order
  std::size_t added = 0;           // kAdd, kAddNewStub and kAddForAbsent
  std::size_t already_held = 0;
  std::size_t new_stubs = 0;  // stub employees created (one per absent account)
  long long audit_event = 0;  // set by apply_grant_import
};

// The ids of the mandate catalog as the last sync run wrote it.
std::set<std::string> load_catalog_ids(pqxx::connection& connection);

// True when a sync run has read the whole directory at least once. Before that, every
// account would look absent and be imported as a leaver.
bool has_complete_sync_run(pqxx::connection& connection);

// "" when the database has no change item and no grant in the ledger (a new installation,
// where `valtuusd --once --bootstrap` may run); otherwise what it has.
std::string why_not_new_installation(pqxx::connection& connection);

// What applying would do, planned by the database as the import plans it, without writing
// anything. `file_name` names the file in the database's messages.
ImportPlan plan_grant_import(pqxx::connection& connection, const std::vector<GrantRecord>& records,
                             const std::string& file_name);

// Applies the plan in one transaction and records one audit event 'grants_imported'.
// `file_name` goes into the audit event. Throws (and writes nothing) on any database error.
ImportPlan apply_grant_import(pqxx::connection& connection, const std::vector<GrantRecord>& records,
                              const std::string& file_name);

}  // namespace valtuus
