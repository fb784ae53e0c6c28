// The scope of an unchanged full read (people_a_full_read_may_change) at 100,000 people: every
// person read is looked up in the stored history and their row digested against the stored
// one, and nobody is named. Prints the wall time of each of several runs and the best.
// Usage: full_read_scope_bench [people] [groups a person] [runs] [stored as absent]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "connectors/postgres/employee_writer.h"
#include "core/key_index.h"
#include "core/reconcile.h"

using namespace valtuus;

namespace {

const TimePoint kNow =
    std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 11 / 24}};

std::string padded(int n) {
  char text[16];
  std::snprintf(text, sizeof text, "%06d", n);
  return text;
}

// Like bench/e2e/make-world.py's people, with `groups` memberships each.
Employee person(int i, int groups) {
  static const char* const departments[] = {"Talous ja hallinto", "Elinkeinoasiat",   "Sosiaalityö",
                                            "Varhaiskasvatus",    "Ympäristöterveys", "Tekninen"};
  static const char* const titles[] = {"Yritysneuvoja", "Kirjanpitäjä",  "Sosiaaliohjaaja",
                                       "Controller",    "Suunnittelija", "Lähihoitaja"};
  Employee e;
  e.key = "a4a5a6a7-" + padded(i) + "-a8a9-aaab-acadaeaf";
  e.account = std::string("u").append(padded(i));
  e.dn = "cn=" + e.account + ",ou=people,dc=valtuus,dc=test";
  e.given_name = "Matti";
  e.surname = "Virtanen" + std::to_string(i);
  e.display_name = "Matti Virtanen " + std::to_string(i);
  e.mail = e.account + "@kunta.example";
  e.department = departments[i % 6];
  e.title = titles[(i / 6) % 6];
  e.ou = "people";
  e.groups.push_back("cn=kaikki,ou=groups,dc=valtuus,dc=test");
  for (int g = 1; g < groups; ++g) {
    e.groups.push_back("cn=g" + std::to_string((i + g * 7) % 400) +
                       ",ou=groups,dc=valtuus,dc=test");
  }
  e.manager = "cn=u" + padded(i / 20 * 20) + ",ou=people,dc=valtuus,dc=test";
  e.preferred_language = "fi";
  e.disabled = i % 50 == 0;
  return e;
}

const char* stored_status(EmployeeStatus status) {
  return is_leaver(status)                      ? "left"
         : status == EmployeeStatus::kLongLeave ? "long_leave"
                                                : "active";
}

// The thread's CPU time: on a shared machine, wall time measures the neighbours too.
double cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const int people = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int groups = argc > 2 ? std::atoi(argv[2]) : 5;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  Snapshot snapshot;
  snapshot.complete = true;
  snapshot.read_at = kNow;
  for (int i = 0; i < people; ++i) snapshot.employees.push_back(person(i, groups));
  const LeaverRules rules;
  // The store loads the history in its own order, not the directory's.
  std::vector<int> order(static_cast<std::size_t>(people));
  for (int i = 0; i < people; ++i) order[static_cast<std::size_t>(i)] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(1));
  ReconcileState state;
  state.history.reserve(static_cast<std::size_t>(people));
  for (int i : order) {
    const Employee& e = snapshot.employees[static_cast<std::size_t>(i)];
    state.history[e.key].stored_digest =
        employee_row_digest(e, stored_status(employee_status(e, rules, kNow)));
  }
  // People who left before, stored as absent (not read): a history keeps them for years.
  const int gone = argc > 4 ? std::atoi(argv[4]) : people / 20;
  for (int i = 0; i < gone; ++i) {
    EmployeeHistory& h = state.history[person(people + i, groups).key];
    h.absent = true;
    h.stored_digest = 1;
  }
  const KeyIndex index(snapshot.employees);
  double best = 1e30, best_cpu = 1e30;
  for (int run = 0; run < runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const double start_cpu = cpu_ms();
    EmployeeRowDigests digests;  // as daemon/sync_cycle.cc calls it
    const std::optional<FullReadScope> scope = people_a_full_read_may_change(
        snapshot, state, rules, {}, kNow, kNow,
        [&](const Employee& e, EmployeeStatus s) { return digests(e, stored_status(s)); }, &index);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpu_ms() - start_cpu;
    best = std::min(best, ms);
    best_cpu = std::min(best_cpu, cpu);
    std::printf("%d people, %d groups each: %.1f ms, %.1f ms of CPU (named %zu, leavers %zu)\n",
                people, groups, ms, cpu, scope ? scope->people.size() : 0,
                scope ? scope->leavers.size() : 0);
  }
  std::printf("best of %d: %.1f ms, %.1f ms of CPU\n", runs, best, best_cpu);
  return 0;
}
