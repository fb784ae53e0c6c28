#include "core/needs.h"

namespace valtuus {

Standing standing_of(EmployeeStatus status) {
  if (status == EmployeeStatus::kActive) return Standing::kActive;
  if (status == EmployeeStatus::kLongLeave) return Standing::kLongLeave;
  return Standing::kLeft;
}

std::string to_string(Standing standing) {
  switch (standing) {
    case Standing::kActive:
      return "active";
    case Standing::kLongLeave:
      return "long_leave";
    case Standing::kLeft:
      return "left";
  }
  return "active";
}

std::optional<Standing> standing_from_string(std::string_view text) {
  if (text == "active") return Standing::kActive;
  if (text == "long_leave") return Standing::kLongLeave;
  if (text == "left") return Standing::kLeft;
  return std::nullopt;
}

bool in_force(const std::optional<std::chrono::sys_days>& until, std::chrono::sys_days today) {
  return !until || *until >= today;
}

PersonRequirements requirements_of(const CompiledPolicy& compiled, const Employee& person,
                                   Standing standing,
                                   const std::vector<const ManualRequest*>& requests,
                                   std::chrono::sys_days today) {
  PersonRequirements out;
  if (standing != Standing::kActive) return out;
  out.folded.emplace(person);
  out.matches = compiled.matching_maps(*out.folded);
  std::size_t lines = requests.size();
  for (const CompiledPolicy::Match& match : out.matches) lines += match.map->map().grants.size();
  out.requirements.reserve(lines);  // the reconcile asks this of every person read
  for (const CompiledPolicy::Match& match : out.matches) {
    const std::vector<MapGrant>& grants = match.map->map().grants;
    for (std::size_t g = 0; g < grants.size(); ++g) {
      const MandateIssue* mandate = compiled.grant_mandate(*match.map, g);
      if (mandate == nullptr) continue;  // the loader refuses unknown themes
      out.requirements.push_back({mandate, &match, &grants[g], nullptr});
    }
  }
  for (const ManualRequest* request : requests) {
    if (!in_force(request->until, today)) continue;
    const MandateIssue* mandate = compiled.policy().find_mandate(request->mandate);
    if (mandate == nullptr) continue;  // a theme dropped from the catalog
    out.requirements.push_back({mandate, nullptr, nullptr, request});
  }
  return out;
}

std::set<std::string> needed_themes(const PersonRequirements& requirements) {
  std::set<std::string> themes;
  for (const Requirement& r : requirements.requirements) themes.insert(r.mandate->id);
  return themes;
}

HeldVerdict held_verdict(bool needed, std::optional<Standing> standing) {
  if (!standing) return HeldVerdict::kPersonAbsent;
  if (*standing == Standing::kLongLeave) return HeldVerdict::kKeptOnLongLeave;
  if (needed) return HeldVerdict::kNeeded;
  return *standing == Standing::kLeft ? HeldVerdict::kPersonLeft : HeldVerdict::kNotRequired;
}

bool calls_for_revoke(HeldVerdict verdict) {
  return verdict == HeldVerdict::kNotRequired || verdict == HeldVerdict::kPersonLeft ||
         verdict == HeldVerdict::kPersonAbsent;
}

}  // namespace valtuus
