// The oversight reports (report drift | movers | holdings, as core/oversight.h computes them)
// and reconcile() apply one rule for what a person needs (core/needs.h). Over thousands of
// random worlds, the reports' answers agree with the reconcile's plan of the same world.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/needs.h"
#include "core/oversight.h"
#include "core/reconcile.h"
#include "tests/core/random_world.h"

namespace valtuus {
namespace {

using namespace valtuus::testing;
using Pair = std::pair<std::string, std::string>;  // (employee key, theme)

// The world as the store holds it after the run that produced `plan`: everybody read, with
// the status the run wrote; the role change time as stored (now, for a change in this read);
// one grant in force per person and theme (the ledger's unique index), all recorded long ago.
OversightView view_of(const World& w, const Plan& plan) {
  OversightView view;
  view.now = kWorldNow;
  const std::set<std::string> changed(plan.role_changed.begin(), plan.role_changed.end());
  for (const Employee& e : w.snapshot.employees) {
    OversightPerson p;
    p.key = e.key;
    p.account = e.account;
    p.department = e.department;
    p.title = e.title;
    p.ou = e.ou;
    p.groups.assign(e.groups.begin(), e.groups.end());
    p.standing = standing_of(employee_status(e, w.rules, kWorldNow));
    p.role_changed_at = kWorldNow;
    auto h = w.state.history.find(e.key);
    if (!changed.count(e.key) && h != w.state.history.end() && h->second.role_changed_at)
      p.role_changed_at = *h->second.role_changed_at;
    view.people.emplace(e.key, std::move(p));
  }
  std::map<Pair, std::optional<sys_days>> longest;
  for (const LedgerGrant& g : w.state.ledger) {
    if (!in_force(g.valid_until, kWorldToday)) continue;
    auto [it, added] = longest.emplace(Pair{g.employee_key, g.mandate}, g.valid_until);
    if (!added && it->second && (!g.valid_until || *g.valid_until > *it->second))
      it->second = g.valid_until;
  }
  for (const auto& [pair, until] : longest)
    view.grants.push_back({pair.first, pair.second, "2024-01-01", until, kWorldNow - days(400)});
  for (const OpenItem& item : w.state.open_items)
    view.open_items.push_back({item.id, item.kind, item.state, item.employee_key, item.mandate});
  view.requests = w.state.requests;
  view.organisation_rights = w.state.organisation_rights;
  return view;
}

std::set<Pair> items_of(const Plan& plan, ChangeKind kind) {
  std::set<Pair> out;
  for (const ProposedItem& item : plan.add)
    if (item.kind == kind) out.insert({item.employee_key, item.mandate});
  return out;
}

std::set<Pair> drift_of(const std::vector<DriftRow>& rows, const std::string& drift) {
  std::set<Pair> out;
  for (const DriftRow& r : rows)
    if (r.drift == drift) out.insert({r.employee_key, r.mandate});
  return out;
}

std::string show(const std::set<Pair>& pairs) {
  std::string text;
  for (const auto& [key, theme] : pairs) text += key + "/" + theme + " ";
  return text;
}

constexpr int kNeedsCases = 700;

TEST(NeedsProperty, DriftAndHoldingsAgreeWithThePlan) {
  Generator gen(20261206);
  int grants = 0, revokes = 0, compared_exactly = 0;
  for (int c = 0; c < kNeedsCases; ++c) {
    const World w = gen.make();
    const Plan plan = reconcile_world(w);
    const OversightView view = view_of(w, plan);
    const auto drift = drift_report(view, w.policy, {});
    const auto required = required_themes(view, w.policy);
    const std::set<Pair> missing = drift_of(drift, "required_missing");
    const std::set<Pair> not_needed = drift_of(drift, "held_not_required");
    const std::set<Pair> proposed_grants = items_of(plan, ChangeKind::kGrant);
    const std::set<Pair> proposed_revokes = items_of(plan, ChangeKind::kRevoke);
    grants += static_cast<int>(proposed_grants.size());
    revokes += static_cast<int>(proposed_revokes.size());

    // Nothing is open yet: every grant the reconcile proposes is missing, and nothing else is.
    ASSERT_EQ(missing, proposed_grants) << "case " << c;
    // Every revoke is of a grant the reports call not needed.
    for (const Pair& p : proposed_revokes)
      ASSERT_TRUE(not_needed.count(p)) << "case " << c << ": " << p.first << "/" << p.second;
    // A renewal is of a theme held and still needed.
    for (const Pair& p : items_of(plan, ChangeKind::kRenew)) {
      ASSERT_TRUE(required.count(p.first) && required.at(p.first).count(p.second)) << "case " << c;
      ASSERT_FALSE(not_needed.count(p)) << "case " << c;
    }
    if (!w.snapshot.complete) continue;  // an incomplete read revokes nothing
    // The reports name every grant the reconcile revokes now or after a grace period.
    ASSERT_EQ(not_needed.size(), proposed_revokes.size() + plan.stats.revokes_in_grace)
        << "case " << c << ": not needed " << show(not_needed) << "; revoked "
        << show(proposed_revokes);
    if (w.rules.leaver_grace.count() == 0 && w.rules.mover_grace.count() == 0) {
      ASSERT_EQ(not_needed, proposed_revokes) << "case " << c;
      ++compared_exactly;
    }
    // Held and needed, plus missing, is what the maps and order forms require.
    const std::set<std::string> on_leave(plan.on_long_leave.begin(), plan.on_long_leave.end());
    int kept_on_leave = 0;
    for (const OversightGrant& g : view.grants)
      kept_on_leave += on_leave.count(g.employee_key) ? 1 : 0;
    const HoldingsReport holdings = holdings_report(view, w.policy, {});
    ASSERT_EQ(holdings.totals.held, static_cast<int>(view.grants.size())) << "case " << c;
    ASSERT_EQ(holdings.totals.required,
              static_cast<int>(proposed_grants.size() + view.grants.size() - not_needed.size()) -
                  kept_on_leave)
        << "case " << c;
  }
  // The generator really exercises the property.
  EXPECT_GT(grants, 1000) << revokes << " " << compared_exactly;
  EXPECT_GT(revokes, 300);
  EXPECT_GT(compared_exactly, 100);
}

TEST(NeedsProperty, MoversAreTheActivePeopleWhoseGrantsAreNoLongerNeeded) {
  Generator gen(1206);
  int movers = 0;
  for (int c = 0; c < kNeedsCases; ++c) {
    const World w = gen.make();
    const Plan plan = reconcile_world(w);
    const OversightView view = view_of(w, plan);
    std::set<Pair> active_not_needed;
    for (const DriftRow& r : drift_report(view, w.policy, {}))
      if (r.drift == "held_not_required" && r.status == "active")
        active_not_needed.insert({r.employee_key, r.mandate});
    std::set<Pair> moved;
    for (const MoverRow& r : movers_report(view, w.policy, {})) {
      const auto person = std::find_if(view.people.begin(), view.people.end(), [&](const auto& p) {
        return p.second.account == r.account;
      });
      ASSERT_NE(person, view.people.end());
      moved.insert({person->first, r.mandate});
    }
    // All grants were recorded before any role change.
    ASSERT_EQ(moved, active_not_needed) << "case " << c;
    movers += static_cast<int>(moved.size());
    // A revoke the reconcile proposes for a person still here is a mover's.
    for (const ProposedItem& item : plan.add) {
      if (item.kind != ChangeKind::kRevoke || !view.people.count(item.employee_key)) continue;
      if (view.people.at(item.employee_key).standing != Standing::kActive) continue;
      ASSERT_TRUE(moved.count({item.employee_key, item.mandate})) << "case " << c;
    }
  }
  EXPECT_GT(movers, 100);
}

// Once the plan is stored, the reports see every proposed change as pending.
TEST(NeedsProperty, AStoredPlanLeavesNothingMissingAndEveryChangePending) {
  Generator gen(61206);
  long long next_id = 1;
  for (int c = 0; c < kNeedsCases; ++c) {
    World w = gen.make();
    const Plan plan = reconcile_world(w);
    store_open(w, plan, next_id);
    const OversightView view = view_of(w, plan);
    const auto drift = drift_report(view, w.policy, {});
    ASSERT_TRUE(drift_of(drift, "required_missing").empty()) << "case " << c;
    const std::set<Pair> revoked = items_of(plan, ChangeKind::kRevoke);
    for (const DriftRow& r : drift)
      ASSERT_EQ(r.open_item.has_value(), revoked.count({r.employee_key, r.mandate}) > 0)
          << "case " << c;
    const HoldingsReport holdings = holdings_report(view, w.policy, {});
    ASSERT_EQ(holdings.totals.pending_grants, plan.stats.grants + plan.stats.renews)
        << "case " << c;
    ASSERT_EQ(holdings.totals.pending_revokes, plan.stats.revokes) << "case " << c;
  }
}

}  // namespace
}  // namespace valtuus
