// The oversight reports and attestation through the real valtuusctl: empty answers, a leaver
// found after a real sync, the security role reading reports and recording an attestation,
// SLA targets from the configuration file overridden per command, and identity codes that
// never appear in clear.
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

constexpr const char* kReportCode = "131052-308T";  // Matti Mäkinen's

class ReportCommandsTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    ASSERT_EQ(valtuusctl({"--config", config_, "db", "migrate"}).exit_code, 0);
    ProcessResult coded = ldap_modify(
        "dn: cn=mmakinen," + base_ +
        "\nchangetype: modify\nadd: valtuusIdentityCode\nvaltuusIdentityCode: " + kReportCode +
        "\n\n");
    ASSERT_EQ(coded.exit_code, 0) << coded.err;
    const std::string key_file = dir_ + "/identity.key";
    write_file(key_file, std::string(32, '\x5a'));
    config_ = write_config({{"directory.identity_code_attribute", "valtuusIdentityCode"},
                            {"identity.key_file", key_file}});
    ProcessResult sync = valtuusd({"--config", config_, "--once"});
    ASSERT_EQ(sync.exit_code, 0) << sync.err;
  }

  ProcessResult ctl(std::vector<std::string> args, const std::string& config = "") {
    args.insert(args.begin(), {"--config", config.empty() ? config_ : config});
    return valtuusctl(args);
  }

  json json_of(std::vector<std::string> args, const std::string& config = "") {
    args.insert(args.end(), {"--format", "json"});
    ProcessResult result = ctl(args, config);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out);
  }

  // Executes mmakinen's grant of te-tyonhakija, then disables the account and syncs.
  void grant_then_leave() {
    std::string ref;
    for (const json& item : json_of({"changes", "list"})) {
      if (item["account"] == "mmakinen" && item["mandate"] == "te-tyonhakija")
        ref = std::to_string(item["id"].get<long long>());
    }
    ASSERT_FALSE(ref.empty());
    ASSERT_EQ(ctl({"approve", ref + "@1"}).exit_code, 0);
    ASSERT_EQ(ctl({"done", ref + "@2"}).exit_code, 0);
    ProcessResult disabled = ldap_modify("dn: cn=mmakinen," + base_ +
                                         "\nchangetype: modify\nreplace: userAccountControl\n"
                                         "userAccountControl: 514\n\n");
    ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
    ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  }
};

TEST_F(ReportCommandsTest, EmptyAnswersInEveryFormat) {
  const json leavers = json_of({"report", "leavers"});
  EXPECT_EQ(leavers["report"], "leavers");
  EXPECT_TRUE(leavers["rows"].empty());
  EXPECT_EQ(leavers["summary"]["grants"], 0);
  ProcessResult table = ctl({"report", "leavers"});
  EXPECT_EQ(table.out, "No one who has left holds a mandate in the ledger.\n");
  ProcessResult csv = ctl({"report", "leavers", "--format", "csv"});
  // CSV's header row names the fields as JSON does: one documented contract for scripts.
  EXPECT_EQ(csv.out,
            "account,name,department,why,left_at,days_open,mandate,mandate_name_fi,valid_until,"
            "revoke_item,revoke_state,revoke_age_days\r\n");
  for (const char* report : {"movers", "drift", "holdings", "sla", "expiring", "capability"}) {
    ProcessResult result = ctl({"report", report, "--format", "json"});
    EXPECT_EQ(result.exit_code, 0) << report << ": " << result.err;
  }
  EXPECT_TRUE(json_of({"report", "movers"})["rows"].empty());
  EXPECT_EQ(ctl({"report", "sla", "--format", "xml"}).exit_code, 64);
  EXPECT_EQ(ctl({"report", "leavers", "--since", "yesterday"}).exit_code, 64);
  EXPECT_EQ(ctl({"report", "capability", "--department", "Talous"}).exit_code, 64);
  EXPECT_EQ(ctl({"attest", "record", "te-tyonhakija"}).exit_code, 64);  // neither confirmed nor
}

