// valtuusctl policy check | explain | preview against the real binaries, the suite's slapd and
// PostgreSQL, and the shipped example maps.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

const std::string kExamples = VALTUUS_EXAMPLES_DIR;
const std::string kElinkeinoasiat = kExamples + "/maps/elinkeinoasiat.yaml";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& text, const std::string& fragment) {
  return text.find(fragment) != std::string::npos;
}

// The example maps with elinkeinoasiat.yaml replaced: no coach map, and a new map for business
// advisers (Yritysneuvoja) with one theme the town holds and one it must apply for (path 2).
const char* kNewElinkeinoasiat = R"(maps:
  - id: elinkeinoasiat
    match: {department: ["Elinkeinoasiat", "Näringsliv"]}
    except: {title: ["Harjoittelija"]}
    grants:
      - {mandate: kela-etuustiedot, why: "Checks the Kela benefits of clients in the town's employment and business services and registers the town's payment claims to Kela."}
      - {mandate: te-palkkatuki, why: "Applies for pay subsidy when the town or its employment services hire an unemployed person."}

  - id: yritysneuvoja
    match: {department: ["Elinkeinoasiat"], title: ["Yritysneuvoja"]}
    grants:
      - {mandate: avustushakemus, why: "Helps companies apply for development grants."}
      - {mandate: okm-avustukset, why: "Applies for the ministry's grants for business events."}
)";

class PolicyCommandsTest : public E2eTest {
 protected:
  void migrate_and_sync() {
    ProcessResult migrate = valtuusctl({"--config", config_, "db", "migrate"});
    ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
    ProcessResult sync = valtuusd({"--config", config_, "--once"});
    ASSERT_EQ(sync.exit_code, 0) << sync.err;
  }

  // A copy of the example maps with elinkeinoasiat.yaml replaced by `elinkeinoasiat`.
  std::string new_policy_dir(const std::string& elinkeinoasiat) {
    const std::string dir = dir_ + "/new-policy";
    for (const auto& entry : std::filesystem::recursive_directory_iterator(kExamples)) {
      if (!entry.is_regular_file()) continue;
      const std::string relative = std::filesystem::relative(entry.path(), kExamples).string();
      write_file(dir + "/" + relative, read_text(entry.path().string()));
    }
    write_file(dir + "/maps/elinkeinoasiat.yaml", elinkeinoasiat);
    return dir;
  }

  // Everything valtuusd and the review commands write: explain and preview must change none.
  std::vector<long long> written() {
    std::vector<long long> counts;
    for (const char* table : {"sync_run", "change_item", "employee", "grant_ledger", "audit_event"})
      counts.push_back(count(std::string("SELECT count(*) FROM ") + table));
    return counts;
  }
};

