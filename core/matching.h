// Whether an authorisation map applies to an employee, and with which values.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/employee.h"
#include "core/policy.h"

namespace valtuus {

struct MatchResult {
  bool matches = false;
  // The attribute values that satisfied the map's selectors (for provenance and fingerprints).
  std::vector<std::pair<std::string, std::string>> matched;
};

MatchResult match_map(const AuthorisationMap& map, const Employee& employee);

}  // namespace valtuus
