#include "cli/policy_diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/text_fold.h"

namespace valtuus {

namespace {

constexpr const char* kOrganisation = "(organisation)";

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

void count(KindCounts& counts, ChangeKind kind, int delta) {
  switch (kind) {
    case ChangeKind::kGrant:
      counts.grants += delta;
      break;
    case ChangeKind::kRevoke:
      counts.revokes += delta;
      break;
    case ChangeKind::kRenew:
      counts.renews += delta;
      break;
    case ChangeKind::kOrgApply:
      counts.org_applies += delta;
      break;
  }
}

using ItemIdentity = std::tuple<ChangeKind, std::string, std::string, std::string>;

ItemIdentity identity(const ProposedItem& item) {
  return {item.kind, item.employee_key, item.mandate, item.fingerprint};
}

class Differ {
 public:
  Differ(const Snapshot& snapshot, const ReconcileState& state) : state_(state) {
    // Each department is shown in its most common spelling in the snapshot (ties: the first in
    // sort order), so that every row names it alike whatever the order people were read in.
    std::map<std::string, std::map<std::string, int>> spellings;
    for (const Employee& e : snapshot.employees) {
      people_.emplace(e.key, &e);
      ++spellings[fold(e.department)][trimmed(e.department)];
    }
    for (const auto& [folded, counts] : spellings) {
      auto best = counts.begin();
      for (auto it = counts.begin(); it != counts.end(); ++it)
        if (it->second > best->second) best = it;
      spelling_.emplace(folded, best->first);
    }
    for (const OpenItem& item : state.open_items) open_.emplace(item.id, &item);
  }

  PlanDiff run(const Plan& current, const Plan& proposed) {
    add_plan(current, &PreviewRow::current, diff_.current);
    add_plan(proposed, &PreviewRow::proposed, diff_.proposed);
    compare_items(current, proposed, true);
    compare_items(proposed, current, false);
    compare_supersedes(current, proposed, true);
    compare_supersedes(proposed, current, false);
    count_reproposed();
    for (auto& [key, row] : rows_)
      if (!(row.current == row.proposed)) diff_.rows.push_back(std::move(row));
    std::sort(
        diff_.changes.begin(), diff_.changes.end(),
        [](const PreviewChange& a, const PreviewChange& b) {
          return std::tie(a.mandate, a.department, a.employee_key, a.supersede, a.kind, a.added) <
                 std::tie(b.mandate, b.department, b.employee_key, b.supersede, b.kind, b.added);
        });
    return std::move(diff_);
  }

 private:
  std::string department_of(const std::string& employee_key) const {
    if (employee_key.empty()) return kOrganisation;
    std::string department = "(unknown)";
    if (auto e = people_.find(employee_key); e != people_.end()) {
      department = e->second->department;
    } else if (auto h = state_.history.find(employee_key); h != state_.history.end()) {
      department = h->second.department;
    }
    auto known = spelling_.find(fold(department));
    return known == spelling_.end() ? trimmed(department) : known->second;
  }

  std::string account_of(const std::string& employee_key) const {
    auto e = people_.find(employee_key);
    return e == people_.end() ? std::string() : e->second->account;
  }

  // Rows group departments as the maps match them: folded.
  PreviewRow& row(const std::string& mandate, const std::string& department) {
    PreviewRow& r = rows_[{mandate, fold(department)}];
    if (r.mandate.empty()) {
      r.mandate = mandate;
      r.department = department;
    }
    return r;
  }

  void add_plan(const Plan& plan, KindCounts PreviewRow::*side, KindCounts& total) {
    for (const ProposedItem& item : plan.add) {
      count(row(item.mandate, department_of(item.employee_key)).*side, item.kind, 1);
      count(total, item.kind, 1);
    }
    for (long long id : plan.supersede) {
      auto open = open_.find(id);
      if (open == open_.end()) continue;  // reconcile() supersedes only items it was given
      ++(row(open->second->mandate, department_of(open->second->employee_key)).*side).superseded;
      ++total.superseded;
    }
  }

  // The items of `from` that `other` does not hold.
  void compare_items(const Plan& from, const Plan& other, bool dropped) {
    std::multiset<ItemIdentity> others;
    for (const ProposedItem& item : other.add) others.insert(identity(item));
    for (const ProposedItem& item : from.add) {
      auto found = others.find(identity(item));
      if (found != others.end()) {
        others.erase(found);
        continue;
      }
      PreviewChange change;
      change.added = !dropped;
      change.kind = item.kind;
      change.employee_key = item.employee_key;
      change.account = account_of(item.employee_key);
      change.department = department_of(item.employee_key);
      change.mandate = item.mandate;
      change.reason = item.reason;
      change.map_id = item.provenance.map_id;
      diff_.changes.push_back(std::move(change));
    }
  }

  void compare_supersedes(const Plan& from, const Plan& other, bool dropped) {
    const std::set<long long> others(other.supersede.begin(), other.supersede.end());
    for (long long id : from.supersede) {
      auto open = open_.find(id);
      if (others.count(id) || open == open_.end()) continue;
      PreviewChange change;
      change.added = !dropped;
      change.supersede = true;
      change.kind = open->second->kind;
      change.item_id = id;
      change.employee_key = open->second->employee_key;
      change.account = account_of(change.employee_key);
      change.department = department_of(change.employee_key);
      change.mandate = open->second->mandate;
      diff_.changes.push_back(std::move(change));
    }
  }

  void count_reproposed() {
    std::set<std::tuple<ChangeKind, std::string, std::string>> added;
    for (const PreviewChange& c : diff_.changes)
      if (c.added && !c.supersede) added.insert({c.kind, c.employee_key, c.mandate});
    for (const PreviewChange& c : diff_.changes)
      if (c.added && c.supersede && added.count({c.kind, c.employee_key, c.mandate}))
        ++diff_.reproposed;
  }

  const ReconcileState& state_;
  std::unordered_map<std::string, const Employee*> people_;
  std::map<std::string, std::string> spelling_;  // folded department → shown spelling
  std::unordered_map<long long, const OpenItem*> open_;
  std::map<std::pair<std::string, std::string>, PreviewRow> rows_;
  PlanDiff diff_;
};

}  // namespace

KindCounts operator-(const KindCounts& a, const KindCounts& b) {
  return {a.grants - b.grants, a.revokes - b.revokes, a.renews - b.renews,
          a.org_applies - b.org_applies, a.superseded - b.superseded};
}

PlanDiff diff_plans(const Plan& current, const Plan& proposed, const Snapshot& snapshot,
                    const ReconcileState& state) {
  return Differ(snapshot, state).run(current, proposed);
}

}  // namespace valtuus
