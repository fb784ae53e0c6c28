// The employee write of a sync that changed nothing: every person of the read compared with the
// stored row's digest, and nothing sent. Prints the time of each of several runs.
// Usage: employee_compare_bench CONNINFO [people] [groups a person] [runs]
// (the connection only opens the transaction: an unchanged write sends no statement).
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <pqxx/pqxx>
#include <string>

#include "connectors/postgres/employee_writer.h"

using namespace valtuus;

namespace {

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
  e.preferred_language = "fi";
  e.disabled = i % 50 == 0;
  return e;
}

// The thread's CPU time: on a shared machine, wall time measures the neighbours.
double cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: employee_compare_bench CONNINFO [people] [groups] [runs]\n");
    return 64;
  }
  const int people = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int groups = argc > 3 ? std::atoi(argv[3]) : 2;
  const int runs = argc > 4 ? std::atoi(argv[4]) : 5;
  Snapshot snapshot;
  snapshot.complete = true;
  Plan plan;
  HistoryMap history;
  for (int i = 0; i < people; ++i) {
    snapshot.employees.push_back(person(i, groups));
    const Employee& e = snapshot.employees.back();
    if (e.disabled) plan.leavers.push_back(e.key);
    EmployeeHistory& h = history[e.key];
    h.stored_digest = employee_row_digest(e, e.disabled ? "left" : "active");
  }
  pqxx::connection connection(argv[1]);
  for (int run = 0; run < runs; ++run) {
    pqxx::work txn(connection);
    const double start = cpu_ms();
    const EmployeeWriteStats stats = write_employees(txn, 0, snapshot, plan, history);
    std::printf("%d people, %d groups each: %.1f ms of CPU (unchanged %d, staged %d)\n", people,
                groups, cpu_ms() - start, stats.unchanged, stats.staged);
  }
  return 0;
}
