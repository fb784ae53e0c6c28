// Properties of reconcile() restricted to some people (ReconcileInput::only), as the daemon's
// incremental cycle runs it over a state that an earlier reconcile settled: over random worlds
// (fixed seeds), the restricted plan is exactly the whole plan's part about those people.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/reconcile.h"
#include "tests/core/random_world.h"

namespace valtuus {
namespace {

using namespace valtuus::testing;

constexpr int kScopeCases = 1000;

std::vector<std::string> described(const std::vector<ProposedItem>& items,
                                   const std::unordered_set<std::string>* only) {
  std::vector<std::string> out;
  for (const ProposedItem& item : items) {
    if (only && item.kind != ChangeKind::kOrgApply && !only->count(item.employee_key)) continue;
    out.push_back(describe(item) + " [" + item.fingerprint + "]");
  }
  return out;
}

std::vector<std::string> restricted(const std::vector<std::string>& keys,
                                    const std::unordered_set<std::string>& only) {
  std::vector<std::string> out;
  for (const std::string& key : keys) {
    if (only.count(key)) out.push_back(key);
  }
  return out;
}

// The world's next read: a few people changed in the directory (moved, disabled, back from
// being disabled, deleted, new), and the keys of everyone an incremental read would report.
std::unordered_set<std::string> change_some(World& w, std::mt19937& random) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<int>(random() % n); };
  std::unordered_set<std::string> changed;
  const int changes = 1 + pick(4);
  for (int i = 0; i < changes && !w.snapshot.employees.empty(); ++i) {
    const std::size_t at = static_cast<std::size_t>(pick(w.snapshot.employees.size()));
    Employee& e = w.snapshot.employees[at];
    changed.insert(e.key);
    switch (pick(5)) {
      case 0:
        e.department = kDepartments[pick(kDepartments.size())];
        break;
      case 1:
        e.title = kTitles[pick(kTitles.size())];
        break;
      case 2:
        e.disabled = !e.disabled;
        break;
      case 3:
        e.long_leave_marker = e.long_leave_marker.empty() ? "pitkä vapaa" : "";
        break;
      case 4:
        w.snapshot.employees.erase(w.snapshot.employees.begin() + static_cast<long>(at));
        break;
    }
  }
  if (pick(3) == 0) {
    Employee e;
    e.key = "new" + std::to_string(pick(1000));
    e.account = e.key;
    e.department = kDepartments[pick(kDepartments.size())];
    e.title = kTitles[pick(kTitles.size())];
    e.ou = kOus[0];
    e.dn = "CN=" + e.key + ",OU=People,DC=kunta,DC=example";
    changed.insert(e.key);
    w.snapshot.employees.push_back(e);
  }
  return changed;
}

// The people the store remembers after a run: as read, the leavers left (as the store marks
// them), those a complete read did not find absent.
void store_history(World& w, const Plan& plan) {
  std::set<std::string> leavers(plan.leavers.begin(), plan.leavers.end());
  std::set<std::string> moved(plan.role_changed.begin(), plan.role_changed.end());
  std::set<std::string> read;
  for (const Employee& e : w.snapshot.employees) {
    read.insert(e.key);
    EmployeeHistory& h = w.state.history[e.key];
    if (!h.role_changed_at || moved.count(e.key)) h.role_changed_at = kWorldNow;
    h.department = e.department;
    h.title = e.title;
    h.ou = e.ou;
    h.dn = e.dn;
    h.account = e.account;
    h.absent = false;
    if (leavers.count(e.key) && !h.left_at) h.left_at = kWorldNow;
    if (!leavers.count(e.key)) h.left_at.reset();
  }
  for (const std::string& key : plan.leavers) {
    if (read.count(key) || !w.state.history.count(key)) continue;
    EmployeeHistory& h = w.state.history[key];
    h.absent = true;
    if (!h.left_at) h.left_at = kWorldNow;
  }
}

TEST(ReconcileScopeProperty, ReconcilingTheChangedPeopleGivesTheWholePlansPartAboutThem) {
  Generator gen(13100);
  long long next_id = 1;
  int compared_items = 0;
  int indexed = 0;
  for (int c = 0; c < kScopeCases; ++c) {
    World w = gen.make();
    w.snapshot.complete = true;  // the base of an incremental read is a complete one
    const Plan settled = reconcile_world(w);
    store_open(w, settled, next_id);
    store_history(w, settled);
    const std::unordered_set<std::string> only = change_some(w, gen.random());

    const Plan whole = reconcile_world(w);
    const Plan part = reconcile({w.snapshot, w.policy, w.state, w.rules, kWorldNow, &only});
    // The same people and their grants found by key (an index over the employees, the ledger
    // sorted by person) instead of by passes over everyone: the same plan.
    const KeyIndex index(w.snapshot.employees);
    ReconcileState sorted = w.state;
    sort_ledger_by_employee(sorted);
    const Plan found = reconcile({w.snapshot, w.policy, sorted, w.rules, kWorldNow, &only, &index});
    ASSERT_EQ(described(found.add, nullptr), described(part.add, nullptr)) << "case " << c;
    ASSERT_EQ(found.supersede, part.supersede) << "case " << c;
    ASSERT_EQ(found.leavers, part.leavers) << "case " << c;
    ASSERT_EQ(found.absent, part.absent) << "case " << c;
    ASSERT_EQ(found.on_long_leave, part.on_long_leave) << "case " << c;
    ASSERT_EQ(found.role_changed, part.role_changed) << "case " << c;
    ASSERT_EQ(found.in_grace, part.in_grace) << "case " << c;
    indexed += index.usable() ? 1 : 0;

    ASSERT_EQ(described(part.add, nullptr), described(whole.add, &only)) << "case " << c;
    std::vector<long long> whole_supersedes;
    for (long long id : whole.supersede) {
      const auto item = std::find_if(w.state.open_items.begin(), w.state.open_items.end(),
                                     [&](const OpenItem& o) { return o.id == id; });
      ASSERT_NE(item, w.state.open_items.end());
      // Whether anyone still needs an application is the whole reconcile's to say.
      if (item->kind != ChangeKind::kOrgApply && only.count(item->employee_key)) {
        whole_supersedes.push_back(id);
      }
    }
    ASSERT_EQ(part.supersede, whole_supersedes) << "case " << c;
    ASSERT_EQ(part.leavers, restricted(whole.leavers, only)) << "case " << c;
    ASSERT_EQ(part.on_long_leave, restricted(whole.on_long_leave, only)) << "case " << c;
    ASSERT_EQ(part.role_changed, restricted(whole.role_changed, only)) << "case " << c;
    for (const std::string& key : part.leavers) ASSERT_TRUE(only.count(key)) << "case " << c;
    compared_items += static_cast<int>(part.add.size() + part.supersede.size());
  }
  EXPECT_GT(compared_items, 1000);      // the changes really give items to compare
  EXPECT_GT(indexed, kScopeCases / 2);  // the index was used, not only the pass
}

