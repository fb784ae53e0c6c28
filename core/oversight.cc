#include "core/oversight.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "core/calendar.h"
#include "core/matching.h"
#include "core/text_fold.h"

namespace valtuus {

namespace {

bool passes(const ReportFilter& filter, const std::string& department, const std::string& theme) {
  if (filter.department && !folded_equal(*filter.department, department)) return false;
  return !filter.theme || *filter.theme == theme;
}

std::string name_fi(const Policy& policy, const std::string& theme) {
  const MandateIssue* mandate = policy.find_mandate(theme);
  return mandate ? mandate->name_fi : "";
}

// Open items indexed by (kind, key, theme): the reports look one up per grant.
using ItemIndex = std::map<std::tuple<ChangeKind, std::string, std::string>, const OversightItem*>;
ItemIndex index_items(const OversightView& view) {
  ItemIndex index;
  for (const OversightItem& item : view.open_items)
    index[{item.kind, item.employee_key, item.mandate}] = &item;
  return index;
}
const OversightItem* find_item(const ItemIndex& index, ChangeKind kind, const std::string& key,
                               const std::string& theme) {
  auto it = index.find({kind, key, theme});
  return it == index.end() ? nullptr : it->second;
}

const OversightPerson* person_of(const OversightView& view, const std::string& key) {
  auto found = view.people.find(key);
  return found == view.people.end() ? nullptr : &found->second;
}

bool needs(const std::unordered_map<std::string, std::set<std::string>>& required,
           const std::string& key, const std::string& theme) {
  auto found = required.find(key);
  return found != required.end() && found->second.count(theme) > 0;
}

// What the rule says of a grant in force: the same verdict reconcile() acts on.
HeldVerdict verdict_of(const OversightView& view,
                       const std::unordered_map<std::string, std::set<std::string>>& required,
                       const OversightGrant& grant) {
  const OversightPerson* p = person_of(view, grant.employee_key);
  return held_verdict(needs(required, grant.employee_key, grant.mandate),
                      p ? std::optional<Standing>(p->standing) : std::nullopt);
}

}  // namespace

Employee employee_of(const OversightPerson& person) {
  Employee e;
  e.key = person.key;
  e.account = person.account;
  e.department = person.department;
  e.title = person.title;
  e.ou = person.ou;
  e.groups.assign(person.groups.begin(), person.groups.end());
  return e;
}

std::unordered_map<std::string, std::set<std::string>> required_themes(const OversightView& view,
                                                                       const Policy& policy) {
  const CompiledPolicy compiled(policy);
  std::unordered_map<std::string, std::vector<const ManualRequest*>> requests;
  for (const ManualRequest& r : view.requests) requests[r.employee_key].push_back(&r);
  const std::vector<const ManualRequest*> none;
  std::unordered_map<std::string, std::set<std::string>> required;
  for (const auto& [key, person] : view.people) {
    const Employee employee = employee_of(person);
    const auto own = requests.find(key);
    std::set<std::string> themes =
        needed_themes(requirements_of(compiled, employee, person.standing,
                                      own == requests.end() ? none : own->second, view.today()));
    if (!themes.empty()) required.emplace(key, std::move(themes));
  }
  return required;
}

std::vector<MoverRow> movers_report(const OversightView& view, const Policy& policy,
                                    const ReportFilter& filter) {
  const auto required = required_themes(view, policy);
  const ItemIndex items = index_items(view);
  std::vector<MoverRow> rows;
  for (const OversightGrant& g : view.grants) {
    const OversightPerson* p = person_of(view, g.employee_key);
    // A mover: still here, no longer required, and the role changed after the grant.
    if (!p || verdict_of(view, required, g) != HeldVerdict::kNotRequired) continue;
    if (p->role_changed_at <= g.recorded_at) continue;
    if (!passes(filter, p->department, g.mandate)) continue;
    MoverRow row{p->account,
                 p->name,
                 p->department,
                 p->title,
                 format_iso_date(std::chrono::floor<std::chrono::days>(p->role_changed_at)),
                 g.mandate,
                 name_fi(policy, g.mandate),
                 g.valid_from,
                 std::nullopt,
                 ""};
    if (const OversightItem* item = find_item(items, ChangeKind::kRevoke, p->key, g.mandate)) {
      row.revoke_item = item->id;
      row.revoke_state = to_string(item->state);
    }
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const MoverRow& a, const MoverRow& b) {
    return std::tie(a.role_changed_on, a.account, a.mandate) <
           std::tie(b.role_changed_on, b.account, b.mandate);
  });
  return rows;
}

std::vector<DriftRow> drift_report(const OversightView& view, const Policy& policy,
                                   const ReportFilter& filter) {
  const auto required = required_themes(view, policy);
  const ItemIndex items = index_items(view);
  std::set<std::pair<std::string, std::string>> held;
  std::vector<DriftRow> rows;
  for (const OversightGrant& g : view.grants) {
    held.emplace(g.employee_key, g.mandate);
    if (!calls_for_revoke(verdict_of(view, required, g))) continue;
    const OversightPerson* p = person_of(view, g.employee_key);
    DriftRow row{"held_not_required", p ? p->account : "",
                 p ? p->name : "",    p ? p->department : "",
                 p ? p->title : "",   p ? to_string(p->standing) : "unknown",
                 g.mandate,           name_fi(policy, g.mandate),
                 std::nullopt,        "",
                 g.employee_key};
    if (!passes(filter, row.department, g.mandate)) continue;
    if (const OversightItem* item =
            find_item(items, ChangeKind::kRevoke, g.employee_key, g.mandate)) {
      row.open_item = item->id;
      row.open_state = to_string(item->state);
    }
    rows.push_back(std::move(row));
  }
  for (const auto& [key, themes] : required) {
    const OversightPerson& p = view.people.at(key);
    for (const std::string& theme : themes) {
      if (held.count({key, theme}) || find_item(items, ChangeKind::kGrant, key, theme)) continue;
      if (!passes(filter, p.department, theme)) continue;
      rows.push_back({"required_missing", p.account, p.name, p.department, p.title,
                      to_string(p.standing), theme, name_fi(policy, theme), std::nullopt, "", key});
    }
  }
  // Departments sort as the maps compare them, so one department's rows stay together.
  std::sort(rows.begin(), rows.end(), [](const DriftRow& a, const DriftRow& b) {
    return std::make_tuple(a.drift, fold(a.department), a.account, a.mandate) <
           std::make_tuple(b.drift, fold(b.department), b.account, b.mandate);
  });
  return rows;
}

