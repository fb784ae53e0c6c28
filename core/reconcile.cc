#include "core/reconcile.h"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "core/fingerprint.h"
#include "core/matching.h"
#include "core/text_fold.h"

namespace valtuus {

namespace {

using EmployeeMandate = std::pair<std::string, std::string>;  // (employee key, mandate id)

// Why an employee needs a theme: every map that requires it, in policy order.
struct Need {
  const Employee* employee = nullptr;
  const MandateIssue* mandate = nullptr;
  std::vector<const AuthorisationMap*> maps;
  std::vector<const MapGrant*> grants;
  std::vector<std::pair<std::string, std::string>> matched;  // of the first map
  std::vector<std::string> fingerprint_parts;                // map ids and matched values
};

enum class LeaveReason { kNone, kDisabled, kExpired, kAbsent };

LeaveReason leave_reason(const Employee& e, TimePoint now) {
  if (e.account_expires && *e.account_expires <= now) return LeaveReason::kExpired;
  if (e.disabled) return LeaveReason::kDisabled;
  return LeaveReason::kNone;
}

const char* leave_text(LeaveReason reason) {
  switch (reason) {
    case LeaveReason::kDisabled:
      return "the account is disabled";
    case LeaveReason::kExpired:
      return "the account has expired";
    case LeaveReason::kAbsent:
      return "the person is no longer in the directory";
    case LeaveReason::kNone:
      break;
  }
  return "";
}

const char* leave_code(LeaveReason reason) {
  switch (reason) {
    case LeaveReason::kDisabled:
      return "left:disabled";
    case LeaveReason::kExpired:
      return "left:expired";
    case LeaveReason::kAbsent:
      return "left:absent";
    case LeaveReason::kNone:
      break;
  }
  return "not-required";
}

using ItemKey = std::tuple<ChangeKind, std::string, std::string>;  // kind, employee, mandate

class Reconciler {
 public:
  explicit Reconciler(const ReconcileInput& input) : in_(input) {}

  Plan run() {
    index_open_items();
    index_employees();
    compute_needs();
    propose_grants();
    propose_revokes();
    supersede_unwanted();
    finish();
    return std::move(plan_);
  }

 private:
  void index_open_items() {
    for (const OpenItem& item : in_.open_items) {
      if (is_open(item.state)) open_by_key_[{item.kind, item.employee_key, item.mandate}] = &item;
    }
  }

  void index_employees() {
    for (const Employee& e : in_.snapshot.employees) {
      employees_[e.key] = &e;
      if (leave_reason(e, in_.now) != LeaveReason::kNone) {
        plan_.leavers.push_back(e.key);
      }
    }
    plan_.stats.employees_read = static_cast<int>(in_.snapshot.employees.size());
    plan_.stats.leavers = static_cast<int>(plan_.leavers.size());
  }

  void compute_needs() {
    for (const Employee& e : in_.snapshot.employees) {
      if (leave_reason(e, in_.now) != LeaveReason::kNone) continue;
      for (const AuthorisationMap& map : in_.policy.maps) {
        MatchResult match = match_map(map, e);
        if (!match.matches) continue;
        for (const MapGrant& grant : map.grants) {
          const MandateIssue* mandate = in_.policy.find_mandate(grant.mandate);
          if (mandate == nullptr) continue;  // the loader refuses unknown themes
          Need& need = needs_[{e.key, grant.mandate}];
          if (need.maps.empty()) {
            need.employee = &e;
            need.mandate = mandate;
            need.matched = match.matched;
          }
          need.maps.push_back(&map);
          need.grants.push_back(&grant);
          need.fingerprint_parts.push_back(map.id);
          // Folded, so that a value rewritten in another case does not churn items.
          for (const auto& [attribute, value] : match.matched) {
            need.fingerprint_parts.push_back(attribute + "=" + fold(value));
          }
        }
      }
    }
  }

  bool held(const std::string& key, const std::string& mandate) const {
    return held_.count({key, mandate}) > 0;
  }