// Later the same day, with nothing changed in the directory: the whole plan has nothing about
// anyone but the people time may have changed (people_time_may_change), and the plan
// restricted to them is its part about them.
TEST(ReconcileScopeProperty, LaterTheSameDayOnlyThePeopleTimeMayChangeHaveNewItems) {
  Generator gen(13102);
  long long next_id = 1;
  int timed = 0;
  for (int c = 0; c < kScopeCases; ++c) {
    World w = gen.make();
    w.snapshot.complete = true;
    std::mt19937& random = gen.random();
    // Times within the day, so that grace periods and accounts end between the two reconciles.
    for (auto& [key, h] : w.state.history) {
      if (h.left_at) *h.left_at -= std::chrono::hours(random() % 24);
      if (h.role_changed_at) *h.role_changed_at -= std::chrono::hours(random() % 24);
    }
    for (Employee& e : w.snapshot.employees) {
      if (random() % 6 == 0) e.account_expires = kWorldNow + std::chrono::hours(1 + random() % 30);
    }
    const Plan settled = reconcile_world(w);
    store_open(w, settled, next_id);
    store_history(w, settled);
    const TimePoint later = kWorldNow + std::chrono::hours(1 + random() % 22);
    const std::unordered_set<std::string> grace(settled.in_grace.begin(), settled.in_grace.end());
    const std::unordered_set<std::string> only =
        people_time_may_change(w.snapshot, w.state, grace, kWorldNow, later);
    // Gathered once at the settling reconcile: the same people without a pass over everyone.
    ASSERT_EQ(people_time_may_change(accounts_expiring_after(w.snapshot, kWorldNow), w.state, grace,
                                     kWorldNow, later),
              only)
        << "case " << c;

    const Plan whole = reconcile({w.snapshot, w.policy, w.state, w.rules, later});
    const Plan part = reconcile({w.snapshot, w.policy, w.state, w.rules, later, &only});
    ASSERT_EQ(described(whole.add, nullptr), described(whole.add, &only)) << "case " << c;
    ASSERT_EQ(described(part.add, nullptr), described(whole.add, &only)) << "case " << c;
    for (long long id : whole.supersede) {
      const auto item = std::find_if(w.state.open_items.begin(), w.state.open_items.end(),
                                     [&](const OpenItem& o) { return o.id == id; });
      ASSERT_NE(item, w.state.open_items.end());
      ASSERT_TRUE(item->kind == ChangeKind::kOrgApply || only.count(item->employee_key))
          << "case " << c << ": item of " << item->employee_key;
      if (item->kind != ChangeKind::kOrgApply) {
        ASSERT_EQ(std::count(part.supersede.begin(), part.supersede.end(), id), 1) << "case " << c;
      }
    }
    ASSERT_EQ(part.leavers, restricted(whole.leavers, only)) << "case " << c;
    timed += static_cast<int>(whole.add.size());
  }
  EXPECT_GT(timed, 100);  // grace periods and accounts really end between the two
}

// The daemon keeps what it stored and reconciles only the changed people, cycle after cycle:
// a whole reconcile afterwards finds nothing to propose, only applications nobody needs.
TEST(ReconcileScopeProperty, StoringPartialPlansLeavesNothingForTheWholeReconcile) {
  Generator gen(13101);
  long long next_id = 1;
  for (int c = 0; c < kScopeCases / 3; ++c) {
    World w = gen.make();
    w.snapshot.complete = true;
    Plan plan = reconcile_world(w);
    store_open(w, plan, next_id);
    store_history(w, plan);
    for (int cycle = 0; cycle < 3; ++cycle) {
      const std::unordered_set<std::string> only = change_some(w, gen.random());
      plan = reconcile({w.snapshot, w.policy, w.state, w.rules, kWorldNow, &only});
      store_open(w, plan, next_id);
      store_history(w, plan);
    }
    const Plan whole = reconcile_world(w);
    ASSERT_TRUE(whole.add.empty()) << "case " << c << ": " << describe(whole.add.front());
    for (long long id : whole.supersede) {
      const auto item = std::find_if(w.state.open_items.begin(), w.state.open_items.end(),
                                     [&](const OpenItem& o) { return o.id == id; });
      ASSERT_NE(item, w.state.open_items.end());
      ASSERT_EQ(item->kind, ChangeKind::kOrgApply) << "case " << c;
    }
  }
}

}  // namespace
}  // namespace valtuus
