// Benchmark of reconcile(): prints the time of each of several runs over one generated world,
// and the process's peak memory. Usage: reconcile_bench [employees] [maps] [themes] [grants]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "core/reconcile.h"

using namespace valtuus;

namespace {

const TimePoint kNow =
    std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}};

struct World {
  Policy policy;
  Snapshot snapshot;
  ReconcileState state;
  LeaverRules rules;
};

int needs_in_world = 0;

World generate(int employees, int maps, int themes, int grants) {
  std::mt19937 random(1);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  World w;
  for (int t = 0; t < themes; ++t) {
    MandateIssue m;
    m.id = "theme-" + std::to_string(t);
    m.name_fi = "Teema " + std::to_string(t);
    m.service = "Kela";
    m.organisation_holds = t % 10 != 0;
    w.policy.catalog.push_back(m);
  }
  const int departments = 120, titles = 400;
  for (int i = 0; i < maps; ++i) {
    AuthorisationMap map;
    map.id = "map-" + std::to_string(i);
    map.location = {"maps/m.yaml", i * 10, 5};
    // Like a municipality's maps: one department (sometimes two), often narrowed by titles.
    const int n_departments = pick(4) == 0 ? 2 : 1;
    for (int d = 0; d < n_departments; ++d)
      map.match.department.push_back("Toimiala Ä" + std::to_string(pick(departments)));
    if (pick(2) == 0) {
      for (int t = 0; t < 1 + pick(20); ++t)
        map.match.title.push_back("Nimike Ö" + std::to_string(pick(titles)));
    }
    for (int g = 0; g < 1 + pick(2); ++g) {
      map.grants.push_back({"theme-" + std::to_string(pick(themes)),
                            "The work in this unit needs it",
                            {"maps/m.yaml", i * 10 + g + 1, 9}});
    }
    w.policy.maps.push_back(map);
  }
  w.snapshot.complete = true;
  w.snapshot.read_at = kNow;
  w.snapshot.employees.reserve(static_cast<std::size_t>(employees));
  for (int p = 0; p < employees; ++p) {
    Employee e;
    e.key = "00000000-0000-0000-0000-" + std::to_string(100000000000 + p);
    e.account = "user" + std::to_string(p);
    e.display_name = "Etunimi Sukunimi " + std::to_string(p);
    e.department = "TOIMIALA ä" + std::to_string(pick(departments));  // case differs from maps
    e.title = "nimike ö" + std::to_string(pick(titles));
    e.ou = "People";
    e.groups = {"CN=Group" + std::to_string(pick(50)) + ",OU=Groups,DC=example,DC=fi"};
    e.disabled = pick(50) == 0;
    w.snapshot.employees.push_back(std::move(e));
  }
  // The ledger of a running organisation: most of what the maps require is held (with end
  // dates up to two years ahead, some near), plus grants of people and themes no longer needed.
  const Plan first = reconcile({w.snapshot, w.policy, w.state, w.rules, kNow});
  const auto today = std::chrono::floor<std::chrono::days>(kNow);
  w.state.ledger.reserve(static_cast<std::size_t>(grants));
  const int stale = grants / 20;
  for (const ProposedItem& item : first.add) {
    if (static_cast<int>(w.state.ledger.size()) >= grants - stale) break;
    if (item.kind != ChangeKind::kGrant || pick(20) == 0) continue;  // 5% still to grant
    w.state.ledger.push_back(
        {item.employee_key, item.mandate, today + std::chrono::days(pick(730))});
  }
  while (static_cast<int>(w.state.ledger.size()) < grants) {
    w.state.ledger.push_back({w.snapshot.employees[static_cast<std::size_t>(pick(employees))].key,
                              "theme-" + std::to_string(pick(themes)), std::nullopt});
  }
  needs_in_world = first.stats.grants;
  return w;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char* argv[]) {
  const int employees = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int maps = argc > 2 ? std::atoi(argv[2]) : 200;
  const int themes = argc > 3 ? std::atoi(argv[3]) : 50;
  const int grants = argc > 4 ? std::atoi(argv[4]) : 150000;
  const World w = generate(employees, maps, themes, grants);
  std::printf(
      "world: %d employees, %d maps, %d themes, %d ledger grants, %d grants needed; "
      "rss after generation %.1f MB\n",
      employees, maps, themes, grants, needs_in_world,
      static_cast<double>(peak_rss_kib()) / 1024.0);
  double best = 1e9;
  for (int run = 0; run < 5; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const Plan plan = reconcile({w.snapshot, w.policy, w.state, w.rules, kNow});
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, seconds);
    std::printf("run %d: %.3f s  (+%d grant, +%d org_apply, -%d revoke, ~%d renew, %d leavers)\n",
                run, seconds, plan.stats.grants, plan.stats.org_applies, plan.stats.revokes,
                plan.stats.renews, plan.stats.leavers);
  }
  std::printf("steady state: best %.3f s; peak rss %.1f MB\n", best,
              static_cast<double>(peak_rss_kib()) / 1024.0);
  // The first run against an empty ledger proposes every grant at once: the worst case.
  const ReconcileState empty;
  const auto start = std::chrono::steady_clock::now();
  const Plan first = reconcile({w.snapshot, w.policy, empty, w.rules, kNow});
  std::printf("first run (empty ledger): %.3f s, %zu items; peak rss %.1f MB\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
              first.add.size(), static_cast<double>(peak_rss_kib()) / 1024.0);
  return 0;
}