TEST_F(PolicyCommandsTest, CheckAcceptsTheExamplesWithoutADatabase) {
  const std::string config = write_config({{"database.conninfo", ""}});
  ProcessResult text = valtuusctl({"--config", config, "policy", "check"});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "\n10 themes, 9 maps: OK (9 warnings)\n")) << text.out;
  EXPECT_TRUE(contains(text.out, kExamples + "/catalog.yaml:26:19: warning: mandate "
                                             "`kela-etuustiedot`"))
      << text.out;

  ProcessResult as_json = valtuusctl({"--config", config, "policy", "check", "--format", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json result = json::parse(as_json.out);
  EXPECT_EQ(result["valid"], true);
  EXPECT_EQ(result["themes"], 10);
  EXPECT_EQ(result["maps"], 9);
  EXPECT_TRUE(result["errors"].empty());
  EXPECT_EQ(result["warnings"].size(), 9u);
}

TEST_F(PolicyCommandsTest, CheckReportsEveryErrorOfEveryFileWithItsPosition) {
  const std::string broken = dir_ + "/broken";
  write_file(broken + "/catalog.yaml",
             "mandates:\n  - id: kela\n    name: {fi: Kela, sv: Kela, en: Kela}\n"
             "    service: Kela\n    colour: blue\n");
  write_file(broken + "/maps/m.yaml",
             "maps:\n  - id: m\n    match: {department: [A]}\n    grants:\n"
             "      - {mandate: nope, why: w}\n");
  ProcessResult text = valtuusctl({"--config", config_, "policy", "check", broken});
  EXPECT_EQ(text.exit_code, 1) << text.err;
  EXPECT_TRUE(contains(text.out, broken + "/catalog.yaml:5:5: error: unknown key `colour`"))
      << text.out;
  EXPECT_TRUE(
      contains(text.out, broken + "/maps/m.yaml:5:19: error: grant of unknown mandate `nope`"))
      << text.out;
  EXPECT_TRUE(contains(text.out, "\n2 errors: the policy would be refused whole\n")) << text.out;

  ProcessResult as_json =
      valtuusctl({"--config", config_, "policy", "check", broken, "--format", "json"});
  EXPECT_EQ(as_json.exit_code, 1);
  const json result = json::parse(as_json.out);
  EXPECT_EQ(result["valid"], false);
  ASSERT_EQ(result["errors"].size(), 2u) << result.dump(2);
  EXPECT_EQ(result["errors"][1]["file"], broken + "/maps/m.yaml");
  EXPECT_EQ(result["errors"][1]["line"], 5);
  EXPECT_EQ(result["errors"][1]["column"], 19);

  ProcessResult missing = valtuusctl({"--config", config_, "policy", "check", dir_ + "/none"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.out, "error: " + dir_ + "/none: ")) << missing.out;
}

TEST_F(PolicyCommandsTest, ExplainNamesTheCoachsMapsAndWhyEachThemeIsNeeded) {
  ASSERT_NO_FATAL_FAILURE(migrate_and_sync());
  const long long open_item = count(
      "SELECT i.id FROM change_item i JOIN employee e ON e.key = i.employee_key "
      "WHERE e.account = 'mmakinen' AND i.mandate_id = 'te-tyonhakija'");
  ProcessResult text = valtuusctl({"--config", config_, "policy", "explain", "MMakinen"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  const std::string& out = text.out;
  EXPECT_EQ(out.rfind("Matti Mäkinen (mmakinen)\n", 0), 0u) << out;
  EXPECT_TRUE(contains(out, "  status      active\n")) << out;
  EXPECT_TRUE(contains(out, "Maps that apply (2 of 9):\n  elinkeinoasiat  " + kElinkeinoasiat +
                                ":9\n    matched department \"Elinkeinoasiat\"\n  omavalmentaja  " +
                                kElinkeinoasiat +
                                ":17\n    matched department \"Elinkeinoasiat\", title "
                                "\"Omavalmentaja\"\n"))
      << out;
  EXPECT_TRUE(contains(out, "  tyollisyyskoordinaattori  " + kElinkeinoasiat +
                                ":24\n    matched department \"Elinkeinoasiat\"; title did not "
                                "(the map wants: Työllisyyskoordinaattori)\n"))
      << out;
  EXPECT_TRUE(contains(out, "Themes required (3):\n")) << out;
  EXPECT_TRUE(
      contains(out,
               "  te-tyonhakija  Työnhakijan tietojen käsittely (TE-palvelut (Oma asiointi))\n"
               "    sv: Behandling av arbetssökandes uppgifter\n"
               "    en: Processing job seekers' data\n"
               "    why (omavalmentaja, " +
                   kElinkeinoasiat +
                   ":22): Advises and supports job seekers: records their job-search "
                   "plans, applications and service needs in the TE services.\n"
                   "    held: no; path 1: the organisation can grant it\n"
                   "    open: #" +
                   std::to_string(open_item) + " grant (proposed)\n"))
      << out;
  EXPECT_TRUE(contains(out, "    why (elinkeinoasiat, " + kElinkeinoasiat + ":14): ")) << out;
  EXPECT_TRUE(contains(out, "    why (omavalmentaja, " + kElinkeinoasiat + ":21): ")) << out;

  ProcessResult as_json =
      valtuusctl({"--config", config_, "policy", "explain", "mmakinen", "--format", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json result = json::parse(as_json.out);
  EXPECT_EQ(result["status"], "active");
  ASSERT_EQ(result["maps"].size(), 2u);
  EXPECT_EQ(result["maps"][0]["id"], "elinkeinoasiat");
  EXPECT_EQ(result["maps"][1]["id"], "omavalmentaja");
  ASSERT_EQ(result["themes"].size(), 3u);
  const json& kela = result["themes"][0];
  EXPECT_EQ(kela["id"], "kela-etuustiedot");
  EXPECT_EQ(kela["why"].size(), 2u);
  const json& job = result["themes"][2];
  EXPECT_EQ(job["id"], "te-tyonhakija");
  EXPECT_EQ(job["service"], "TE-palvelut (Oma asiointi)");
  ASSERT_EQ(job["why"].size(), 1u);
  EXPECT_EQ(job["why"][0]["map"], "omavalmentaja");
  EXPECT_EQ(job["why"][0]["file"], kElinkeinoasiat);
  EXPECT_EQ(job["why"][0]["line"], 22);
  EXPECT_EQ(job["held"], false);
  ASSERT_EQ(job["open_items"].size(), 1u);
  EXPECT_EQ(job["open_items"][0]["id"], open_item);
  EXPECT_EQ(job["open_items"][0]["state"], "proposed");
}

TEST_F(PolicyCommandsTest, ExplainShowsTheLedgerAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(migrate_and_sync());
  {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source) "
        "SELECT key, 'kela-etuustiedot', current_date, DATE '2031-05-31', 'import' FROM employee "
        "WHERE account = 'mmakinen'");
    txn.commit();
  }
  const auto before = written();
  ProcessResult text = valtuusctl({"--config", config_, "policy", "explain", "mmakinen"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "    held: yes, until 2031-05-31\n")) << text.out;
  EXPECT_EQ(written(), before);
}

TEST_F(PolicyCommandsTest, ExplainSaysALeaverGetsNothingNew) {
  ASSERT_NO_FATAL_FAILURE(migrate_and_sync());
  ProcessResult text = valtuusctl({"--config", config_, "policy", "explain", "sjarvinen"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out,
                       "  status      leaver (the account is disabled): a leaver gets "
                       "no new grants, and what they hold is proposed for revocation\n"))
      << text.out;
  EXPECT_TRUE(contains(text.out, "Themes required (3), none proposed: the person is a leaver:\n"))
      << text.out;
  ProcessResult as_json =
      valtuusctl({"--config", config_, "policy", "explain", "sjarvinen", "--format", "json"});
  const json result = json::parse(as_json.out);
  EXPECT_EQ(result["status"], "disabled");
  EXPECT_EQ(result["leaver"], true);
  EXPECT_EQ(result["grants_proposed"], false);
}

TEST_F(PolicyCommandsTest, ExplainOfAnUnknownAccountOrBeforeAnyRunFails) {
  ProcessResult migrate = valtuusctl({"--config", config_, "db", "migrate"});
  ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
  ProcessResult early = valtuusctl({"--config", config_, "policy", "explain", "mmakinen"});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_TRUE(contains(early.err, "no directory snapshot yet: run `valtuusd --once` first"))
      << early.err;

  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  ProcessResult unknown = valtuusctl({"--config", config_, "policy", "explain", "nobody"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(unknown.out.empty()) << unknown.out;
  EXPECT_TRUE(contains(unknown.err,
                       "no person with account 'nobody' in the directory as last read (4 people)"))
      << unknown.err;
  ProcessResult usage = valtuusctl({"--config", config_, "policy", "explain"});
  EXPECT_EQ(usage.exit_code, 64);
}

TEST_F(PolicyCommandsTest, PreviewCountsPerThemeAndDepartmentAndWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(migrate_and_sync());
  const std::string new_dir = new_policy_dir(kNewElinkeinoasiat);
  const auto before = written();
  ProcessResult table = valtuusctl({"--config", config_, "policy", "preview", new_dir});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(written(), before);
  const std::string& out = table.out;
  EXPECT_TRUE(contains(out,
                       "  current maps: read 4, leavers 1, proposed +0 grant, +0 org_apply, "
                       "-0 revoke, ~0 renew, superseded 0, unchanged 7\n"))
      << out;
  EXPECT_TRUE(contains(out,
                       "  new maps:     read 4, leavers 1, proposed +3 grant, +1 org_apply, "
                       "-0 revoke, ~0 renew, superseded 2, unchanged 5\n"))
      << out;
  EXPECT_TRUE(contains(out, "THEME             SERVICE"));
  EXPECT_TRUE(contains(out,
                       "Total: +3 grant, 0 revoke, 0 renew, +1 org_apply, +2 superseded (the new "
                       "maps' plan minus the current maps' plan)\n"))
      << out;
  EXPECT_TRUE(contains(out, "\n1 of the superseded items would be proposed again")) << out;

  ProcessResult csv =
      valtuusctl({"--config", config_, "policy", "preview", new_dir, "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out,
            "THEME,SERVICE,DEPARTMENT,GRANT,REVOKE,RENEW,ORG_APPLY,SUPERSEDE\r\n"
            "avustushakemus,\"Valtionavustukset (ELY-keskukset, "
            "KEHA-keskus)\",Elinkeinoasiat,1,0,0,0,0\r\n"
            "kela-etuustiedot,Kela,Elinkeinoasiat,1,0,0,0,1\r\n"
            "okm-avustukset,Opetus- ja kulttuuriministeriö "
            "(valtionavustukset),(organisation),0,0,0,1,0\r\n"
            "okm-avustukset,Opetus- ja kulttuuriministeriö "
            "(valtionavustukset),Elinkeinoasiat,1,0,0,0,0\r\n"
            "te-tyonhakija,TE-palvelut (Oma asiointi),Elinkeinoasiat,0,0,0,0,1\r\n");

  ProcessResult as_json =
      valtuusctl({"--config", config_, "policy", "preview", new_dir, "--format", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const json result = json::parse(as_json.out);
  EXPECT_EQ(result["difference"],
            json({{"grant", 3}, {"revoke", 0}, {"renew", 0}, {"org_apply", 1}, {"supersede", 2}}));
  EXPECT_EQ(result["reproposed"], 1);
  ASSERT_EQ(result["changes"].size(), 6u) << result.dump(2);
  bool coach_superseded = false;
  for (const json& change : result["changes"]) {
    EXPECT_EQ(change["change"], "added");
    if (change["account"] == "mmakinen" && change["theme"] == "te-tyonhakija") {
      EXPECT_EQ(change["action"], "supersede");
      coach_superseded = true;
    }
  }
  EXPECT_TRUE(coach_superseded);
  EXPECT_EQ(written(), before);

  // The current maps against themselves: nothing changes.
  ProcessResult same = valtuusctl({"--config", config_, "policy", "preview", kExamples});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_TRUE(contains(same.out, "The new maps would change nothing in the plan.\n")) << same.out;
}

TEST_F(PolicyCommandsTest, PreviewProposesTheRevocationOfAHeldThemeNoMapRequires) {
  config_ = write_config({{"reconcile.mover_grace_days", "0"}});
  ASSERT_NO_FATAL_FAILURE(migrate_and_sync());
  {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT key, 'te-tyonhakija', current_date, 'import' FROM employee "
        "WHERE account = 'mmakinen'");
    txn.commit();
  }
  // The daemon sees the grant: the open grant for it is superseded, the plan is settled.
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  ProcessResult csv = valtuusctl({"--config", config_, "policy", "preview",
                                  new_policy_dir(kNewElinkeinoasiat), "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(contains(csv.out,
                       "\r\nte-tyonhakija,TE-palvelut (Oma asiointi),Elinkeinoasiat,0,1,0,0,0\r\n"))
      << csv.out;
  EXPECT_TRUE(contains(csv.out, "\r\nkela-etuustiedot,Kela,Elinkeinoasiat,1,0,0,0,1\r\n"))
      << csv.out;
}

TEST_F(PolicyCommandsTest, PreviewOfBrokenMapsPrintsTheirErrorsAndFails) {
  ASSERT_NO_FATAL_FAILURE(migrate_and_sync());
  const std::string new_dir = new_policy_dir(
      "maps:\n  - id: elinkeinoasiat\n    match: {department: [E]}\n    grants:\n"
      "      - {mandate: kela-etuusteidot, why: typo}\n");
  const auto before = written();
  ProcessResult result = valtuusctl({"--config", config_, "policy", "preview", new_dir});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_TRUE(contains(result.err, new_dir + "/maps/elinkeinoasiat.yaml:5:19: error: grant of "
                                             "unknown mandate `kela-etuusteidot`"))
      << result.err;
  EXPECT_TRUE(contains(result.err, "1 error in " + new_dir + ": the policy is refused"))
      << result.err;
  EXPECT_EQ(written(), before);
}

}  // namespace
}  // namespace valtuus::testing
