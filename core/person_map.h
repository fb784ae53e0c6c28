// What one person's job needs and why, as their page in the console shows it: the maps that
// match them with each theme's reason, service, service path and whether they hold it; the
// order forms that require more; and what they hold that nothing requires any more (and so will
// be revoked). Decided by the rule reconcile() uses (core/needs.h) and the same path rule
// (organisation_can_grant), so that the page and the plan cannot disagree. Pure.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/employee.h"
#include "core/needs.h"
#include "core/policy.h"
#include "core/reconcile_state.h"

namespace valtuus {

// A grant the ledger shows in force for the person.
struct HeldMandate {
  std::string mandate;     // catalog id
  std::string valid_from;  // YYYY-MM-DD as recorded
  std::optional<std::chrono::sys_days> valid_until;
};

// 1: the organisation can grant the theme now; 2: it must first apply to DVV for the right to
// grant it (virkailijavaltuuttaminen). The reconcile's own rule.
int service_path(const MandateIssue& mandate, const std::set<std::string>& organisation_rights,
                 TimePoint now);

struct NeededTheme {
  const MandateIssue* mandate = nullptr;
  const MapGrant* grant = nullptr;         // the map's line, or null for an order form
  const ManualRequest* request = nullptr;  // the order form, or null for a map line
  const HeldMandate* held = nullptr;       // the grant in force, or null: not held
  int path = 1;
};

struct MatchedMap {
  const AuthorisationMap* map = nullptr;
  std::vector<std::pair<std::string, std::string>> matched;  // attribute → value, as read
  std::vector<NeededTheme> themes;
};

struct UnrequiredMandate {
  const HeldMandate* held = nullptr;
  const MandateIssue* mandate = nullptr;  // null: no longer in the catalog
  HeldVerdict verdict = HeldVerdict::kNotRequired;
  bool will_be_revoked = false;  // calls_for_revoke(verdict)
};

struct PersonMap {
  Standing standing = Standing::kActive;
  std::vector<MatchedMap> maps;               // in policy order
  std::vector<NeededTheme> ordered;           // required by order forms in force
  std::vector<UnrequiredMandate> unrequired;  // held, required by nothing
  std::set<std::string> needed;               // every theme required, by catalog id
};

// Everything points into the arguments: they must outlive the result. `requests`: the
// person's order forms pending or approved (ended ones count for nothing, as in the rule).
PersonMap person_map(const Policy& policy, const Employee& person, Standing standing,
                     const std::vector<ManualRequest>& requests,
                     const std::vector<HeldMandate>& held,
                     const std::set<std::string>& organisation_rights, TimePoint now);

}  // namespace valtuus
