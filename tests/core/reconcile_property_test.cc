// Properties of reconcile() over randomly generated directories, maps and ledgers (fixed
// seeds, so a failure repeats): thousands of small worlds, each checked for the invariants.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "core/matching.h"
#include "core/reconcile.h"

namespace valtuus {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

const TimePoint kNow = std::chrono::sys_seconds{sys_days{std::chrono::year{2026} / 11 / 24}};
const sys_days kToday = sys_days{std::chrono::year{2026} / 11 / 24};

// Values written the way directories write them: case and white space vary, letters do not.
const std::vector<std::string> kDepartments{"Elinkeinoasiat", "ELINKEINOASIAT ",
                                            "Näringsliv",     "NÄRINGSLIV",
                                            "Talouspalvelut", "Sosiaalipalvelut"};
const std::vector<std::string> kTitles{"Omavalmentaja", "omavalmentaja", "Controller",
                                       "Palkkasihteeri", "Företagsrådgivare"};
const std::vector<std::string> kGroups{"CN=Kela,OU=Groups,DC=x", "CN=Palkat,OU=Groups,DC=x",
                                       "CN=Åtkomst,OU=Groups,DC=x"};
const std::vector<std::string> kOus{"People", "Vapaalla", "Lähteneet"};

struct World {
  Policy policy;
  Snapshot snapshot;
  ReconcileState state;
  LeaverRules rules;
};

class Generator {
 public:
  explicit Generator(unsigned seed) : random_(seed) {}

  World make() {
    World w;
    const int themes = 2 + pick(6);
    for (int t = 0; t < themes; ++t) {
      MandateIssue m;
      m.id = "theme-" + std::to_string(t);
      m.name_fi = m.id;
      m.service = "Kela";
      m.organisation_holds = pick(4) != 0;
      m.renewal_notice_days = 30;
      m.location = {"catalog.yaml", 10 + t, 5};
      w.policy.catalog.push_back(m);
    }
    const int maps = 1 + pick(8);
    for (int i = 0; i < maps; ++i) {
      AuthorisationMap map;
      map.id = "map-" + std::to_string(i);
      map.location = {"maps.yaml", 100 * i, 5};
      if (pick(6) == 0) {
        map.match_all = true;
      } else {
        if (pick(3) != 0) map.match.department = some(kDepartments);
        if (pick(2) == 0) map.match.title = some(kTitles);
        if (pick(4) == 0) map.match.group = {kGroups[pick(kGroups.size())]};
        if (map.match.empty()) map.match.ou = {"People"};
      }
      if (pick(5) == 0) map.except.title = {kTitles[pick(kTitles.size())]};
      const int grants = 1 + pick(3);
      for (int g = 0; g < grants; ++g) {
        map.grants.push_back({w.policy.catalog[pick(themes)].id,
                              "needed by " + map.id,
                              {"maps.yaml", 100 * i + g + 1, 9}});
      }
      w.policy.maps.push_back(map);
    }
    const int people = pick(30);
    for (int p = 0; p < people; ++p) {
      Employee e;
      e.key = "k" + std::to_string(p);
      e.account = "a" + std::to_string(p);
      e.department = kDepartments[pick(kDepartments.size())];
      e.title = kTitles[pick(kTitles.size())];
      e.ou = kOus[pick(5) == 0 ? 1 + pick(2) : 0];
      e.dn = "CN=" + e.key + ",OU=" + e.ou + ",DC=kunta,DC=example";
      if (pick(2) == 0) e.groups.push_back(kGroups[pick(kGroups.size())]);
      e.disabled = pick(8) == 0;
      if (pick(10) == 0) e.account_expires = kNow + days(static_cast<int>(pick(60)) - 30);
      if (pick(10) == 0) e.long_leave_marker = "pitkä vapaa";
      w.snapshot.employees.push_back(e);
      if (pick(3) == 0) {
        w.state.history[e.key] = {
            pick(2) ? std::optional<TimePoint>(kNow - days(pick(20))) : std::nullopt,
            kNow - days(pick(40)), kDepartments[pick(kDepartments.size())], e.title, e.ou};
      }
    }
    const int grants = pick(25);
    for (int g = 0; g < grants; ++g) {
      const std::string key = "k" + std::to_string(pick(people + 5));  // some never read
      std::optional<sys_days> until;
      if (pick(2)) until = kToday + days(static_cast<int>(pick(120)) - 20);
      w.state.ledger.push_back({key, w.policy.catalog[pick(themes)].id, until});
    }
    if (pick(4) == 0 && people > 0) {
      w.state.requests.push_back({1, "k" + std::to_string(pick(people)),
                                  w.policy.catalog[pick(themes)].id, "order form",
                                  kToday + days(static_cast<int>(pick(20)) - 5)});
    }
    w.rules.long_leave_ous = {"OU=Vapaalla,DC=kunta,DC=example"};
    w.rules.leavers_ous = {"OU=Lähteneet,DC=kunta,DC=example"};
    w.rules.leaver_grace = days(pick(2) ? 0 : 7);
    w.rules.mover_grace = days(pick(2) ? 0 : 14);
    w.snapshot.complete = pick(5) != 0;
    return w;
  }

