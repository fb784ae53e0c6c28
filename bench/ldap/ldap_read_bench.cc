// Reads every employee under a base with LdapDirectorySource, as the daemon does, and prints
// one line: entries, seconds, the read's CPU time (user + system, getrusage: on a machine
// shared with slapd and other work, the figure that says what the read costs), completeness
// and the process's peak resident memory. Run by
// bench/ldap/run against a private slapd holding 100,000 users; not a test.
//
//   ldap_read_bench URI CA_FILE BIND_DN PASSWORD_FILE BASE [REPEAT]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "connectors/ldap/ldap_source.h"

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc < 6 || argc > 7) {
    std::fprintf(stderr, "usage: %s URI CA_FILE BIND_DN PASSWORD_FILE BASE [REPEAT]\n", argv[0]);
    return 64;
  }
  valtuus::LdapOptions options;
  options.uri = argv[1];
  options.ca_file = argv[2];
  options.bind_dn = argv[3];
  options.password_file = argv[4];
  options.bases = {argv[5]};
  options.retries = 0;
  const int repeat = argc == 7 ? std::atoi(argv[6]) : 1;
  try {
    valtuus::LdapDirectorySource source(options);
    for (int i = 0; i < repeat; ++i) {
      const double cpu_start = cpu_seconds();
      const auto start = std::chrono::steady_clock::now();
      const valtuus::Snapshot snapshot = source.read_all();
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      const double cpu = cpu_seconds() - cpu_start;
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      std::printf("connector: %zu entries in %.3f s (CPU %.3f s), %s, max RSS %.1f MB\n",
                  snapshot.employees.size(), took.count(), cpu,
                  snapshot.complete ? "complete" : snapshot.incomplete_reason.c_str(),
                  static_cast<double>(usage.ru_maxrss) / 1024.0);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ldap_read_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
