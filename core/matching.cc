#include "core/matching.h"

#include "core/text_fold.h"

namespace valtuus {

namespace {

// The value of a DN's first RDN ("CN=Kela-käyttäjät,OU=Groups,..." → "Kela-käyttäjät").
std::string_view first_rdn_value(std::string_view dn) {
  auto eq = dn.find('=');
  if (eq == std::string_view::npos) return dn;
  auto comma = dn.find(',', eq);
  return dn.substr(eq + 1,
                   comma == std::string_view::npos ? std::string_view::npos : comma - eq - 1);
}

// Finds the first selector value that equals `actual`; returns it or nullptr.
const std::string* find_value(const std::vector<std::string>& wanted, std::string_view actual) {
  for (const std::string& value : wanted)
    if (folded_equal(value, actual)) return &value;
  return nullptr;
}

// One selector: true when `wanted` is empty (the selector is not used) or a value matches.
// Records the matching directory value under `attribute`.
bool match_scalar(const std::vector<std::string>& wanted, const char* attribute,
                  const std::string& actual, MatchResult& result) {
  if (wanted.empty()) return true;
  if (find_value(wanted, actual) == nullptr) return false;
  result.matched.emplace_back(attribute, actual);
  return true;
}

bool match_groups(const std::vector<std::string>& wanted, const std::vector<std::string>& groups,
                  MatchResult& result) {
  if (wanted.empty()) return true;
  for (const std::string& group : groups) {
    if (find_value(wanted, group) != nullptr ||
        find_value(wanted, first_rdn_value(group)) != nullptr) {
      result.matched.emplace_back("memberOf", group);
      return true;
    }
  }
  return false;
}

bool match_selectors(const Selectors& selectors, const Employee& e, MatchResult& result) {
  return match_scalar(selectors.department, "department", e.department, result) &&
         match_scalar(selectors.title, "title", e.title, result) &&
         match_groups(selectors.group, e.groups, result) &&
         match_scalar(selectors.ou, "ou", e.ou, result);
}

}  // namespace

MatchResult match_map(const AuthorisationMap& map, const Employee& employee) {
  MatchResult result;
  if (!map.match_all && map.match.empty()) return result;  // the loader refuses these anyway
  if (!match_selectors(map.match, employee, result)) {
    result.matched.clear();
    return result;
  }
  if (!map.except.empty()) {
    MatchResult excluded;
    if (match_selectors(map.except, employee, excluded)) {
      result.matched.clear();
      return result;
    }
  }
  result.matches = true;
  return result;
}

}  // namespace valtuus