  std::mt19937& random() { return random_; }

 private:
  int pick(std::size_t n) { return n == 0 ? 0 : static_cast<int>(random_() % n); }
  std::vector<std::string> some(const std::vector<std::string>& pool) {
    std::vector<std::string> out;
    for (const auto& value : pool)
      if (pick(3) == 0) out.push_back(value);
    if (out.empty()) out.push_back(pool[pick(pool.size())]);
    return out;
  }

  std::mt19937 random_;
};

Plan reconcile_world(const World& w) {
  return reconcile({w.snapshot, w.policy, w.state, w.rules, kNow});
}

// A person approves and executes every proposed item; the ledger follows.
void apply_decisions(World& w, const Plan& plan) {
  for (const ProposedItem& item : plan.add) {
    auto same = [&](const LedgerGrant& g) {
      return g.employee_key == item.employee_key && g.mandate == item.mandate;
    };
    switch (item.kind) {
      case ChangeKind::kGrant:
        std::erase_if(w.state.ledger, same);  // an expired grant is replaced
        w.state.ledger.push_back({item.employee_key, item.mandate, kToday + days(730)});
        break;
      case ChangeKind::kRenew:
        for (LedgerGrant& g : w.state.ledger)
          if (same(g)) g.valid_until = kToday + days(730);
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

void store_open(World& w, const Plan& plan, long long& next_id) {
  for (long long id : plan.supersede) {
    std::erase_if(w.state.open_items, [&](const OpenItem& o) { return o.id == id; });
  }
  for (const ProposedItem& p : plan.add) {
    w.state.open_items.push_back(
        {next_id++, p.kind, ItemState::kProposed, p.employee_key, p.mandate, p.fingerprint});
  }
}

constexpr int kCases = 3000;

TEST(ReconcileProperty, ExecutingEveryDecisionThenReconcilingProposesNothing) {
  Generator gen(20261124);
  for (int c = 0; c < kCases; ++c) {
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
  for (int c = 0; c < kCases; ++c) {
    World w = gen.make();
    store_open(w, reconcile_world(w), next_id);
    Plan again = reconcile_world(w);
    ASSERT_TRUE(again.empty()) << "case " << c << ": " << again.add.size() << " added, "
                               << again.supersede.size() << " superseded";
  }
}

TEST(ReconcileProperty, InputOrderDoesNotChangeThePlan) {
  Generator gen(777);
  for (int c = 0; c < kCases / 3; ++c) {
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
  for (int c = 0; c < kCases; ++c) {
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
  for (int c = 0; c < kCases / 3; ++c) {
    World w = gen.make();
    store_open(w, reconcile_world(w), next_id);  // open items to keep
    w.snapshot.read_at = kNow;
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
  for (int c = 0; c < kCases; ++c) {
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
