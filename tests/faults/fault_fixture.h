// The fault suite's common ground: a daemon loop against the suite's servers (DaemonTest),
// people who hold mandates, and the checks that must hold after every fault (DESIGN.md
// invariants 3, 4 and 5, and the audit chain).
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "tests/e2e/daemon_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {

class FaultTest : public DaemonTest {
 protected:
  // `count` more people in this test's OU, all in Elinkeinoasiat as Omavalmentaja (so each
  // needs kela-etuustiedot, te-palkkatuki and te-tyonhakija), accounts "<prefix>00000000"...
  // They come after the fixture's four people in the server's order.
  void add_people(const std::string& prefix, int count) {
    // objectGUID is 16 bytes; the connector refuses any other length.
    const std::string guid_tag = (prefix + "guidguid").substr(0, 8);
    std::string ldif;
    for (int i = 0; i < count; ++i) {
      char id[16];
      std::snprintf(id, sizeof id, "%08d", i);
      const std::string account = prefix + id;
      ldif += "dn: cn=" + account + "," + base_ +
              "\nobjectClass: inetOrgPerson\nobjectClass: user\ncn: " + account +
              "\nsn: Virtanen\ngivenName: Aino\ndisplayName: Aino Virtanen\nsAMAccountName: " +
              account +
              "\ndepartment: Elinkeinoasiat\ntitle: Omavalmentaja\nobjectGUID: " + guid_tag + id +
              "\nobjectCategory: person\nuserAccountControl: 512\naccountExpires: 0\n\n";
    }
    const ProcessResult added = ldap_modify(ldif);
    ASSERT_EQ(added.exit_code, 0) << added.err;
  }

  // Records in the ledger (valtuusctl import grants --apply, after a complete sync) that each
  // of `accounts` holds kela-etuustiedot: people the next runs must never revoke while they
  // are in the directory, whatever a read loses.
  void record_holders(const std::vector<std::string>& accounts) {
    using namespace std::chrono;
    const auto today = year_month_day{floor<days>(system_clock::now())};
    const auto text = [](year_month_day d) {
      char out[16];
      std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()),
                    static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
      return std::string(out);
    };
    const std::string from = text(year_month_day{sys_days{today} - days{30}});
    const std::string until = text(year_month_day{sys_days{today} + days{300}});
    std::string csv = "account,mandate,valid_from,valid_until\n";
    for (const std::string& account : accounts) {
      csv += account + ",kela-etuustiedot," + from + "," + until + "\n";
    }
    const std::string file = dir_ + "/holders.csv";
    write_file(file, csv);
    const ProcessResult imported =
        valtuusctl({"--config", config_, "import", "grants", file, "--apply"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;
    ASSERT_EQ(count("SELECT count(*) FROM grant_ledger"), static_cast<long long>(accounts.size()));
  }

  // What must hold after any fault:
  // - all or nothing: every recorded run has exactly the items it counted, and its audit event;
  // - no duplicate open item (one per person, theme and kind);
  // - no revoke from an incomplete read, and no revoke at all (no one in these tests left);
  // - nothing superseded by an incomplete read;
  // - the audit chain verifies.
  void expect_invariants() {
    EXPECT_EQ(count("SELECT count(*) FROM sync_run r WHERE r.items_added <> "
                    "(SELECT count(*) FROM change_item i WHERE i.run_id = r.id)"),
              0)
        << "a run whose items did not all land";
    EXPECT_EQ(count("SELECT count(*) FROM sync_run r WHERE NOT EXISTS (SELECT 1 FROM "
                    "audit_event a WHERE a.action = 'sync_run' AND a.run_id = r.id)"),
              0)
        << "a run without its audit event";
    EXPECT_EQ(count("SELECT count(*) FROM (SELECT 1 FROM change_item WHERE state IN "
                    "('proposed', 'approved', 'applied', 'held') GROUP BY "
                    "coalesce(employee_key, ''), mandate_id, kind HAVING count(*) > 1) d"),
              0)
        << "duplicate open items";
    EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke'"), 0)
        << "a revoke although no one left";
    EXPECT_EQ(count("SELECT count(*) FROM change_item i JOIN sync_run r ON "
                    "r.id = i.superseded_by_run WHERE NOT r.snapshot_complete"),
              0)
        << "items superseded by an incomplete read";
    const ProcessResult verified = valtuusctl({"--config", config_, "audit", "verify"});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  }
};

}  // namespace valtuus::testing