HoldingsReport holdings_report(const OversightView& view, const Policy& policy,
                               const ReportFilter& filter) {
  const auto required = required_themes(view, policy);
  // Departments group as the maps compare them (folded); the first spelling met is shown.
  std::map<std::string, std::string> shown;
  std::map<std::pair<std::string, std::string>, HoldingRow> cells;
  auto cell = [&](const std::string& key, const std::string& theme) -> HoldingRow* {
    const OversightPerson* person = person_of(view, key);
    const std::string department = person ? person->department : "";
    if (!passes(filter, department, theme)) return nullptr;
    const std::string folded = fold(department);
    shown.emplace(folded, department.substr(0, department.find_last_not_of(' ') + 1));
    HoldingRow& row = cells[{folded, theme}];
    row.mandate = theme;
    return &row;
  };
  for (const OversightGrant& g : view.grants)
    if (HoldingRow* row = cell(g.employee_key, g.mandate)) ++row->held;
  for (const auto& [key, themes] : required)
    for (const std::string& theme : themes)
      if (HoldingRow* row = cell(key, theme)) ++row->required;
  for (const OversightItem& item : view.open_items) {
    if (item.employee_key.empty()) continue;  // org_apply: the organisation's, not a person's
    HoldingRow* row = cell(item.employee_key, item.mandate);
    if (!row) continue;
    if (item.state == ItemState::kHeld) {
      ++row->held_items;
    } else if (item.kind == ChangeKind::kRevoke) {
      ++row->pending_revokes;
    } else {
      ++row->pending_grants;
    }
  }
  HoldingsReport report;
  for (auto& [key, row] : cells) {
    row.department = shown[key.first];
    row.mandate_name_fi = name_fi(policy, row.mandate);
    report.totals.held += row.held;
    report.totals.required += row.required;
    report.totals.pending_grants += row.pending_grants;
    report.totals.pending_revokes += row.pending_revokes;
    report.totals.held_items += row.held_items;
    report.rows.push_back(row);
  }
  return report;
}

std::vector<CapabilityRow> capability_report(const OversightView& view, const Policy& policy,
                                             const ReportFilter& filter, int soon_days) {
  if (filter.department) throw std::invalid_argument("capability has no department filter");
  const auto today = view.today();
  std::vector<CapabilityRow> rows;
  for (const MandateIssue& m : policy.catalog) {
    if (filter.theme && *filter.theme != m.id) continue;
    CapabilityRow row;
    row.mandate = m.id;
    row.mandate_name_fi = m.name_fi;
    row.service = m.service;
    const auto& until = m.grant_right.until;
    if (until) row.right_until = format_iso_date(*until);
    const bool right_in_force = m.organisation_holds && in_force(until, today);
    row.can_grant = right_in_force || view.organisation_rights.count(m.id) > 0;
    for (const std::string& account : m.grant_right.holders) {
      // Several people may share an account name over time: one still here wins.
      const OversightPerson* best = nullptr;
      for (const auto& [key, p] : view.people) {
        if (!folded_equal(p.account, account)) continue;
        if (!best || (best->standing == Standing::kLeft && p.standing != Standing::kLeft))
          best = &p;
      }
      row.holders.push_back(
          best ? CapabilityHolder{best->account, best->name, to_string(best->standing)}
               : CapabilityHolder{account, "", "unknown"});
    }
    if (!row.can_grant) {
      // A right that ended is a loss to act on; a theme never held is path 2 as designed.
      row.flags.push_back(m.organisation_holds ? "right_ended" : "path2");
    } else {
      int present = 0;
      bool left = false, unknown = false;
      for (const CapabilityHolder& h : row.holders) {
        if (h.status == "left")
          left = true;
        else if (h.status == "unknown")
          unknown = true;
        else
          ++present;
      }
      if (present == 0) row.flags.push_back("no_holder");
      if (present == 1) row.flags.push_back("one_holder");
      if (left) row.flags.push_back("holder_left");
      if (unknown) row.flags.push_back("holder_unknown");
      if (!in_force(until, today)) row.flags.push_back("right_ended");
      if (until && *until >= today && *until <= today + std::chrono::days(soon_days))
        row.flags.push_back("right_ends_soon");
    }
    rows.push_back(std::move(row));
  }
  // Themes the organisation can grant but may soon be unable to, first; path 2 themes last.
  auto rank = [](const CapabilityRow& r) {
    if (r.flags.empty()) return 1;
    return r.flags.front() == "path2" ? 2 : 0;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const CapabilityRow& a, const CapabilityRow& b) {
    return std::make_tuple(rank(a), a.mandate) < std::make_tuple(rank(b), b.mandate);
  });
  return rows;
}

}  // namespace valtuus
