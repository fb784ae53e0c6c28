// Runs tests/web/browser/console.spec.mjs (a real chromium) against a real valtuus-web, started
// here with the test PostgreSQL and slapd: a database with five open items (one of them ordered
// by the reviewer), a console login in valtuus_console and a reviewer in the directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <iostream>
#include <regex>

#include "connectors/postgres/migrations.h"
#include "tests/support/ldap_test_directory.h"
#include "tests/support/process.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using namespace std::chrono_literals;

TEST(Browser, AReviewerWorksThroughTheConsoleInChromium) {
  testing::TestDatabase db("browser");
  testing::TestLogins logins;
  pqxx::connection admin(db.conninfo());
  migrate(admin);
  const std::string login = logins.make("web", "valtuus_console");
  {
    pqxx::work txn(admin);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (1, now(), 'test', true, 1, 2, 0);"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('kela', 'Kela-asiat', 'Kela', true, 730, 60),"
        "  ('te', 'TE-asiat', 'TE', true, 730, 60), ('vero', 'Vero-asiat', 'Vero', true, 730, 60);"
        "INSERT INTO employee (key, account, display_name, department) "
        "  VALUES ('k-anna', 'anna', 'Anna Aalto', 'Elinkeinoasiat');"
        "INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked) "
        "  VALUES ('k-anna', '\\x00', '\\x00', '\\x00', '131052-****');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint) VALUES (1, 1, 'grant', 'proposed', 'k-anna', 'kela', 'map', 'f1'),"
        "  (2, 1, 'grant', 'proposed', 'k-anna', 'te', 'map', 'f2');"
        // Two more for the bulk approve, and one that the reviewer ordered (four eyes).
        "INSERT INTO employee (key, account, display_name, department) "
        "  VALUES ('k-bert', 'bert', 'Bert Berg', 'Sivistys');"
        "INSERT INTO manual_request (id, employee_key, mandate_id, why, requested_by) "
        "  VALUES (1, 'k-bert', 'vero', 'new tasks', 'rauno');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint, request_id) VALUES "
        "  (3, 1, 'grant', 'proposed', 'k-bert', 'kela', 'map', 'f3', NULL),"
        "  (4, 1, 'grant', 'proposed', 'k-bert', 'te', 'map', 'f4', NULL),"
        "  (5, 1, 'grant', 'proposed', 'k-bert', 'vero', 'order form', 'f5', 1);"
        "SELECT setval('change_item_id_seq', 5);");
    txn.commit();
  }
  testing::LdapTestDirectory dir("browser");
  const std::string reviewers = "cn=Reviewers,ou=groups," + dir.base();
  const std::string rauno =
      dir.add_user({.account = "rauno", .display_name = "Rauno Reviewer", .groups = {reviewers}});
  dir.modify(rauno, "userPassword", {"right horse"});

  const LdapOptions ldap = dir.reader_options();
  testing::BackgroundProcess web(
      {testing::build_dir() + "/web/valtuus-web", "--config", "/dev/null", "--web.port=0",
       "--directory.uri=" + ldap.uri, "--directory.bind_dn=" + ldap.bind_dn,
       "--directory.password_file=" + ldap.password_file, "--directory.base=" + dir.base(),
       "--directory.ca_file=" + ldap.ca_file, "--web.reviewer_group=" + reviewers,
       // The same group gives the security role too, so one login walks the security pages.
       "--web.security_group=" + reviewers,
       "--database.conninfo=" + db.conninfo() + " user=" + login},
      {"VALTUUS_ALLOW_ROOT=1"});
  ASSERT_TRUE(web.wait_for_err("listening on", 10s)) << web.err();
  std::smatch port;
  const std::string log = web.err();
  ASSERT_TRUE(std::regex_search(log, port, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")));

  const std::string dir_with_modules = testing::build_dir() + "/tests/web/browser";
  const testing::ProcessResult browser = testing::run_process(
      {"/usr/bin/node", dir_with_modules + "/console.spec.mjs"},
      // localhost, not 127.0.0.1: browsers keep Secure cookies over plain HTTP only for it.
      {"VALTUUS_WEB_URL=http://localhost:" + port[1].str(), "VALTUUS_WEB_ACCOUNT=rauno",
       "VALTUUS_WEB_PASSWORD=right horse",
       "VALTUUS_SCREENSHOTS=" + testing::build_dir() + "/web-screenshots"});
  EXPECT_EQ(browser.exit_code, 0) << browser.out << browser.err << "\nvaltuus-web:\n" << web.err();
  std::cout << browser.out;  // the accessibility notes below serious, and where screenshots are

  web.signal(SIGTERM);
  EXPECT_EQ(web.wait(10s), 0) << web.err();
}

}  // namespace
}  // namespace valtuus
