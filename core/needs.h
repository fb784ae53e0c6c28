// The one rule for what a person needs, shared by reconcile() and the oversight reports
// (report holdings | drift | movers) so that they cannot disagree: which maps and order forms
// require which themes of a person on a given day, and whether a grant held still stands.
// Pure: the day comes in from the caller (the time its run started), never from a clock.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/matching.h"
#include "core/policy.h"
#include "core/reconcile.h"
#include "core/reconcile_state.h"

namespace valtuus {

// How the needs rule sees a person: the store keeps it as employee.status, written from the
// run's EmployeeStatus.
enum class Standing { kActive, kLongLeave, kLeft };
Standing standing_of(EmployeeStatus status);
std::string to_string(Standing standing);  // active | long_leave | left
std::optional<Standing> standing_from_string(std::string_view text);

// An end date (of a grant or an order form) still in force on `today`: none, or today or later.
bool in_force(const std::optional<std::chrono::sys_days>& until, std::chrono::sys_days today);

// One rule that requires a theme of a person: a grant line of a matching map, or an order form.
struct Requirement {
  const MandateIssue* mandate = nullptr;
  const CompiledPolicy::Match* match = nullptr;  // the map's match; nullptr for an order form
  const MapGrant* grant = nullptr;
  const ManualRequest* request = nullptr;
};

struct PersonRequirements {
  // The person as the maps compared them; none for someone who needs nothing, who is not folded.
  std::optional<FoldedEmployee> folded;
  std::vector<CompiledPolicy::Match> matches;  // the requirements point into these
  // In the order the rule weighs them: every grant line of every matching map in policy
  // order, then the order forms in force. A theme may appear several times.
  std::vector<Requirement> requirements;
};

// Only an active person needs anything: leavers need nothing, and people on long leave keep
// what they hold but get nothing new. Themes not in the catalog require nothing (an order form
// may outlive its theme). `requests` are the person's order forms; those ended before `today`
// do not count.
PersonRequirements requirements_of(const CompiledPolicy& compiled, const Employee& person,
                                   Standing standing,
                                   const std::vector<const ManualRequest*>& requests,
                                   std::chrono::sys_days today);
// The result keeps a reference to the person.
PersonRequirements requirements_of(const CompiledPolicy&, Employee&&, Standing,
                                   const std::vector<const ManualRequest*>&,
                                   std::chrono::sys_days) = delete;

// The catalog ids those requirements name.
std::set<std::string> needed_themes(const PersonRequirements& requirements);

// Whether a grant in force still stands, and if not, why.
enum class HeldVerdict {
  kNeeded,           // a map or order form requires it
  kKeptOnLongLeave,  // nothing requires it, but people on long leave keep what they hold
  kNotRequired,      // an active person whose maps no longer require it (a mover)
  kPersonLeft,       // the person has left
  kPersonAbsent,     // nobody with that key is known
};
// `standing`: absent when the holder is not known at all.
HeldVerdict held_verdict(bool needed, std::optional<Standing> standing);
// Whether the verdict asks for a revocation (the reconcile may still wait for a grace period
// or for a complete read).
bool calls_for_revoke(HeldVerdict verdict);

}  // namespace valtuus
