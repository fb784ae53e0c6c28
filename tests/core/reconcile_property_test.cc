// Properties of reconcile() over randomly generated directories, maps and ledgers (fixed
// seeds, so a failure repeats): thousands of small worlds, each checked for the invariants.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "core/matching.h"
#include "core/reconcile.h"
#include "tests/core/random_world.h"

namespace valtuus {
namespace {

using namespace valtuus::testing;
using std::chrono::days;

// A person approves and executes every proposed item; the ledger follows.
void apply_decisions(World& w, const Plan& plan) {
  for (const ProposedItem& item : plan.add) {
    auto same = [&](const LedgerGrant& g) {
      return g.employee_key == item.employee_key && g.mandate == item.mandate;
    };
    switch (item.kind) {
      case ChangeKind::kGrant:
        std::erase_if(w.state.ledger, same);  // an expired grant is replaced
        w.state.ledger.push_back({item.employee_key, item.mandate, kWorldToday + days(730)});
        break;
      case ChangeKind::kRenew:
        for (LedgerGrant& g : w.state.ledger)
          if (same(g)) g.valid_until = kWorldToday + days(730);
        break;
      case ChangeKind::kRevoke:
        std::erase_if(w.state.ledger, same);
        break;
      case ChangeKind::kOrgApply:
        w.state.organisation_rights.insert(item.mandate);
        break;
    }
  }
  std::erase_if(w.state.open_items, [&](const OpenItem& o) {
    return std::find(plan.supersede.begin(), plan.supersede.end(), o.id) != plan.supersede.end();
  });
}

constexpr int kReconcileCases = 3000;

TEST(ReconcileProperty, ExecutingEveryDecisionThenReconcilingProposesNothing) {
  Generator gen(20261124);
  for (int c = 0; c < kReconcileCases; ++c) {
    World w = gen.make();
    Plan plan = reconcile_world(w);
    apply_decisions(w, plan);
    Plan again = reconcile_world(w);
    ASSERT_TRUE(again.add.empty()) << "case " << c << ": " << describe(again.add.front());
  }
}

TEST(ReconcileProperty, StoringThePlanThenReconcilingProposesNothing) {
  Generator gen(4242);
  long long next_id = 1;
  for (int c = 0; c < kReconcileCases; ++c) {
    World w = gen.make();
    store_open(w, reconcile_world(w), next_id);
    Plan again = reconcile_world(w);
    ASSERT_TRUE(again.empty()) << "case " << c << ": " << again.add.size() << " added, "
                               << again.supersede.size() << " superseded";
  }
}

TEST(ReconcileProperty, InputOrderDoesNotChangeThePlan) {
  Generator gen(777);
  for (int c = 0; c < kReconcileCases / 3; ++c) {
    World w = gen.make();
    const Plan reference = reconcile_world(w);
    std::shuffle(w.snapshot.employees.begin(), w.snapshot.employees.end(), gen.random());
    std::shuffle(w.state.ledger.begin(), w.state.ledger.end(), gen.random());
    const Plan shuffled = reconcile_world(w);
    ASSERT_EQ(shuffled.add.size(), reference.add.size()) << "case " << c;
    for (std::size_t i = 0; i < shuffled.add.size(); ++i) {
      ASSERT_EQ(describe(shuffled.add[i]), describe(reference.add[i])) << "case " << c;
      ASSERT_EQ(shuffled.add[i].fingerprint, reference.add[i].fingerprint) << "case " << c;
    }
    ASSERT_EQ(shuffled.supersede, reference.supersede);
    ASSERT_EQ(shuffled.leavers, reference.leavers);
  }
}

TEST(ReconcileProperty, IncompleteSnapshotYieldsNoRevoke) {
  Generator gen(99);
  for (int c = 0; c < kReconcileCases; ++c) {
    World w = gen.make();
    w.snapshot.complete = false;
    for (const ProposedItem& item : reconcile_world(w).add) {
      ASSERT_NE(item.kind, ChangeKind::kRevoke) << "case " << c << ": " << describe(item);
    }
  }
}

// Invariant 9: whoever is refused (by key, read or not read) gets no item at all, and none of
// their open items is superseded; the others' plan does not depend on the refusal.
TEST(ReconcileProperty, ARefusedPersonGetsNoItemAndKeepsTheirOpenItems) {
  Generator gen(909);
  long long next_id = 1;
  int protected_items = 0;
  for (int c = 0; c < kReconcileCases / 3; ++c) {
    World w = gen.make();
    store_open(w, reconcile_world(w), next_id);  // open items to keep
    w.snapshot.read_at = kWorldNow;
    std::set<std::string> refused;
    for (const LedgerGrant& g : w.state.ledger) {
      if (std::hash<std::string>{}(g.employee_key) % 3 == 0) refused.insert(g.employee_key);
    }
    for (const std::string& key : refused) {
      w.snapshot.refused.push_back({"CN=" + key + ",DC=x", key, "", "department", "bad"});
    }
    const Plan plan = reconcile_world(w);
    for (const ProposedItem& item : plan.add) {
      ASSERT_FALSE(refused.count(item.employee_key)) << "case " << c << ": " << describe(item);
    }
    for (const OpenItem& item : w.state.open_items) {
      if (!refused.count(item.employee_key)) continue;
      ++protected_items;
      ASSERT_EQ(std::count(plan.supersede.begin(), plan.supersede.end(), item.id), 0)
          << "case " << c;
    }
    for (const std::string& key : plan.leavers) ASSERT_FALSE(refused.count(key));
    for (const std::string& key : plan.role_changed) ASSERT_FALSE(refused.count(key));
  }
  EXPECT_GT(protected_items, 100);
}

TEST(ReconcileProperty, EveryProvenanceNamesAMapThatReallyMatches) {
  Generator gen(31337);
  int checked = 0;
  for (int c = 0; c < kReconcileCases; ++c) {
    World w = gen.make();
    std::map<std::string, const Employee*> people;
    for (const Employee& e : w.snapshot.employees) people[e.key] = &e;
    for (const ProposedItem& item : reconcile_world(w).add) {
      if (item.kind != ChangeKind::kGrant && item.kind != ChangeKind::kRenew) continue;
      if (item.provenance.map_id.rfind("request:", 0) == 0) continue;
      auto map =
          std::find_if(w.policy.maps.begin(), w.policy.maps.end(),
                       [&](const AuthorisationMap& m) { return m.id == item.provenance.map_id; });
      ASSERT_NE(map, w.policy.maps.end()) << "case " << c;
      ASSERT_TRUE(match_map(*map, *people.at(item.employee_key)).matches) << "case " << c;
      ASSERT_TRUE(std::any_of(map->grants.begin(), map->grants.end(),
                              [&](const MapGrant& g) {
                                return g.mandate == item.mandate &&
                                       g.location.line == item.provenance.rule.line;
                              }))
          << "case " << c;
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);  // the generator really exercises the property
}

}  // namespace
}  // namespace valtuus