TEST_F(ReportCommandsTest, SecurityFindsTheLeaverAndAttests) {
  grant_then_leave();
  TestLogins logins;
  const std::string security = logins.make("sec", "valtuus_security");
  const std::string as_security =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + security}});
  ProcessResult csv = ctl({"report", "leavers", "--format", "csv"}, as_security);
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.find("account,name,department,why,left_at,days_open,mandate"), 0u) << csv.out;
  EXPECT_NE(csv.out.find("\r\nmmakinen,Matti Mäkinen,Elinkeinoasiat,disabled,"), std::string::npos)
      << csv.out;
  EXPECT_NE(csv.out.find(",te-tyonhakija,"), std::string::npos);
  EXPECT_NE(csv.out.find(",proposed,0\r\n"), std::string::npos) << "the leaver's revoke item";
  EXPECT_EQ(csv.out.find(kReportCode), std::string::npos);

  const json checklist = json_of({"attest", "te-tyonhakija"}, as_security);
  ASSERT_EQ(checklist["rows"].size(), 1u) << checklist.dump(2);
  EXPECT_EQ(checklist["rows"][0]["identity_code_masked"], "131052-****");
  EXPECT_EQ(checklist["rows"][0]["status"], "left");
  EXPECT_EQ(checklist.dump().find(kReportCode), std::string::npos);
  ProcessResult text = ctl({"attest", "te-tyonhakija"}, as_security);
  EXPECT_EQ(text.out.find(kReportCode), std::string::npos);
  EXPECT_NE(text.out.find("131052-****"), std::string::npos) << text.out;

  ProcessResult recorded = ctl({"attest", "record", "te-tyonhakija", "--confirmed"}, as_security);
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  EXPECT_EQ(recorded.out, "attestation 1 of te-tyonhakija: confirmed\n");
  EXPECT_EQ(json_of({"attest", "te-tyonhakija"}, as_security)["summary"]["last_attestation"]["by"],
            security);
  for (const char* report : {"holdings", "drift", "sla", "expiring", "capability", "movers"}) {
    ProcessResult result = ctl({"report", report}, as_security);
    EXPECT_EQ(result.exit_code, 0) << report << ": " << result.err;
    EXPECT_EQ(result.out.find(kReportCode), std::string::npos) << report;
  }
  const json holdings = json_of({"report", "holdings", "--theme", "te-tyonhakija"}, as_security);
  EXPECT_EQ(holdings["summary"]["held"], 1);
  EXPECT_EQ(holdings["summary"]["pending_revokes"], 1);
}

// An extra grant found in Suomi.fi, from a CSV file: another reviewer accepts it, the ledger
// records it, and the next sync proposes to revoke it because no map requires it.
TEST_F(ReportCommandsTest, ExtraGrantFromCsvBecomesARevokeAfterAnotherReviewerAccepts) {
  TestLogins logins;
  const std::string alice = logins.make("alice", "valtuus_reviewer");
  const std::string bob = logins.make("bob", "valtuus_reviewer");
  const std::string as_alice =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + alice}});
  const std::string as_bob =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + bob}});
  const std::string csv = dir_ + "/differences.csv";
  write_file(csv, "difference,account,valid_until\r\nextra,johman,2027-01-31\r\n");
  ProcessResult recorded = ctl({"attest", "record", "te-tyonhakija", "--from", csv}, as_alice);
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  EXPECT_EQ(recorded.out.find("attestation 1 of te-tyonhakija: differences\n1 difference(s)"), 0u)
      << recorded.out;
  const json open = json_of({"attest", "differences"}, as_alice);
  ASSERT_EQ(open["rows"].size(), 1u);
  EXPECT_EQ(open["rows"][0]["kind"], "extra");
  EXPECT_EQ(open["rows"][0]["account"], "johman");
  const std::string id = std::to_string(open["rows"][0]["id"].get<long long>());
  ProcessResult own = ctl({"attest", "resolve", id, "--accept"}, as_alice);
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_NE(own.err.find("another person must decide it"), std::string::npos) << own.err;
  ProcessResult accepted = ctl({"attest", "resolve", id, "--accept"}, as_bob);
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(accepted.out, "difference " + id + ": accepted\n");
  const json checklist = json_of({"attest", "te-tyonhakija"});
  ASSERT_EQ(checklist["rows"].size(), 1u);
  EXPECT_EQ(checklist["rows"][0]["source"], "attestation");
  EXPECT_EQ(checklist["rows"][0]["valid_until"], "2027-01-31");
  // No grace: johman was first seen moments ago, which would start a mover's grace period.
  const std::string no_grace = write_config({{"reconcile.mover_grace_days", "0"}});
  ASSERT_EQ(valtuusd({"--config", no_grace, "--once"}).exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item i JOIN employee e ON e.key = i.employee_key "
                  "WHERE e.account = 'johman' AND i.mandate_id = 'te-tyonhakija' "
                  "AND i.kind = 'revoke' AND i.state = 'proposed'"),
            1);
  const json drift = json_of({"report", "drift", "--theme", "te-tyonhakija"});
  bool found = false;
  for (const json& row : drift["rows"])
    found |= row["account"] == "johman" && row["drift"] == "held_not_required" &&
             row["open_state"] == "proposed";
  EXPECT_TRUE(found) << drift.dump(2);
}

TEST_F(ReportCommandsTest, SlaTargetsFromTheFileOverriddenPerCommand) {
  const std::string config = write_config({{"sla.path1_days", "1"}});
  const json from_file = json_of({"report", "sla"}, config);
  EXPECT_EQ(from_file["summary"]["paths"][0]["target_days"], 1);
  EXPECT_EQ(from_file["summary"]["paths"][1]["target_days"], 42);
  EXPECT_FALSE(from_file["rows"].empty());  // the first sync's proposals
  const json overridden = json_of({"report", "sla", "--path1-days", "5"}, config);
  EXPECT_EQ(overridden["summary"]["paths"][0]["target_days"], 5);
  EXPECT_EQ(overridden["rows"][0]["target_days"], 5) << overridden.dump(2);
  EXPECT_EQ(ctl({"report", "sla"}, write_config({{"sla.path2_days", "0"}})).exit_code, 78);
}

}  // namespace
}  // namespace valtuus::testing
