// Read-only queries over change items, for valtuusctl. Each runs in one read-only
// transaction, so a listing is one consistent snapshot of the database.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "core/change_item.h"

namespace valtuus {

// One change item as a reviewer sees it in a listing.
struct ItemRow {
  long long id = 0;
  long long run_id = 0;
  std::string kind;
  std::string state;
  int version = 0;
  std::string account;  // empty for org_apply (the organisation applies)
  std::string display_name;
  std::string department;
  std::string title;
  std::string mandate;  // catalog id
  std::string mandate_name_fi;
  std::string service;
  std::string reason;
  std::string map_id;
  std::string rule;  // policy file:line
  bool waits_for_org_apply = false;
  std::string created_at;  // ISO 8601, UTC
  int age_days = 0;
};

struct ItemFilter {
  std::vector<std::string> states = actionable_item_state_names();  // open by default
  std::optional<std::string> kind;
  std::optional<std::string> department;  // compared ignoring case
  std::optional<std::string> mandate;     // catalog id
  std::optional<int> older_than_days;     // only items at least this many days old
};

std::vector<ItemRow> list_items(pqxx::connection& connection, const ItemFilter& filter);

// The select list of an ItemRow over `change_item i JOIN mandate_issue m LEFT JOIN employee e`,
// and the reader of its 18 columns (starting at column `first`): shared by every item query.
extern const char* const kItemRowColumns;
ItemRow read_item_row(const pqxx::row& r, pqxx::row::size_type first = 0);

}  // namespace valtuus
