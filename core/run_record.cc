#include "core/run_record.h"

#include <algorithm>
#include <tuple>

namespace valtuus {

GuardInput guard_input(const Plan& plan, const ReconcileState& state, const Snapshot& snapshot) {
  return guard_input(plan, static_cast<long long>(state.ledger.size()), snapshot);
}

GuardInput guard_input(const Plan& plan, long long grants_in_force, const Snapshot& snapshot) {
  return {plan, grants_in_force, snapshot.complete, snapshot.incomplete_reason,
          static_cast<long long>(refused_entry_count(snapshot.refused))};
}

int keep_only_replacing_supersedes(Plan& plan, const std::vector<OpenItem>& open_items) {
  std::set<std::tuple<ChangeKind, std::string, std::string>> added;
  for (const ProposedItem& item : plan.add)
    added.insert({item.kind, item.employee_key, item.mandate});
  std::set<long long> replaced;
  for (const OpenItem& item : open_items) {
    if (added.count({item.kind, item.employee_key, item.mandate})) replaced.insert(item.id);
  }
  const auto before = plan.supersede.size();
  plan.supersede.erase(std::remove_if(plan.supersede.begin(), plan.supersede.end(),
                                      [&](long long id) { return !replaced.count(id); }),
                       plan.supersede.end());
  plan.stats.superseded = static_cast<int>(plan.supersede.size());
  return static_cast<int>(before - plan.supersede.size());
}

std::set<std::string> describe_from_snapshot(RunRecord& record, const Snapshot& snapshot,
                                             const std::vector<OpenItem>& open_items) {
  const std::set<long long> superseded(record.plan.supersede.begin(), record.plan.supersede.end());
  for (const OpenItem& item : open_items) {
    if (superseded.count(item.id)) record.superseded.push_back(item);
  }
  std::set<std::string> keys;
  for (const ProposedItem& item : record.plan.add) {
    if (!item.employee_key.empty()) keys.insert(item.employee_key);
  }
  for (const OpenItem& item : record.superseded) {
    if (!item.employee_key.empty()) keys.insert(item.employee_key);
  }
  for (const Employee& e : snapshot.employees) {
    if (keys.erase(e.key)) record.people[e.key] = {e.account, e.display_name, e.department};
  }
  return keys;
}

}  // namespace valtuus
