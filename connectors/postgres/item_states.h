// The open item states of core/change_item.h as the store's queries need them, so that the
// list is written once: a query that selects open items says `state IN ` + open_states_sql().
#pragma once

#include <string>
#include <vector>

namespace valtuus {

// "('proposed', 'approved', 'applied', 'held')": the states are our own constants, not input.
const std::string& open_states_sql();
std::vector<std::string> open_state_names();

}  // namespace valtuus
