// One change item with everything a person needs to decide and to execute it by hand in
// Suomi.fi: the person, the theme, the reason and rule, the path, and its history.
#pragma once

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "connectors/postgres/item_queries.h"

namespace valtuus {

struct ItemDetail {
  ItemRow row;
  std::string given_name, surname, ou, employee_status, left_at;
  std::string suomifi_code, name_sv, name_en, mandate_type;
  bool organisation_holds = false;     // per the catalog
  bool organisation_obtained = false;  // path 2 done
  int max_validity_days = 0;
  std::string matched;  // "department=Elinkeinoasiat, title=Omavalmentaja"
  std::string decided_by, decided_at, decision_note, executed_by, executed_at, execution_note;
  std::optional<long long> request_id;
  std::string requested_by;
  std::string held_until;            // the ledger's end date of the current grant, if any
  std::string identity_code_masked;  // "131052-****"; empty when no code is recorded
  std::vector<std::string> history;  // "2026-11-24 21:40 alice item_approved"
  // The item's sync run, when the guard held it (sql/004): why, and who resolved it. All empty
  // when the run was not held; released_* or discarded_* empty until someone did.
  std::string run_held_reason, run_held_at;
  std::string run_released_by, run_released_at;
  std::string run_discarded_by, run_discarded_at, run_discard_reason;
};

// Throws DataError when there is no such item.
ItemDetail load_item_detail(pqxx::connection& connection, long long id);

}  // namespace valtuus
