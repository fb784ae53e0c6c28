// Whether an authorisation map applies to an employee, and with which values.
//
// Matching compares folded text (see text_fold.h). A map is compiled once (its selector values
// folded into hash sets) and an employee is folded once, so that reconciling 100,000 people
// against hundreds of maps costs hash look-ups, not string folding.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/employee.h"
#include "core/policy.h"

namespace valtuus {

struct MatchResult {
  bool matches = false;
  // The attribute values that satisfied the map's selectors (for provenance and fingerprints),
  // as read from the directory.
  std::vector<std::pair<std::string, std::string>> matched;
};

// An employee's matchable values, folded once.
struct FoldedEmployee {
  explicit FoldedEmployee(const Employee& employee);
  explicit FoldedEmployee(Employee&&) = delete;  // it keeps a reference to the employee
  const Employee& employee;
  std::string department, title, ou;
  std::vector<std::string> group_dns, group_cns;  // parallel to employee.groups
};

// One map with its selector values folded.
class CompiledMap {
 public:
  explicit CompiledMap(const AuthorisationMap& map);
  MatchResult match(const FoldedEmployee& employee) const;
  const AuthorisationMap& map() const { return *map_; }
  // Folded department values, empty when the map does not select on department.
  const std::unordered_set<std::string>& departments() const { return match_.department; }

 private:
  struct FoldedSelectors {
    std::unordered_set<std::string> department, title, group, ou;
    bool empty() const {
      return department.empty() && title.empty() && group.empty() && ou.empty();
    }
  };
  static FoldedSelectors fold_selectors(const Selectors& selectors);
  static bool match_selectors(const FoldedSelectors& selectors, const FoldedEmployee& e,
                              MatchResult* result);

  const AuthorisationMap* map_;
  FoldedSelectors match_, except_;
};

// All maps of a policy, indexed by department so that only candidate maps are evaluated.
// Holds pointers into the Policy: the policy must outlive it.
class CompiledPolicy {
 public:
  explicit CompiledPolicy(const Policy& policy);

  struct Match {
    const CompiledMap* map;
    MatchResult result;
  };
  // The maps that apply to the employee, in policy order.
  std::vector<Match> matching_maps(const FoldedEmployee& employee) const;

  // The policy compiled.
  const Policy& policy() const { return *policy_; }

  // The theme of the `grant`-th grant of `map` (one of this policy's maps) in the catalog, as
  // policy().find_mandate() finds it (null: none). Looked up once, when compiled: the reconcile
  // asks it for every grant of every person's maps, and a look-up compares the theme's id with
  // the catalog's one by one.
  const MandateIssue* grant_mandate(const CompiledMap& map, std::size_t grant) const;

 private:
  const Policy* policy_;
  std::vector<std::vector<const MandateIssue*>> grant_mandates_;  // by map, by grant
  std::vector<CompiledMap> maps_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_department_;
  std::vector<std::size_t> without_department_;
};

// Convenience for one map and one employee (policy explain, tests).
MatchResult match_map(const AuthorisationMap& map, const Employee& employee);

}  // namespace valtuus
