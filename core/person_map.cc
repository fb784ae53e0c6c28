#include "core/person_map.h"

#include <map>

#include "core/matching.h"
#include "core/reconcile.h"

namespace valtuus {

int service_path(const MandateIssue& mandate, const std::set<std::string>& organisation_rights,
                 TimePoint now) {
  ReconcileState state;
  state.organisation_rights = organisation_rights;
  return organisation_can_grant(mandate, state, now) ? 1 : 2;
}

PersonMap person_map(const Policy& policy, const Employee& person, Standing standing,
                     const std::vector<ManualRequest>& requests,
                     const std::vector<HeldMandate>& held,
                     const std::set<std::string>& organisation_rights, TimePoint now) {
  const auto today = std::chrono::floor<std::chrono::days>(now);
  const CompiledPolicy compiled(policy);
  std::vector<const ManualRequest*> own;
  for (const ManualRequest& request : requests) own.push_back(&request);
  const PersonRequirements requirements = requirements_of(compiled, person, standing, own, today);

  std::map<std::string, const HeldMandate*> held_by_theme;
  for (const HeldMandate& grant : held) {
    if (in_force(grant.valid_until, today)) held_by_theme[grant.mandate] = &grant;
  }
  auto held_of = [&](const std::string& theme) -> const HeldMandate* {
    const auto found = held_by_theme.find(theme);
    return found == held_by_theme.end() ? nullptr : found->second;
  };

  PersonMap out;
  out.standing = standing;
  out.needed = needed_themes(requirements);
  // The requirements point into requirements.matches, in policy order.
  std::map<const CompiledPolicy::Match*, std::size_t> map_index;
  for (const CompiledPolicy::Match& match : requirements.matches) {
    map_index[&match] = out.maps.size();
    out.maps.push_back({&match.map->map(), match.result.matched, {}});
  }
  for (const Requirement& r : requirements.requirements) {
    NeededTheme theme{r.mandate, r.grant, r.request, held_of(r.mandate->id),
                      service_path(*r.mandate, organisation_rights, now)};
    if (r.match != nullptr) {
      out.maps[map_index.at(r.match)].themes.push_back(theme);
    } else {
      out.ordered.push_back(theme);
    }
  }
  for (const auto& [theme, grant] : held_by_theme) {
    if (out.needed.count(theme)) continue;
    const HeldVerdict verdict = held_verdict(false, standing);
    out.unrequired.push_back(
        {grant, policy.find_mandate(theme), verdict, calls_for_revoke(verdict)});
  }
  return out;
}

}  // namespace valtuus
