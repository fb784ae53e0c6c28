// A full read over a state a whole reconcile settled earlier the same day, with nothing but the
// directory changed since (people_a_full_read_may_change): over random worlds and random
// directory changes (fixed seeds), the reconcile restricted to the people it names gives the
// whole reconcile's plan, and the others' leavers and people on long leave complete its figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/fingerprint.h"
#include "core/reconcile.h"
#include "tests/core/random_world.h"

namespace valtuus {
namespace {

using namespace valtuus::testing;

constexpr int kFullReadCases = 1000;

// The test's store digests every field a reconcile reads, and the status it stored.
std::uint64_t row_digest(const Employee& e, const std::string& status) {
  Fingerprinter f;
  f.add(e.key).add(e.account).add(e.dn).add(e.department).add(e.title).add(e.ou);
  for (const SharedText& group : e.groups) f.add(group);
  f.add(e.disabled ? 1 : 0).add(e.long_leave_marker).add(status);
  f.add(e.account_expires
            ? static_cast<std::uint64_t>(e.account_expires->time_since_epoch().count())
            : ~std::uint64_t{0});
  return f.value() == 0 ? 1 : f.value();
}

std::string stored_status(EmployeeStatus status) {
  return is_leaver(status)                      ? "left"
         : status == EmployeeStatus::kLongLeave ? "long_leave"
                                                : "active";
}

// The people the store remembers after a run at `at`, as connectors/postgres writes them: the
// read and not refused as read (their row's digest with the status the plan gave them), those a
// complete read did not find marked absent; a refused person's row stays as it was.
void store_rows(World& w, const Plan& plan, TimePoint at) {
  const std::set<std::string> leavers(plan.leavers.begin(), plan.leavers.end());
  const std::set<std::string> on_leave(plan.on_long_leave.begin(), plan.on_long_leave.end());
  const std::set<std::string> moved(plan.role_changed.begin(), plan.role_changed.end());
  const std::set<std::string> refused(plan.refused.begin(), plan.refused.end());
  for (const Employee& e : w.snapshot.employees) {
    if (refused.count(e.key)) continue;
    EmployeeHistory& h = w.state.history[e.key];
    if (!h.role_changed_at || moved.count(e.key)) h.role_changed_at = at;
    h.department = e.department;
    h.title = e.title;
    h.ou = e.ou;
    h.dn = e.dn;
    h.account = e.account;
    h.absent = false;
    if (leavers.count(e.key) && !h.left_at) h.left_at = at;
    if (!leavers.count(e.key)) h.left_at.reset();
    h.stored_digest = row_digest(e, leavers.count(e.key)    ? "left"
                                    : on_leave.count(e.key) ? "long_leave"
                                                            : "active");
  }
  for (const std::string& key : plan.absent) {
    EmployeeHistory& h = w.state.history[key];
    h.absent = true;
    if (!h.left_at) h.left_at = at;
  }
}

// The directory's next full read: some people changed in any of the fields a reconcile reads
// (or in none: rewritten as they were), deleted, new, refused; accounts expiring.
void change_some_for_a_full_read(World& w, std::mt19937& random) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<int>(random() % n); };
  const int changes = pick(5);
  for (int i = 0; i < changes && !w.snapshot.employees.empty(); ++i) {
    const std::size_t at = static_cast<std::size_t>(pick(w.snapshot.employees.size()));
    Employee& e = w.snapshot.employees[at];
    switch (pick(10)) {
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
      case 5:  // moved to another OU: long leave, leavers
        e.ou = kOus[pick(kOus.size())];
        e.dn = "CN=" + e.key + ",OU=" + e.ou + ",DC=kunta,DC=example";
        break;
      case 6:
        if (e.groups.empty()) {
          e.groups.push_back(kGroups[pick(kGroups.size())]);
        } else {
          e.groups.clear();
        }
        break;
      case 7:
        e.account_expires = kWorldNow + std::chrono::hours(pick(30));
        break;
      case 8:  // refused, by key or (a key unreadable) by DN
        w.snapshot.refused.push_back(
            {e.dn, pick(2) ? e.key : std::string(), e.account, "title", "title: refused"});
        break;
      default:  // read again as it was
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
    if (std::none_of(w.snapshot.employees.begin(), w.snapshot.employees.end(),
                     [&](const Employee& o) { return o.key == e.key; })) {
      w.snapshot.employees.push_back(e);
    }
  }
}

std::vector<std::string> described(const std::vector<ProposedItem>& items) {
  std::vector<std::string> out;
  for (const ProposedItem& item : items)
    out.push_back(describe(item) + " [" + item.fingerprint + "]");
  return out;
}

std::set<std::string> outside(const std::vector<std::string>& keys,
                              const std::unordered_set<std::string>& people) {
  std::set<std::string> out;
  for (const std::string& key : keys) {
    if (!people.count(key)) out.insert(key);
  }
  return out;
}

TEST(ReconcileFullReadScope, TheRestrictedPlanIsTheWholePlan) {
  Generator gen(13200);
  long long next_id = 1;
  int compared = 0;
  int restricted_to_fewer = 0;
  for (int c = 0; c < kFullReadCases; ++c) {
    World w = gen.make();
    w.snapshot.complete = true;  // the settling whole reconcile had a complete read
    std::mt19937& random = gen.random();
    // Times within the day, so that grace periods and accounts end between the two syncs.
    for (auto& [key, h] : w.state.history) {
      if (h.left_at) *h.left_at -= std::chrono::hours(random() % 24);
      if (h.role_changed_at) *h.role_changed_at -= std::chrono::hours(random() % 24);
    }
    for (Employee& e : w.snapshot.employees) {
      if (random() % 6 == 0) e.account_expires = kWorldNow + std::chrono::hours(1 + random() % 30);
    }
    if (random() % 5 == 0 && !w.snapshot.employees.empty()) {
      // A dated exception for someone: it may end between the two syncs.
      w.state.exceptions.push_back({ChangeKind::kGrant, w.snapshot.employees.front().key,
                                    w.policy.catalog.front().id, "x",
                                    kWorldNow + std::chrono::hours(random() % 30)});
    }
    const Plan settled = reconcile_world(w);
    store_open(w, settled, next_id);
    store_rows(w, settled, kWorldNow);
    std::unordered_set<std::string> recheck(settled.in_grace.begin(), settled.in_grace.end());
    recheck.insert(settled.refused.begin(), settled.refused.end());

    w.snapshot.refused.clear();
    change_some_for_a_full_read(w, random);
    const TimePoint later = kWorldNow + std::chrono::hours(random() % 23);
    const std::optional<FullReadScope> scope =
        people_a_full_read_may_change(w.snapshot, w.state, w.rules, recheck, kWorldNow, later,
                                      [](const Employee& e, EmployeeStatus status) {
                                        return row_digest(e, stored_status(status));
                                      });
    ASSERT_TRUE(scope) << "case " << c;
    const std::unordered_set<std::string>& people = scope->people;
    // Given the caller's index of the read, the same scope.
    const KeyIndex index(w.snapshot.employees);
    const std::optional<FullReadScope> indexed = people_a_full_read_may_change(
        w.snapshot, w.state, w.rules, recheck, kWorldNow, later,
        [](const Employee& e, EmployeeStatus status) {
          return row_digest(e, stored_status(status));
        },
        &index);
    ASSERT_TRUE(indexed) << "case " << c;
    ASSERT_EQ(indexed->people, people) << "case " << c;
    ASSERT_EQ(indexed->leavers, scope->leavers) << "case " << c;
    ASSERT_EQ(indexed->on_long_leave, scope->on_long_leave) << "case " << c;

    const Plan whole = reconcile({w.snapshot, w.policy, w.state, w.rules, later});
    ReconcileState sorted = w.state;
    sort_ledger_by_employee(sorted);
    const Plan part = reconcile({w.snapshot, w.policy, sorted, w.rules, later, &people, &index});

    ASSERT_EQ(described(part.add), described(whole.add)) << "case " << c;
    std::vector<long long> whole_supersedes;
    for (long long id : whole.supersede) {
      const auto item = std::find_if(w.state.open_items.begin(), w.state.open_items.end(),
                                     [&](const OpenItem& o) { return o.id == id; });
      ASSERT_NE(item, w.state.open_items.end());
      // Whether anyone still needs an application is the whole reconcile's to say.
      if (item->kind != ChangeKind::kOrgApply) whole_supersedes.push_back(id);
    }
    ASSERT_EQ(part.supersede, whole_supersedes) << "case " << c;
    ASSERT_EQ(part.absent, whole.absent) << "case " << c;
    ASSERT_EQ(part.refused, whole.refused) << "case " << c;
    ASSERT_EQ(part.role_changed, whole.role_changed) << "case " << c;
    ASSERT_EQ(part.in_grace, whole.in_grace) << "case " << c;
    // The others' standing completes the figures.
    ASSERT_EQ(outside(whole.leavers, people),
              std::set<std::string>(scope->leavers.begin(), scope->leavers.end()))
        << "case " << c;
    ASSERT_EQ(outside(whole.on_long_leave, people),
              std::set<std::string>(scope->on_long_leave.begin(), scope->on_long_leave.end()))
        << "case " << c;
    ASSERT_EQ(part.leavers.size() + scope->leavers.size(), whole.leavers.size()) << "case " << c;
    compared += static_cast<int>(whole.add.size() + whole.supersede.size());
    if (people.size() < w.snapshot.employees.size()) ++restricted_to_fewer;
  }
  EXPECT_GT(compared, 500);                            // the changes really give items to compare
  EXPECT_GT(restricted_to_fewer, kFullReadCases / 2);  // and the scope really leaves people out
}

// Nothing changed, later the same day: only the people time may have changed are named.
TEST(ReconcileFullReadScope, AnUnchangedReadNamesNobodyElse) {
  Generator gen(13201);
  long long next_id = 1;
  for (int c = 0; c < kFullReadCases / 4; ++c) {
    World w = gen.make();
    w.snapshot.complete = true;
    const Plan settled = reconcile_world(w);
    store_open(w, settled, next_id);
    store_rows(w, settled, kWorldNow);
    const std::optional<FullReadScope> scope = people_a_full_read_may_change(
        w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow,
        [](const Employee& e, EmployeeStatus s) { return row_digest(e, stored_status(s)); });
    ASSERT_TRUE(scope);
    ASSERT_TRUE(scope->people.empty()) << "case " << c << ": " << *scope->people.begin();
  }
}

TEST(ReconcileFullReadScope, AnIncompleteReadOrAKeyReadTwiceReconcilesEveryone) {
  World w;
  Employee e;
  e.key = "k1";
  w.snapshot.employees = {e, e};
  w.snapshot.complete = true;
  const RowDigest digest = [](const Employee&, EmployeeStatus) { return std::uint64_t{1}; };
  EXPECT_FALSE(people_a_full_read_may_change(w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow,
                                             digest));
  const KeyIndex twice(w.snapshot.employees);  // unusable: a key twice
  EXPECT_FALSE(people_a_full_read_may_change(w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow,
                                             digest, &twice));
  w.snapshot.employees.pop_back();
  EXPECT_TRUE(people_a_full_read_may_change(w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow,
                                            digest));
  w.snapshot.complete = false;
  EXPECT_FALSE(people_a_full_read_may_change(w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow,
                                             digest));
}

// Stored as present and not read: they left in this read, and are named, with the caller's
// index or without; stored as absent already and not read: not named again.
TEST(ReconcileFullReadScope, NamesThoseStoredAndNotRead) {
  World w;
  w.snapshot.complete = true;
  for (const char* key : {"k1", "k2", "k3"}) {
    Employee e;
    e.key = key;
    w.snapshot.employees.push_back(e);
    w.state.history[e.key].stored_digest = 7;
  }
  w.state.history["gone"].stored_digest = 7;
  w.state.history["gone before"].stored_digest = 7;
  w.state.history["gone before"].absent = true;
  const RowDigest digest = [](const Employee&, EmployeeStatus) { return std::uint64_t{7}; };
  const KeyIndex index(w.snapshot.employees);
  for (const KeyIndex* given : {static_cast<const KeyIndex*>(nullptr), &index}) {
    const std::optional<FullReadScope> scope = people_a_full_read_may_change(
        w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow, digest, given);
    ASSERT_TRUE(scope);
    EXPECT_EQ(scope->people, std::unordered_set<std::string>{"gone"}) << (given != nullptr);
  }
  // Everyone stored as present read again (one of them back from absent): nobody left.
  Employee back;
  back.key = "gone before";
  w.snapshot.employees.push_back(back);
  w.state.history.erase("gone");
  const KeyIndex again(w.snapshot.employees);
  for (const KeyIndex* given : {static_cast<const KeyIndex*>(nullptr), &again}) {
    const std::optional<FullReadScope> scope = people_a_full_read_may_change(
        w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow, digest, given);
    ASSERT_TRUE(scope);
    EXPECT_EQ(scope->people, std::unordered_set<std::string>{"gone before"}) << (given != nullptr);
  }
}

// At the scale of an organisation (thousands of people), with the caller's index or without:
// exactly those whose row changed, the new, those back, and those stored and not read.
TEST(ReconcileFullReadScope, NamesExactlyTheChangedAtScale) {
  World w;
  w.snapshot.complete = true;
  const RowDigest digest = [](const Employee& e, EmployeeStatus s) {
    return row_digest(e, stored_status(s));
  };
  for (int i = 0; i < 20000; ++i) {
    Employee e;
    e.key = "person-" + std::to_string(i);
    e.department = kDepartments[static_cast<std::size_t>(i) % kDepartments.size()];
    e.disabled = i % 97 == 0;
    w.snapshot.employees.push_back(e);
    w.state.history[e.key].stored_digest = digest(e, employee_status(e, w.rules, kWorldNow));
  }
  std::unordered_set<std::string> expected;
  for (int i : {5, 7000, 19999}) {  // changed since stored
    Employee& e = w.snapshot.employees[static_cast<std::size_t>(i)];
    e.title = "Controller";
    expected.insert(e.key);
  }
  w.state.history["person-12"].stored_digest = 0;  // unknown digest
  expected.insert("person-12");
  w.state.history["person-13"].absent = true;  // back after being absent
  expected.insert("person-13");
  for (const char* key : {"left-1", "left-2"}) {  // stored as present, not read
    w.state.history[key].stored_digest = 1;
    expected.insert(key);
  }
  for (int i = 0; i < 300; ++i) {  // stored as absent, not read: not again
    EmployeeHistory& h = w.state.history["gone-" + std::to_string(i)];
    h.stored_digest = 1;
    h.absent = true;
  }
  Employee fresh;
  fresh.key = "new-1";
  w.snapshot.employees.push_back(fresh);
  expected.insert(fresh.key);
  const KeyIndex index(w.snapshot.employees);
  for (const KeyIndex* given : {static_cast<const KeyIndex*>(nullptr), &index}) {
    const std::optional<FullReadScope> scope = people_a_full_read_may_change(
        w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow, digest, given);
    ASSERT_TRUE(scope);
    EXPECT_EQ(scope->people, expected) << (given != nullptr);
    EXPECT_EQ(scope->leavers.size(), 207u) << (given != nullptr);  // the disabled: 0, 97, ...
  }
  // Everyone stored as present read again: the absent ones alone are not looked for.
  w.state.history.erase("left-1");
  w.state.history.erase("left-2");
  expected.erase("left-1");
  expected.erase("left-2");
  const std::optional<FullReadScope> scope = people_a_full_read_may_change(
      w.snapshot, w.state, w.rules, {}, kWorldNow, kWorldNow, digest, &index);
  ASSERT_TRUE(scope);
  EXPECT_EQ(scope->people, expected);
}

}  // namespace
}  // namespace valtuus
