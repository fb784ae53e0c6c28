// The values of an employee's own pages: what their job needs and why (my_map.html, from
// core/person_map.h) and their mandates (my_mandates.html): held with end dates, open items
// with the date expected by their service path, and their orders with what became of them.
// Pure: the console reads the person (WebStore::staff_view), checks who may see them
// (person_access.h) and renders these.
#pragma once

#include <chrono>
#include <kainjow/mustache.hpp>

#include "connectors/postgres/staff_queries.h"
#include "core/person_map.h"
#include "pages/i18n.h"

namespace valtuus {

struct StaffPageSettings {
  int path1_days = 3;
  int path2_days = 42;
  std::chrono::sys_seconds now{};
  // reconcile.mover_grace_days and reconcile.leaver_grace_days, as valtuusd reads them: a
  // revoke waits this long after the role changed or the person left.
  std::chrono::days mover_grace{14};
  std::chrono::days leaver_grace{0};
};

// The person as the maps see them (department, title, OU, groups).
Employee employee_of(const StaffPerson& person);

kainjow::mustache::data my_map_values(const Policy& policy, const StaffView& view,
                                      const PersonMap& map, const StaffPageSettings& settings,
                                      Language language);

kainjow::mustache::data my_mandates_values(const StaffView& view, const StaffPageSettings& settings,
                                           Language language);

// The date an open item is expected done: the day it was created plus its path's target
// (path 2 for an application to DVV and for a grant waiting on one). "" when `created_on` is
// not a date.
std::string expected_by(const StaffItem& item, const StaffPageSettings& settings);
int item_path(const StaffItem& item);

}  // namespace valtuus