  void propose_grants() {
    const auto today = std::chrono::floor<std::chrono::days>(in_.now);
    for (const LedgerGrant& g : in_.ledger) {
      if (!g.valid_until || *g.valid_until >= today) held_.insert({g.employee_key, g.mandate});
    }
    std::set<std::string> org_applies;
    for (const auto& [key, need] : needs_) {
      if (held(key.first, key.second)) continue;
      ProposedItem item;
      item.kind = ChangeKind::kGrant;
      item.employee_key = key.first;
      item.mandate = key.second;
      item.reason = need.grants.front()->why;
      item.provenance.map_id = need.maps.front()->id;
      item.provenance.rule = need.grants.front()->location;
      item.provenance.matched = need.matched;
      std::vector<std::string_view> parts{"grant", key.first, key.second};
      for (const std::string& part : need.fingerprint_parts) parts.push_back(part);
      item.fingerprint = fingerprint(parts);
      if (!need.mandate->organisation_holds) {
        item.waits_for_org_apply = true;
        org_applies.insert(key.second);
      }
      want(std::move(item));
    }
    for (const std::string& mandate_id : org_applies) {
      ProposedItem item;
      item.kind = ChangeKind::kOrgApply;
      item.mandate = mandate_id;
      item.reason =
          "The organisation does not yet hold the right to grant this theme; apply to DVV "
          "(path 2) before the waiting grants can be executed";
      item.provenance.rule = in_.policy.find_mandate(mandate_id)->location;
      item.fingerprint = fingerprint({"org_apply", mandate_id});
      want(std::move(item));
    }
  }

  void propose_revokes() {
    // Invariant 5: a snapshot that is not known to be complete never produces a revocation,
    // because an employee missing from it may simply not have been read.
    if (!in_.snapshot.complete) return;
    std::set<EmployeeMandate> seen;
    for (const LedgerGrant& g : in_.ledger) {
      EmployeeMandate key{g.employee_key, g.mandate};
      if (!held_.count(key) || !seen.insert(key).second || needs_.count(key)) continue;
      auto employee = employees_.find(g.employee_key);
      LeaveReason reason = employee == employees_.end() ? LeaveReason::kAbsent
                                                        : leave_reason(*employee->second, in_.now);
      ProposedItem item;
      item.kind = ChangeKind::kRevoke;
      item.employee_key = g.employee_key;
      item.mandate = g.mandate;
      item.reason = reason == LeaveReason::kNone
                        ? "No authorisation map requires this theme for the person's current "
                          "department and title"
                        : std::string("The person has left: ") + leave_text(reason);
      item.fingerprint = fingerprint({"revoke", g.employee_key, g.mandate, leave_code(reason)});
      want(std::move(item));
    }
  }

  // Adds `item` unless an open item with the same source values already stands for it.
  void want(ProposedItem item) {
    ItemKey key{item.kind, item.employee_key, item.mandate};
    wanted_.insert(key);
    auto open = open_by_key_.find(key);
    if (open != open_by_key_.end()) {
      if (open->second->fingerprint == item.fingerprint) {
        ++plan_.stats.unchanged;
        return;
      }
      replaced_.insert(key);  // its source values changed: supersede it, propose afresh
    }
    plan_.add.push_back(std::move(item));
  }

  void supersede_unwanted() {
    for (const auto& [key, open] : open_by_key_) {
      if (!wanted_.count(key) || replaced_.count(key)) plan_.supersede.push_back(open->id);
    }
  }

  void finish() {
    std::sort(plan_.add.begin(), plan_.add.end(), [](const ProposedItem& a, const ProposedItem& b) {
      return std::tie(a.employee_key, a.mandate, a.kind) <
             std::tie(b.employee_key, b.mandate, b.kind);
    });
    std::sort(plan_.supersede.begin(), plan_.supersede.end());
    std::sort(plan_.leavers.begin(), plan_.leavers.end());
    for (const ProposedItem& item : plan_.add) {
      switch (item.kind) {
        case ChangeKind::kGrant:
          ++plan_.stats.grants;
          break;
        case ChangeKind::kOrgApply:
          ++plan_.stats.org_applies;
          break;
        case ChangeKind::kRevoke:
          ++plan_.stats.revokes;
          break;
        case ChangeKind::kRenew:
          ++plan_.stats.renews;
          break;
      }
    }
    plan_.stats.superseded = static_cast<int>(plan_.supersede.size());
  }

 private:
  const ReconcileInput& in_;
  Plan plan_;
  std::map<std::string, const Employee*> employees_;
  std::map<EmployeeMandate, Need> needs_;
  std::set<EmployeeMandate> held_;
  std::map<ItemKey, const OpenItem*> open_by_key_;
  std::set<ItemKey> wanted_;
  std::set<ItemKey> replaced_;
};

}  // namespace

bool is_leaver(const Employee& employee, TimePoint now) {
  return leave_reason(employee, now) != LeaveReason::kNone;
}

Plan reconcile(const ReconcileInput& input) {
  return Reconciler(input).run();
}

}  // namespace valtuus
