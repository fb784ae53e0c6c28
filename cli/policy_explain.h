// `policy explain ACCOUNT`: why one person needs what they need. Computes, without I/O, which
// maps match and with which directory values, which maps almost match, and for every theme the
// rules that require it, whether the ledger says it is held, and the open items about it.
// It shares the core's matching (match_map) so that it can never disagree with reconcile().
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/employee.h"
#include "core/policy.h"
#include "core/reconcile.h"
#include "core/reconcile_state.h"

namespace valtuus {

struct MapVerdict {
  const AuthorisationMap* map = nullptr;
  std::vector<std::pair<std::string, std::string>> matched;  // attribute → value, as read
  // For a map that almost matched (its department matched): the selectors that did not, and
  // whether the map's `except` excluded a person who matched it otherwise.
  std::vector<std::string> unmatched;
  bool excluded = false;
};

// One rule that requires a theme: a map's grant line, or an approved order form.
struct ThemeReason {
  const AuthorisationMap* map = nullptr;
  const MapGrant* grant = nullptr;
  const ManualRequest* request = nullptr;
};

struct ThemeExplanation {
  std::string mandate_id;
  const MandateIssue* mandate = nullptr;  // nullptr: no longer in the catalog
  std::vector<ThemeReason> reasons;       // empty: held or open, but required by no rule
  std::optional<LedgerGrant> held;        // the ledger's grant still in force, if any
  std::vector<OpenItem> open_items;       // the person's, and the organisation's org_apply
  bool organisation_can_grant = true;     // path 1; false: path 2 (org_apply) first
};

struct Explanation {
  const Employee* employee = nullptr;
  EmployeeStatus status = EmployeeStatus::kActive;
  std::vector<MapVerdict> matching;     // in policy order
  std::vector<MapVerdict> near_misses;  // department matched, something else did not
  std::size_t maps_total = 0;
  std::vector<ThemeExplanation> needed;      // required by a map or order form, catalog order
  std::vector<ThemeExplanation> not_needed;  // held or with open items, but required by nothing
};

// The Explanation points into `employee`, `policy` and `state`: they must outlive it.
Explanation explain_employee(const Employee& employee, const Policy& policy,
                             const ReconcileState& state, const LeaverRules& rules, TimePoint now);
Explanation explain_employee(Employee&&, const Policy&, const ReconcileState&, const LeaverRules&,
                             TimePoint) = delete;

// The employees whose account is `account`, compared as the maps compare text (case and
// surrounding space ignored). Several only when the directory reuses an account name; the
// active ones come first.
std::vector<const Employee*> find_by_account(const Snapshot& snapshot, const std::string& account,
                                             const LeaverRules& rules, TimePoint now);

}  // namespace valtuus
