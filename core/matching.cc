#include "core/matching.h"

#include <algorithm>

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

}  // namespace

FoldedEmployee::FoldedEmployee(const Employee& e)
    : employee(e), department(fold(e.department)), title(fold(e.title)), ou(fold(e.ou)) {
  group_dns.reserve(e.groups.size());
  group_cns.reserve(e.groups.size());
  for (const std::string& group : e.groups) {
    group_dns.push_back(fold(group));
    group_cns.push_back(fold(first_rdn_value(group)));
  }
}

CompiledMap::FoldedSelectors CompiledMap::fold_selectors(const Selectors& selectors) {
  FoldedSelectors folded;
  for (const auto& v : selectors.department) folded.department.insert(fold(v));
  for (const auto& v : selectors.title) folded.title.insert(fold(v));
  for (const auto& v : selectors.group) folded.group.insert(fold(v));
  for (const auto& v : selectors.ou) folded.ou.insert(fold(v));
  return folded;
}

CompiledMap::CompiledMap(const AuthorisationMap& map)
    : map_(&map), match_(fold_selectors(map.match)), except_(fold_selectors(map.except)) {}

// Any value within a selector, all selectors together; an unused selector matches anyone.
bool CompiledMap::match_selectors(const FoldedSelectors& s, const FoldedEmployee& e,
                                  MatchResult* result) {
  const Employee& raw = e.employee;
  auto scalar = [&](const std::unordered_set<std::string>& wanted, const std::string& folded,
                    const char* attribute, const std::string& value) {
    if (wanted.empty()) return true;
    if (!wanted.count(folded)) return false;
    if (result) result->matched.emplace_back(attribute, value);
    return true;
  };
  if (!scalar(s.department, e.department, "department", raw.department)) return false;
  if (!scalar(s.title, e.title, "title", raw.title)) return false;
  if (!s.group.empty()) {
    bool found = false;
    for (std::size_t i = 0; i < e.group_dns.size() && !found; ++i) {
      if (s.group.count(e.group_dns[i]) || s.group.count(e.group_cns[i])) {
        if (result) result->matched.emplace_back("memberOf", raw.groups[i]);
        found = true;
      }
    }
    if (!found) return false;
  }
  return scalar(s.ou, e.ou, "ou", raw.ou);
}

MatchResult CompiledMap::match(const FoldedEmployee& employee) const {
  MatchResult result;
  // An empty match selects nobody unless the map says `match: all` (the loader refuses it).
  if (!map_->match_all && match_.empty()) return result;
  if (!match_selectors(match_, employee, &result) ||
      (!except_.empty() && match_selectors(except_, employee, nullptr))) {
    result.matched.clear();
    return result;
  }
  result.matches = true;
  return result;
}

CompiledPolicy::CompiledPolicy(const Policy& policy) : policy_(&policy) {
  maps_.reserve(policy.maps.size());
  grant_mandates_.reserve(policy.maps.size());
  for (const AuthorisationMap& map : policy.maps) {
    maps_.emplace_back(map);
    std::vector<const MandateIssue*>& mandates = grant_mandates_.emplace_back();
    for (const MapGrant& grant : map.grants) mandates.push_back(policy.find_mandate(grant.mandate));
  }
  for (std::size_t i = 0; i < maps_.size(); ++i) {
    if (maps_[i].departments().empty()) {
      without_department_.push_back(i);
    } else {
      for (const std::string& department : maps_[i].departments()) {
        by_department_[department].push_back(i);
      }
    }
  }
}

std::vector<CompiledPolicy::Match> CompiledPolicy::matching_maps(const FoldedEmployee& e) const {
  std::vector<std::size_t> candidates = without_department_;
  if (auto it = by_department_.find(e.department); it != by_department_.end()) {
    candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    std::sort(candidates.begin(), candidates.end());  // policy order, for stable provenance
  }
  std::vector<Match> matches;
  for (std::size_t i : candidates) {
    MatchResult result = maps_[i].match(e);
    if (result.matches) matches.push_back({&maps_[i], std::move(result)});
  }
  return matches;
}

MatchResult match_map(const AuthorisationMap& map, const Employee& employee) {
  return CompiledMap(map).match(FoldedEmployee(employee));
}

const MandateIssue* CompiledPolicy::grant_mandate(const CompiledMap& map, std::size_t grant) const {
  return grant_mandates_[static_cast<std::size_t>(&map - maps_.data())][grant];
}

}  // namespace valtuus
