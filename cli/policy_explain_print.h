// How `policy explain` shows an Explanation: text for people, JSON for tools. Neither ever
// includes the personal identity code (the Explanation's employee holds one in principle).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/policy_explain.h"

namespace valtuus {

void print_explanation(std::ostream& out, const Explanation& explanation, const Snapshot& snapshot);
nlohmann::json explanation_json(const Explanation& explanation, const Snapshot& snapshot);

// One line saying what the status means for the person's mandates.
std::string status_text(EmployeeStatus status);

}  // namespace valtuus
