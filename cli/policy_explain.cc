#include "cli/policy_explain.h"

#include <algorithm>
#include <map>

#include "core/matching.h"
#include "core/needs.h"
#include "core/text_fold.h"

namespace valtuus {

namespace {

// A copy of `map` that selects on one selector only, to learn which selectors an employee
// fails: the core's own matching answers, so folding and group CN/DN rules stay the same.
AuthorisationMap probe(const AuthorisationMap& map, std::vector<std::string> Selectors::*selector) {
  AuthorisationMap one;
  one.id = map.id;
  one.match.*selector = map.match.*selector;
  return one;
}

// Why a map whose department selector matched does not apply; nothing when the department
// did not match or the map selects on no department (every group map would otherwise be a
// near miss of everyone).
std::optional<MapVerdict> near_miss(const AuthorisationMap& map, const Employee& employee) {
  if (map.match.department.empty()) return std::nullopt;
  const MatchResult department = match_map(probe(map, &Selectors::department), employee);
  if (!department.matches) return std::nullopt;
  MapVerdict verdict{&map, department.matched, {}, false};
  const std::pair<const char*, std::vector<std::string> Selectors::*> others[] = {
      {"title", &Selectors::title}, {"group", &Selectors::group}, {"ou", &Selectors::ou}};
  for (const auto& [name, selector] : others) {
    if ((map.match.*selector).empty()) continue;
    const MatchResult one = match_map(probe(map, selector), employee);
    if (one.matches) {
      verdict.matched.insert(verdict.matched.end(), one.matched.begin(), one.matched.end());
    } else {
      verdict.unmatched.push_back(name);
    }
  }
  // Every selector matched on its own, so they match together: only `except` can have refused.
  verdict.excluded = verdict.unmatched.empty();
  return verdict;
}

}  // namespace

Explanation explain_employee(const Employee& employee, const Policy& policy,
                             const ReconcileState& state, const LeaverRules& rules, TimePoint now) {
  const auto today = std::chrono::floor<std::chrono::days>(now);
  Explanation ex;
  ex.employee = &employee;
  ex.status = employee_status(employee, rules, now);
  ex.maps_total = policy.maps.size();

  std::map<std::string, ThemeExplanation> themes;
  auto theme = [&](const std::string& id) -> ThemeExplanation& {
    ThemeExplanation& t = themes[id];
    if (t.mandate_id.empty()) {
      t.mandate_id = id;
      t.mandate = policy.find_mandate(id);
      if (t.mandate) t.organisation_can_grant = organisation_can_grant(*t.mandate, state, now);
    }
    return t;
  };

  const FoldedEmployee folded(employee);
  for (const AuthorisationMap& map : policy.maps) {
    MatchResult result = CompiledMap(map).match(folded);
    if (!result.matches) {
      if (auto miss = near_miss(map, employee)) ex.near_misses.push_back(std::move(*miss));
      continue;
    }
    ex.matching.push_back({&map, std::move(result.matched), {}, false});
    for (const MapGrant& grant : map.grants) {
      if (policy.find_mandate(grant.mandate) == nullptr) continue;  // as reconcile() does
      theme(grant.mandate).reasons.push_back({&map, &grant, nullptr});
    }
  }
  for (const ManualRequest& request : state.requests) {
    if (request.employee_key != employee.key) continue;
    if (!in_force(request.until, today)) continue;  // ended
    if (policy.find_mandate(request.mandate) == nullptr) continue;
    theme(request.mandate).reasons.push_back({nullptr, nullptr, &request});
  }
  // A grant whose end date has passed is no longer held; of several records the longest counts.
  for (const LedgerGrant& grant : state.ledger) {
    if (grant.employee_key != employee.key) continue;
    if (!in_force(grant.valid_until, today)) continue;
    std::optional<LedgerGrant>& held = theme(grant.mandate).held;
    if (!held ||
        (held->valid_until && (!grant.valid_until || *grant.valid_until > *held->valid_until)))
      held = grant;
  }
  for (const OpenItem& item : state.open_items) {
    if (!is_open(item.state) || item.employee_key != employee.key) continue;
    theme(item.mandate).open_items.push_back(item);
  }
  // The organisation's own application (path 2) matters to every theme the person waits for.
  for (const OpenItem& item : state.open_items) {
    if (!is_open(item.state) || item.kind != ChangeKind::kOrgApply) continue;
    auto found = themes.find(item.mandate);
    if (found != themes.end() && !found->second.reasons.empty())
      found->second.open_items.push_back(item);
  }

  // Catalog order, which is the order people wrote the themes in; unknown themes last.
  auto rank = [&](const ThemeExplanation& t) {
    for (std::size_t i = 0; i < policy.catalog.size(); ++i)
      if (policy.catalog[i].id == t.mandate_id) return i;
    return policy.catalog.size();
  };
  for (auto& [id, t] : themes) (t.reasons.empty() ? ex.not_needed : ex.needed).push_back(t);
  for (auto* list : {&ex.needed, &ex.not_needed}) {
    std::stable_sort(
        list->begin(), list->end(),
        [&](const ThemeExplanation& a, const ThemeExplanation& b) { return rank(a) < rank(b); });
  }
  return ex;
}

std::vector<const Employee*> find_by_account(const Snapshot& snapshot, const std::string& account,
                                             const LeaverRules& rules, TimePoint now) {
  std::vector<const Employee*> found;
  for (const Employee& e : snapshot.employees)
    if (folded_equal(e.account, account)) found.push_back(&e);
  std::stable_sort(found.begin(), found.end(), [&](const Employee* a, const Employee* b) {
    return !is_leaver(employee_status(*a, rules, now)) &&
           is_leaver(employee_status(*b, rules, now));
  });
  return found;
}

}  // namespace valtuus
