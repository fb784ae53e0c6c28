// The oversight reports that compare the ledger with the authorisation maps (valtuusctl report
// movers | drift | holdings | capability), as pure functions of what the store holds. What a
// person needs is decided by core/needs.h, the rule reconcile() uses, so a report cannot
// disagree with what the daemon proposes. The moment a report describes comes in with the view
// (the time the command started), never from the database's clock.
#pragma once

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/change_item.h"
#include "core/employee.h"
#include "core/needs.h"
#include "core/policy.h"
#include "core/reconcile_state.h"
#include "core/report_filter.h"

namespace valtuus {

struct OversightPerson {
  std::string key, account, name, department, title, ou;
  std::vector<std::string> groups;
  Standing standing = Standing::kActive;  // as the last run stored it
  TimePoint role_changed_at{};            // department, title or OU last changed
};

// A grant the ledger shows in force (not revoked, not ended).
struct OversightGrant {
  std::string employee_key, mandate;
  std::string valid_from;  // YYYY-MM-DD, as recorded
  std::optional<std::chrono::sys_days> valid_until;
  TimePoint recorded_at{};
};

struct OversightItem {
  long long id = 0;
  ChangeKind kind = ChangeKind::kGrant;
  ItemState state = ItemState::kProposed;
  std::string employee_key, mandate;  // employee_key empty for org_apply
};

// Everything the comparison needs, read in one snapshot.
struct OversightView {
  TimePoint now{};                                          // the moment the report describes
  std::unordered_map<std::string, OversightPerson> people;  // by key
  std::vector<OversightGrant> grants;                       // in force on now's day
  std::vector<OversightItem> open_items;                    // proposed, approved, applied, held
  std::vector<ManualRequest>
      requests;  // order forms pending or approved; the rule drops ended ones
  std::set<std::string> organisation_rights;  // themes obtained through path 2

  std::chrono::sys_days today() const { return std::chrono::floor<std::chrono::days>(now); }
};

// The person as the maps see them.
Employee employee_of(const OversightPerson& person);

// The themes each person needs (core/needs.h), by employee key; people who need nothing are
// left out.
std::unordered_map<std::string, std::set<std::string>> required_themes(const OversightView& view,
                                                                       const Policy& policy);

// An active person whose department, title or OU changed after a grant was recorded, and whose
// new maps no longer require it.
struct MoverRow {
  std::string account, name, department, title, role_changed_on;
  std::string mandate, mandate_name_fi, valid_from;
  std::optional<long long> revoke_item;  // the open revoke item, if any
  std::string revoke_state;
};
std::vector<MoverRow> movers_report(const OversightView& view, const Policy& policy,
                                    const ReportFilter& filter);

// held_not_required: the ledger shows a grant no map or order form requires (leavers too;
// not people on long leave, who keep what they hold). required_missing: an active person's
// maps require a theme that is neither held nor pending in an open grant item.
struct DriftRow {
  std::string drift;  // held_not_required | required_missing
  std::string account, name, department, title, status;
  std::string mandate, mandate_name_fi;
  std::optional<long long> open_item;  // the open revoke (held_not_required) item, if any
  std::string open_state;
  std::string employee_key;  // not printed: whom the row is about
};
std::vector<DriftRow> drift_report(const OversightView& view, const Policy& policy,
                                   const ReportFilter& filter);

// Per department and theme: holders in the ledger, people the maps require it for, open
// grant/renew and revoke items, and items of runs held by the safety guard.
struct HoldingRow {
  std::string department, mandate, mandate_name_fi;
  int held = 0, required = 0, pending_grants = 0, pending_revokes = 0, held_items = 0;
};
struct HoldingsReport {
  std::vector<HoldingRow> rows;  // by department, then theme
  HoldingRow totals;             // department and theme empty
};
HoldingsReport holdings_report(const OversightView& view, const Policy& policy,
                               const ReportFilter& filter);

// A catalog theme, whether the organisation can grant it now, and who holds the right to.
struct CapabilityHolder {
  std::string account, name, status;  // status unknown: no such account in the directory
};
struct CapabilityRow {
  std::string mandate, mandate_name_fi, service;
  bool can_grant = false;
  std::string right_until;  // the grant right's end date from the catalog, empty: none
  std::vector<CapabilityHolder> holders;
  // no_holder, one_holder, holder_left, holder_unknown, right_ended, right_ends_soon, path2
  std::vector<std::string> flags;
};
// `soon_days`: a right ending within this many days is flagged.
std::vector<CapabilityRow> capability_report(const OversightView& view, const Policy& policy,
                                             const ReportFilter& filter, int soon_days = 60);

}  // namespace valtuus
