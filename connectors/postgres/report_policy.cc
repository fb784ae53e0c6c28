#include "connectors/postgres/report_policy.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "connectors/postgres/pg_arrays.h"
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

std::chrono::sys_days parse_day(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(text.c_str(), "%d-%u-%u", &y, &m, &d);
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

// Open items indexed by (kind, key, theme): the reports look one up per grant.
using ItemIndex = std::map<std::tuple<std::string, std::string, std::string>, const OversightItem*>;
ItemIndex index_items(const OversightView& view) {
  ItemIndex index;
  for (const OversightItem& item : view.open_items)
    index[{item.kind, item.employee_key, item.mandate}] = &item;
  return index;
}
const OversightItem* find_item(const ItemIndex& index, const std::string& kind,
                               const std::string& key, const std::string& theme) {
  auto it = index.find({kind, key, theme});
  return it == index.end() ? nullptr : it->second;
}

}  // namespace

OversightView load_oversight_view(pqxx::transaction_base& txn) {
  OversightView view;
  view.clock = report_clock(txn);
  for (const auto& r :
       txn.exec("SELECT key, account, display_name, department, title, ou, groups, status, "
                "  extract(epoch FROM role_changed_at)::bigint, "
                "  to_char(role_changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM employee")) {
    OversightPerson p;
    p.key = r[0].as<std::string>();
    p.account = r[1].as<std::string>();
    p.name = r[2].as<std::string>();
    p.department = r[3].as<std::string>();
    p.title = r[4].as<std::string>();
    p.ou = r[5].as<std::string>();
    p.groups = parse_text_array(r[6].as<std::string>());
    p.status = r[7].as<std::string>();
    p.role_changed_epoch = r[8].as<long long>();
    p.role_changed_on = r[9].as<std::string>();
    view.people.emplace(p.key, std::move(p));
  }
  for (const auto& r : txn.exec(
           "SELECT employee_key, mandate_id, valid_from::text, coalesce(valid_until::text, ''), "
           "  extract(epoch FROM recorded_at)::bigint FROM grant_ledger "
           "WHERE revoked_at IS NULL AND (valid_until IS NULL OR valid_until >= current_date) "
           "ORDER BY employee_key, mandate_id")) {
    view.grants.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                           r[3].as<std::string>(), r[4].as<long long>()});
  }
  for (const auto& r :
       txn.exec("SELECT id, kind, state, coalesce(employee_key, ''), mandate_id FROM change_item "
                "WHERE state IN ('proposed', 'approved', 'applied', 'held') ORDER BY id")) {
    view.open_items.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(),
                               r[3].as<std::string>(), r[4].as<std::string>()});
  }
  // The order forms reconcile() counts as requirements: pending or approved, not ended.
  for (const auto& r : txn.exec("SELECT employee_key, mandate_id FROM manual_request "
                                "WHERE state IN ('pending', 'approved') "
                                "  AND (valid_until IS NULL OR valid_until >= current_date)")) {
    view.requests.emplace(r[0].as<std::string>(), r[1].as<std::string>());
  }
  for (const auto& r : txn.exec("SELECT mandate_id FROM organisation_holding"))
    view.organisation_rights.insert(r[0].as<std::string>());
  return view;
}

std::unordered_map<std::string, std::set<std::string>> required_themes(const OversightView& view,
                                                                       const Policy& policy) {
  const CompiledPolicy compiled(policy);
  std::unordered_map<std::string, std::set<std::string>> required;
  for (const auto& [key, person] : view.people) {
    if (person.status != "active") continue;  // leavers need nothing; long leave gets nothing new
    Employee e;
    e.key = person.key;
    e.account = person.account;
    e.department = person.department;
    e.title = person.title;
    e.ou = person.ou;
    e.groups = person.groups;
    const FoldedEmployee folded(e);
    for (const CompiledPolicy::Match& match : compiled.matching_maps(folded)) {
      for (const MapGrant& grant : match.map->map().grants) {
        if (policy.find_mandate(grant.mandate)) required[key].insert(grant.mandate);
      }
    }
  }
  for (const auto& [key, theme] : view.requests) {
    auto person = view.people.find(key);
    if (person != view.people.end() && person->second.status == "active" &&
        policy.find_mandate(theme))
      required[key].insert(theme);
  }
  return required;
}

