// reconcile() proposes the grants and renewals of many people with two threads, each a half of
// the people read: the plan must be the one a single pass gives, to the order of its items and
// every count. Random worlds (fixed seeds) with open items left by an earlier plan, rejected
// changes, a person read twice and order forms, reconciled both ways.
#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>

#include "core/reconcile.h"
#include "tests/core/random_world.h"

namespace valtuus {
namespace {

using namespace valtuus::testing;

constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

Plan reconcile_with(const World& w, std::size_t parallel_from) {
  ReconcileInput input{w.snapshot, w.policy, w.state, w.rules, kWorldNow};
  input.parallel_from = parallel_from;
  return reconcile(input);
}

std::string matched_text(const Provenance& p) {
  std::string out;
  for (const auto& [attribute, value] : p.matched) out += attribute + "=" + value + ";";
  return out;
}

// Every field of both plans, in order.
void expect_same_plan(const Plan& a, const Plan& b, int c) {
  ASSERT_EQ(a.add.size(), b.add.size()) << "case " << c;
  for (std::size_t i = 0; i < a.add.size(); ++i) {
    const ProposedItem& x = a.add[i];
    const ProposedItem& y = b.add[i];
    ASSERT_EQ(describe(x), describe(y)) << "case " << c << " item " << i;
    ASSERT_EQ(x.fingerprint, y.fingerprint) << "case " << c << " item " << i;
    ASSERT_EQ(x.provenance.map_id, y.provenance.map_id) << "case " << c;
    ASSERT_EQ(x.provenance.rule.line, y.provenance.rule.line) << "case " << c;
    ASSERT_EQ(matched_text(x.provenance), matched_text(y.provenance)) << "case " << c;
    ASSERT_EQ(x.waits_for_org_apply, y.waits_for_org_apply) << "case " << c;
  }
  ASSERT_EQ(a.supersede, b.supersede) << "case " << c;
  ASSERT_EQ(a.leavers, b.leavers) << "case " << c;
  ASSERT_EQ(a.absent, b.absent) << "case " << c;
  ASSERT_EQ(a.on_long_leave, b.on_long_leave) << "case " << c;
  ASSERT_EQ(a.role_changed, b.role_changed) << "case " << c;
  ASSERT_EQ(a.refused, b.refused) << "case " << c;
  ASSERT_EQ(a.in_grace, b.in_grace) << "case " << c;
  const PlanStats& s = a.stats;
  const PlanStats& t = b.stats;
  ASSERT_EQ(s.employees_read, t.employees_read) << "case " << c;
  ASSERT_EQ(s.leavers, t.leavers) << "case " << c;
  ASSERT_EQ(s.on_long_leave, t.on_long_leave) << "case " << c;
  ASSERT_EQ(s.grants, t.grants) << "case " << c;
  ASSERT_EQ(s.org_applies, t.org_applies) << "case " << c;
  ASSERT_EQ(s.revokes, t.revokes) << "case " << c;
  ASSERT_EQ(s.renews, t.renews) << "case " << c;
  ASSERT_EQ(s.superseded, t.superseded) << "case " << c;
  ASSERT_EQ(s.unchanged, t.unchanged) << "case " << c;
  ASSERT_EQ(s.revokes_in_grace, t.revokes_in_grace) << "case " << c;
  ASSERT_EQ(s.suppressed, t.suppressed) << "case " << c;
  ASSERT_EQ(s.refused_people, t.refused_people) << "case " << c;
}

// A world with a past: the items an earlier directory called for are open (some still wanted
// as they are, some to replace or supersede), one of them rejected, and one person read twice.
World world_with_a_past(Generator& gen, std::mt19937& random, long long& next_id) {
  World w = gen.make();
  World before = w;
  for (Employee& e : before.snapshot.employees) {
    if (random() % 3 == 0) e.title = kTitles[random() % kTitles.size()];
    if (random() % 5 == 0) e.department = kDepartments[random() % kDepartments.size()];
  }
  store_open(w, reconcile_with(before, kNever), next_id);
  const Plan now = reconcile_with(w, kNever);
  if (!now.add.empty()) {
    const ProposedItem& rejected = now.add[random() % now.add.size()];
    w.state.exceptions.push_back(
        {rejected.kind, rejected.employee_key, rejected.mandate, rejected.fingerprint, {}});
  }
  if (!w.snapshot.employees.empty() && random() % 2 == 0) {
    Employee twice = w.snapshot.employees[random() % w.snapshot.employees.size()];
    twice.title = kTitles[random() % kTitles.size()];
    twice.dn = "CN=" + twice.key + "-2,OU=People,DC=kunta,DC=example";
    w.snapshot.employees.push_back(twice);
  }
  return w;
}

TEST(ReconcileParallel, TwoThreadsGiveThePlanOfOnePass) {
  Generator gen(20261207);
  std::mt19937 random(7);
  long long next_id = 1;
  int items = 0, unchanged = 0, suppressed = 0, superseded = 0, revokes = 0;
  for (int c = 0; c < 1000; ++c) {
    const World w = world_with_a_past(gen, random, next_id);
    const Plan one = reconcile_with(w, kNever);
    const Plan two = reconcile_with(w, 0);  // any world of two people or more is shared out
    expect_same_plan(one, two, c);
    if (::testing::Test::HasFatalFailure()) return;
    items += static_cast<int>(one.add.size());
    unchanged += one.stats.unchanged;
    suppressed += one.stats.suppressed;
    superseded += one.stats.superseded;
    revokes += one.stats.revokes;
  }
  // The worlds really exercise what the threads hand over: items, open items wanted as they
  // are or replaced, rejected changes, and grants needed (else revoked).
  EXPECT_GT(items, 1000);
  EXPECT_GT(unchanged, 500);
  EXPECT_GT(suppressed, 200);
  EXPECT_GT(superseded, 200);
  EXPECT_GT(revokes, 200);
}

// A world over the default threshold, reconciled as the daemon does (default input), against
// one pass.
TEST(ReconcileParallel, ALargeWorldByDefaultGivesThePlanOfOnePass) {
  Generator gen(31);
  std::mt19937 random(8);
  long long next_id = 1;
  World w;
  int block = 0;
  while (w.snapshot.employees.size() <
         ReconcileInput{w.snapshot, w.policy, w.state, w.rules, kWorldNow}.parallel_from + 100) {
    World part = world_with_a_past(gen, random, next_id);
    // One policy for all: the first world's; each block's keys are its own.
    const std::string prefix = "b" + std::to_string(block++) + "-";
    if (w.policy.catalog.empty()) w.policy = part.policy;
    for (Employee& e : part.snapshot.employees) {
      e.key = prefix + e.key;
      w.snapshot.employees.push_back(e);
    }
    for (LedgerGrant& g : part.state.ledger) {
      if (w.policy.find_mandate(g.mandate) == nullptr) continue;
      w.state.ledger.push_back({prefix + g.employee_key.str(), g.mandate, g.valid_until});
    }
  }
  w.snapshot.complete = true;
  w.rules.long_leave_ous = {"OU=Vapaalla,DC=kunta,DC=example"};
  w.rules.leavers_ous = {"OU=Lähteneet,DC=kunta,DC=example"};
  const Plan by_default = reconcile({w.snapshot, w.policy, w.state, w.rules, kWorldNow});
  const Plan one = reconcile_with(w, kNever);
  EXPECT_GT(one.add.size(), 1000u);
  EXPECT_GT(one.stats.revokes, 100);
  expect_same_plan(one, by_default, 0);
}

}  // namespace
}  // namespace valtuus
