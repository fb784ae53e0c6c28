// What the console's staff pages read about one employee, in one snapshot: the person as the
// last directory read stored them, their grants in force, their open items, their order forms
// and what became of them, the themes the organisation obtained the right to grant, and the
// catalog's names. Only rows: what the person needs is the core's (core/person_map.h).
#pragma once

#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "core/person_map.h"
#include "core/reconcile_state.h"

namespace valtuus {

struct StaffPerson {
  std::string key;  // the directory key: never shown in an address
  std::string ref;  // employee.web_ref: the pages' addresses carry this
  std::string account, display_name, department, title, ou, dn, manager_dn;
  std::string status;  // active | long_leave | left
  std::vector<std::string> groups;
  // When the department, title or OU last changed, and when the person left: the grace
  // periods before a revoke start from them.
  TimePoint role_changed_at{};
  std::optional<TimePoint> left_at{};
};

struct ThemeNames {
  std::string fi, sv, en, service;
};

struct StaffItem {
  long long id = 0;
  std::string kind, state, mandate;
  std::string created_on;  // YYYY-MM-DD (UTC)
  bool waits_for_org_apply = false;
};

struct StaffOrder {
  long long id = 0;
  std::string mandate, why, state, requested_by;
  std::string requested_on;       // YYYY-MM-DD (UTC)
  std::string valid_until;        // YYYY-MM-DD, or empty
  std::optional<long long> item;  // the change item the order became, the latest
  std::string item_state, item_note;
};

struct StaffView {
  StaffPerson person;
  std::vector<HeldMandate> held;        // the ledger's grants not revoked (ended ones included)
  std::vector<StaffItem> items;         // open: proposed, approved, applied, held
  std::vector<StaffOrder> orders;       // every order form about the person, newest first
  std::vector<ManualRequest> requests;  // pending or approved order forms, for the needs rule
  std::set<std::string> organisation_rights;
  std::map<std::string, ThemeNames> themes;  // the stored catalog, by id
};

// Whether `ref` has the form of an employee.web_ref (a UUID); anything else names nobody.
bool is_employee_ref(const std::string& ref);

// nullopt when no employee has the reference.
std::optional<StaffView> load_staff_view(pqxx::transaction_base& txn, const std::string& ref);

// The themes the organisation has obtained the right to grant (organisation_holding): those
// take service path 1 today.
std::set<std::string> load_organisation_rights(pqxx::transaction_base& txn);

}  // namespace valtuus