std::vector<MoverRow> movers_report(const OversightView& view, const Policy& policy,
                                    const ReportFilter& filter) {
  const auto required = required_themes(view, policy);
  const ItemIndex items = index_items(view);
  std::vector<MoverRow> rows;
  for (const OversightGrant& g : view.grants) {
    auto found = view.people.find(g.employee_key);
    if (found == view.people.end()) continue;
    const OversightPerson& p = found->second;
    if (p.status != "active" || p.role_changed_epoch <= g.recorded_epoch) continue;
    if (!passes(filter, p.department, g.mandate)) continue;
    auto needs = required.find(p.key);
    if (needs != required.end() && needs->second.count(g.mandate)) continue;
    MoverRow row{p.account,
                 p.name,
                 p.department,
                 p.title,
                 p.role_changed_on,
                 g.mandate,
                 name_fi(policy, g.mandate),
                 g.valid_from,
                 std::nullopt,
                 ""};
    if (const OversightItem* item = find_item(items, "revoke", p.key, g.mandate)) {
      row.revoke_item = item->id;
      row.revoke_state = item->state;
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
    auto found = view.people.find(g.employee_key);
    const OversightPerson* p = found == view.people.end() ? nullptr : &found->second;
    if (p && p->status == "long_leave") continue;
    auto needs = required.find(g.employee_key);
    if (needs != required.end() && needs->second.count(g.mandate)) continue;
    DriftRow row{"held_not_required", p ? p->account : "",
                 p ? p->name : "",    p ? p->department : "",
                 p ? p->title : "",   p ? p->status : "unknown",
                 g.mandate,           name_fi(policy, g.mandate),
                 std::nullopt,        ""};
    if (!passes(filter, row.department, g.mandate)) continue;
    if (const OversightItem* item = find_item(items, "revoke", g.employee_key, g.mandate)) {
      row.open_item = item->id;
      row.open_state = item->state;
    }
    rows.push_back(std::move(row));
  }
  for (const auto& [key, themes] : required) {
    const OversightPerson& p = view.people.at(key);
    for (const std::string& theme : themes) {
      if (held.count({key, theme}) || find_item(items, "grant", key, theme)) continue;
      if (!passes(filter, p.department, theme)) continue;
      rows.push_back({"required_missing", p.account, p.name, p.department, p.title, p.status, theme,
                      name_fi(policy, theme), std::nullopt, ""});
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
    auto person = view.people.find(key);
    const std::string department = person == view.people.end() ? "" : person->second.department;
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
    if (item.state == "held") {
      ++row->held_items;
    } else if (item.kind == "revoke") {
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
  const auto today = parse_day(view.clock.today);
  std::vector<CapabilityRow> rows;
  for (const MandateIssue& m : policy.catalog) {
    if (filter.theme && *filter.theme != m.id) continue;
    CapabilityRow row;
    row.mandate = m.id;
    row.mandate_name_fi = m.name_fi;
    row.service = m.service;
    const auto& until = m.grant_right.until;
    if (until) row.right_until = format_iso_date(*until);
    const bool right_in_force = m.organisation_holds && (!until || *until >= today);
    row.can_grant = right_in_force || view.organisation_rights.count(m.id) > 0;
    for (const std::string& account : m.grant_right.holders) {
      // Several people may share an account name over time: one still here wins.
      const OversightPerson* best = nullptr;
      for (const auto& [key, p] : view.people) {
        if (!folded_equal(p.account, account)) continue;
        if (!best || (best->status == "left" && p.status != "left")) best = &p;
      }
      row.holders.push_back(best ? CapabilityHolder{best->account, best->name, best->status}
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
      if (until && *until < today) row.flags.push_back("right_ended");
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
