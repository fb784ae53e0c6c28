// Runs tests/web/browser/staff.spec.mjs (a real chromium) against a real valtuus-web on the
// end-to-end municipality (tests/e2e/e2e_fixture.cc) in the suite's slapd and PostgreSQL, with
// the demo's maps (policies/examples): one `valtuusd --once` here, another from the spec after
// the employee's orders (the orders become items only at a sync), each program as the login
// the README gives it. Mäkinen is an employee without a console role, Åström his manager,
// Öhman a reviewer; all three get a password. The directory holds no identity codes, so the
// order form asks for the employee's own (sealed with the daemon's key file). The maps are
// also published with `valtuusctl policy publish` for the spec to browse from file:// URLs.
#include <gtest/gtest.h>

#include <iostream>
#include <pqxx/pqxx>
#include <regex>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

using namespace std::chrono_literals;

class BrowserStaffTest : public E2eTest {};

TEST_F(BrowserStaffTest, EmployeesManagersAndAReviewerUseTheStaffPagesInChromium) {
  const std::string reviewers = "cn=Reviewers," + base_;
  std::string ldif;
  for (const auto& [account, password] :
       std::vector<std::pair<std::string, std::string>>{{"mmakinen", "employee horse"},
                                                        {"aastrom", "manager horse"},
                                                        {"johman", "reviewer horse"}}) {
    ldif += "dn: cn=" + account + "," + base_ +
            "\nchangetype: modify\nreplace: userPassword\nuserPassword: " + password + "\n";
    if (account == "mmakinen") ldif += "-\nreplace: manager\nmanager: cn=aastrom," + base_ + "\n";
    if (account == "johman") ldif += "-\nadd: memberOf\nmemberOf: " + reviewers + "\n";
    ldif += "\n";
  }
  const ProcessResult modified = ldap_modify(ldif);
  ASSERT_EQ(modified.exit_code, 0) << modified.err;

  const std::string key_file = dir_ + "/identity.key";
  write_file(key_file, std::string(32, '\x5a'));
  ProcessResult migrated = valtuusctl({"--config", config_, "db", "migrate"});
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  const std::string daemon_config =
      config_as(logins_.make("valtuus", "valtuus_daemon"), {{"identity.key_file", key_file}});
  ProcessResult sync = valtuusd({"--config", daemon_config, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;

  std::string other_ref;  // Öhman's, for the employee who puts it in the address
  {
    pqxx::connection c(db_->conninfo());
    pqxx::read_transaction txn(c);
    other_ref = txn.exec1("SELECT web_ref::text FROM employee WHERE account = 'johman'")[0]
                    .as<std::string>();
  }

  // Distinct handling times, so that the page cannot show one path's for the other's.
  const std::string web_config =
      config_as(logins_.make("web", "valtuus_console"), {{"web.port", "0"},
                                                         {"web.reviewer_group", reviewers},
                                                         {"sla.path1_days", "4"},
                                                         {"sla.path2_days", "57"},
                                                         {"identity.key_file", key_file}});
  const std::string published = dir_ + "/intranet";
  ProcessResult publish =
      valtuusctl({"--config", config_as(logins_.make("kirsi", "valtuus_reviewer")), "policy",
                  "publish", published});
  ASSERT_EQ(publish.exit_code, 0) << publish.err;

  BackgroundProcess web({build_dir() + "/web/valtuus-web", "--config", web_config},
                        {"VALTUUS_ALLOW_ROOT=1"});
  ASSERT_TRUE(web.wait_for_err("listening on", 10s)) << web.err();
  std::smatch port;
  const std::string log = web.err();
  ASSERT_TRUE(std::regex_search(log, port, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")));

  const ProcessResult browser = run_process(
      {"/usr/bin/node", build_dir() + "/tests/web/browser/staff.spec.mjs"},
      // localhost, not 127.0.0.1: browsers keep Secure cookies over plain HTTP only for it.
      {"VALTUUS_WEB_URL=http://localhost:" + port[1].str(), "VALTUUS_ALLOW_ROOT=1",
       "VALTUUSD=" + std::string(VALTUUSD_PATH), "VALTUUSD_CONFIG=" + daemon_config,
       "VALTUUS_OTHER_REF=" + other_ref, "VALTUUS_PUBLISHED=" + published,
       "VALTUUS_SCREENSHOTS=" + build_dir() + "/web-screenshots/staff"});
  EXPECT_EQ(browser.exit_code, 0) << browser.out << browser.err << "\nvaltuus-web:\n" << web.err();
  std::cout << browser.out;

  // What the pages said happened is what the database holds.
  EXPECT_EQ(count("SELECT count(*) FROM manual_request r JOIN employee e ON e.key = "
                  "r.employee_key WHERE e.account = 'mmakinen' AND r.requested_by = 'mmakinen'"),
            2);
  EXPECT_EQ(count("SELECT count(*) FROM manual_request r JOIN employee e ON e.key = "
                  "r.employee_key WHERE e.account = 'mmakinen' AND r.requested_by = 'aastrom'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item i JOIN manual_request r ON r.id = "
                  "i.request_id WHERE i.state = 'done' AND r.mandate_id = 'vero-veroasiat'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM identity_code c JOIN employee e ON e.key = "
                  "c.employee_key WHERE e.account = 'mmakinen' AND c.masked = '131052-****'"),
            1);

  web.signal(SIGTERM);
  EXPECT_EQ(web.wait(10s), 0) << web.err();
}

}  // namespace
}  // namespace valtuus::testing
