// Random small worlds for the core's property tests (fixed seeds, so a failure repeats): a
// catalog, maps, a directory snapshot with leavers and people on leave, a ledger with grants of
// people never read, order forms, and the leaver rules.
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/reconcile.h"

namespace valtuus::testing {

using std::chrono::days;
using std::chrono::sys_days;

inline const TimePoint kWorldNow =
    std::chrono::sys_seconds{sys_days{std::chrono::year{2026} / 11 / 24}};
inline const sys_days kWorldToday = sys_days{std::chrono::year{2026} / 11 / 24};

// Values written the way directories write them: case and white space vary, letters do not.
inline const std::vector<std::string> kDepartments{"Elinkeinoasiat", "ELINKEINOASIAT ",
                                                   "Näringsliv",     "NÄRINGSLIV",
                                                   "Talouspalvelut", "Sosiaalipalvelut"};
inline const std::vector<std::string> kTitles{"Omavalmentaja", "omavalmentaja", "Controller",
                                              "Palkkasihteeri", "Företagsrådgivare"};
inline const std::vector<std::string> kGroups{"CN=Kela,OU=Groups,DC=x", "CN=Palkat,OU=Groups,DC=x",
                                              "CN=Åtkomst,OU=Groups,DC=x"};
inline const std::vector<std::string> kOus{"People", "Vapaalla", "Lähteneet"};

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
      if (pick(10) == 0) e.account_expires = kWorldNow + days(static_cast<int>(pick(60)) - 30);
      if (pick(10) == 0) e.long_leave_marker = "pitkä vapaa";
      w.snapshot.employees.push_back(e);
      if (pick(3) == 0) {
        w.state.history[e.key] = {
            pick(2) ? std::optional<TimePoint>(kWorldNow - days(pick(20))) : std::nullopt,
            kWorldNow - days(pick(40)), kDepartments[pick(kDepartments.size())], e.title, e.ou};
      }
    }
    const int grants = pick(25);
    for (int g = 0; g < grants; ++g) {
      const std::string key = "k" + std::to_string(pick(people + 5));  // some never read
      std::optional<sys_days> until;
      if (pick(2)) until = kWorldToday + days(static_cast<int>(pick(120)) - 20);
      w.state.ledger.push_back({key, w.policy.catalog[pick(themes)].id, until});
    }
    if (pick(4) == 0 && people > 0) {
      w.state.requests.push_back({1, "k" + std::to_string(pick(people)),
                                  w.policy.catalog[pick(themes)].id, "order form",
                                  kWorldToday + days(static_cast<int>(pick(20)) - 5)});
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

inline Plan reconcile_world(const World& w) {
  return reconcile({w.snapshot, w.policy, w.state, w.rules, kWorldNow});
}

// Stores the plan as the store would: superseded items leave, proposed ones are open.
inline void store_open(World& w, const Plan& plan, long long& next_id) {
  for (long long id : plan.supersede) {
    std::erase_if(w.state.open_items, [&](const OpenItem& o) { return o.id == id; });
  }
  for (const ProposedItem& p : plan.add) {
    w.state.open_items.push_back(
        {next_id++, p.kind, ItemState::kProposed, p.employee_key, p.mandate, p.fingerprint});
  }
}

}  // namespace valtuus::testing
