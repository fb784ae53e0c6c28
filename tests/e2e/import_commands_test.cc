// valtuusctl import grants: the organisation's spreadsheet of mandates already held in
// Suomi.fi goes into the ledger, all rows or none; absent accounts are kept so that the next
// sync proposes their revocation; the identity code never shows.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

// Valid-looking (the check character is right): it must never appear in any output.
constexpr const char* kIdentityCode = "131052-308T";

const char* const kMandates[] = {"kela-etuustiedot",
                                 "te-tyonhakija",
                                 "te-palkkatuki",
                                 "vero-veroasiat",
                                 "tulorekisteri-palkkatiedot-katselu",
                                 "okm-avustukset"};

// A file like Porvoo's: `rows` grants, six per person, over the directory's people and people
// who have gone (absent from the directory), notes in Finnish and Swedish, some spanning two
// lines. Row N (from 0) is on line N + 2 + (N + 3) / 7: every seventh note adds a line.
std::string porvoo_csv(int rows) {
  const std::vector<std::string> accounts = {"MMakinen", "aastrom", "vlindqvist", "johman",
                                             "sjarvinen"};
  std::string csv = "account,identity_code,mandate,valid_from,valid_until,granted_by,note\r\n";
  for (int written = 0; written < rows; ++written) {
    const std::size_t person = static_cast<std::size_t>(written) / std::size(kMandates);
    const std::size_t m = static_cast<std::size_t>(written) % std::size(kMandates);
    const std::string account =
        person < accounts.size() ? accounts[person] : "poistunut" + std::to_string(person);
    const std::string note = written % 7 == 3   ? "\"Päätös 12/2025, \"\"Öhman\"\"\r\nrivi 2\""
                             : written % 2 == 0 ? "Elinkeinoasiat: Åsa hyväksyi"
                                                : "\"Näringsliv, Borgå\"";
    csv += account + "," + kIdentityCode + "," + kMandates[m] + ",2025-0" + std::to_string(1 + m) +
           "-15,2028-12-31,Päivi Pääkäyttäjä," + note + "\r\n";
  }
  return csv;
}

class ImportCommandsTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    migrate_and_sync();
    // The README: an administrator's login imports; it writes no table itself.
    admin_config_ = config_as(logins_.make("anna", "valtuus_admin"));
  }

  std::string csv_file(const std::string& name, const std::string& content) {
    const std::string path = dir_ + "/" + name;
    write_file(path, content);
    return path;
  }

  // Every valtuusctl run here is checked: the identity code appears in no output.
  ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", admin_config_});
    ProcessResult result = valtuusctl(args);
    EXPECT_EQ(result.out.find("308T"), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find("308T"), std::string::npos) << result.err;
    return result;
  }

  long long ledger() { return count("SELECT count(*) FROM grant_ledger"); }

  std::string admin_config_;
};

TEST_F(ImportCommandsTest, DryRunWritesNothingAndReportsWhatWouldHappen) {
  const std::string file = csv_file("grants.csv", porvoo_csv(20));
  const long long employees = count("SELECT count(*) FROM employee");
  const long long events = count("SELECT count(*) FROM audit_event");
  // The dry run plans in the database as the import does, and takes no id either.
  const auto sequences = [&] {
    return std::make_pair(count("SELECT last_value + is_called::int FROM grant_ledger_id_seq"),
                          count("SELECT last_value + is_called::int FROM grant_import_seq"));
  };
  const auto before = sequences();
  ProcessResult dry = ctl({"import", "grants", file});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find(file + ": 20 row(s): 20 to add, 0 already held (skipped), 1 new stub(s) "
                                "for accounts absent from the directory"),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("new stub for absent account"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("Dry run: nothing was written"), std::string::npos);
  EXPECT_EQ(ledger(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee"), employees);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event"), events);
  EXPECT_EQ(sequences(), before);
}

TEST_F(ImportCommandsTest, ApplyWritesEveryRowOnceAndAReimportDuplicatesNothing) {
  const std::string file = csv_file("grants.csv", porvoo_csv(20));
  ProcessResult applied = ctl({"import", "grants", file, "--apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.out.find("20 row(s): 20 added"), std::string::npos) << applied.out;
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE source = 'import' AND revoked_at IS "
                  "NULL AND valid_until = '2028-12-31'"),
            20);
  // The account is matched ignoring case: MMakinen is the directory's mmakinen.
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger g JOIN employee e ON e.key = g.employee_key "
                  "WHERE e.account = 'mmakinen' AND e.key NOT LIKE 'import:%'"),
            6);
  // The event counts the rows and names the import whose rows (grant_import_row) it digests.
  EXPECT_EQ(count("SELECT count(*) FROM audit_event a JOIN grant_import_row r ON "
                  "r.import_id = (a.details->>'import')::bigint WHERE "
                  "a.action = 'grants_imported' AND (a.details->>'rows')::int = 20 AND "
                  "(a.details->>'added')::int = 20 AND "
                  "a.details->>'rows_sha256' = grant_import_digest(r.import_id) AND "
                  "r.line = 2 AND r.granted_by = 'Päivi Pääkäyttäjä' AND "
                  "r.note = 'Elinkeinoasiat: Åsa hyväksyi'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM grant_import_row"), 20);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE details::text LIKE '%308T%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM grant_import_row r WHERE r::text LIKE '%308T%'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE row_to_json(employee)::text LIKE "
                  "'%308T%'"),
            0);

  ProcessResult again = ctl({"import", "grants", file, "--apply"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("20 row(s): 0 added, 20 already held (skipped), 0 new stub(s)"),
            std::string::npos)
      << again.out;
  EXPECT_EQ(ledger(), 20);
  EXPECT_EQ(ctl({"audit", "verify"}).exit_code, 0);
}

TEST_F(ImportCommandsTest, BadRowsAreAllReportedAndNothingIsWrittenEvenWithApply) {
  std::string csv = porvoo_csv(8);
  // Lines 3, 7 and 8 (line 1 is the header; the note of the fourth row spans lines 5 and 6).
  const auto replace_line = [&csv](int line, const std::string& text) {
    std::size_t begin = 0;
    for (int i = 1; i < line; ++i) begin = csv.find("\r\n", begin) + 2;
    csv.replace(begin, csv.find("\r\n", begin) - begin, text);
  };
  replace_line(3, "MMakinen,131052-308T,te-tyonhakija,2025-02-30,2028-12-31,,");
  replace_line(7, ",131052-308T,vero-veroasiat,2025-03-15,2028-12-31,,");
  replace_line(8, "aastrom,131052-308T,kela-tukitiedot,2025-03-15,2028-12-31,,");
  const std::string file = csv_file("bad.csv", csv);
  for (bool apply : {false, true}) {
    std::vector<std::string> args{"import", "grants", file};
    if (apply) args.push_back("--apply");
    ProcessResult refused = ctl(args);
    EXPECT_EQ(refused.exit_code, 65) << refused.err;
    EXPECT_NE(refused.err.find(file + ":3: valid_from: '2025-02-30' is not a date"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find(file + ":7: account: missing"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(file + ":8: mandate: unknown mandate 'kela-tukitiedot'"),
              std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("3 problem(s); nothing was written"), std::string::npos);
    EXPECT_EQ(refused.out, "");
    EXPECT_EQ(ledger(), 0);
    EXPECT_EQ(count("SELECT count(*) FROM employee WHERE key LIKE 'import:%'"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'grants_imported'"), 0);
  }
}

// The rows of the plan table valtuusctl prints, without the counts and the closing sentences.
std::string plan_table(const std::string& out, const std::string& file) {
  return out.substr(0, out.find(file + ": "));
}

TEST_F(ImportCommandsTest, TheAppliedPlanIsTheDryRunsPlanRowForRow) {
  // Eight grants held already; of the twenty rows, the absent account's first creates its stub
  // and its five others are added for it.
  ASSERT_EQ(ctl({"import", "grants", csv_file("first.csv", porvoo_csv(8)), "--apply"}).exit_code,
            0);
  const std::string file = csv_file("grants.csv", porvoo_csv(20));
  const ProcessResult dry = ctl({"import", "grants", file});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const ProcessResult applied = ctl({"import", "grants", file, "--apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(plan_table(applied.out, file), plan_table(dry.out, file));
  const std::string table = plan_table(applied.out, file);
  // The action is the last column.
  const auto rows_saying = [&](const std::string& action) {
    std::size_t n = 0;
    for (std::size_t at = table.find(action + "\n"); at != std::string::npos;
         at = table.find(action + "\n", at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(rows_saying("already held"), 8u) << table;
  EXPECT_EQ(rows_saying("new stub for absent account"), 1u) << table;
  EXPECT_EQ(rows_saying("add for absent account"), 5u) << table;
  EXPECT_NE(applied.out.find(file + ": 20 row(s): 12 added, 8 already held (skipped), 1 new "
                                    "stub(s)"),
            std::string::npos)
      << applied.out;
  EXPECT_EQ(count("SELECT count(*) FROM grant_import_row r JOIN audit_event a ON "
                  "(a.details->>'import')::bigint = r.import_id WHERE a.action = "
                  "'grants_imported' AND (a.details->>'already_held')::int = 8 AND "
                  "r.action = 'already held'"),
            8);
}

TEST_F(ImportCommandsTest, AnAbsentAccountIsKeptAndTheNextSyncProposesItsRevocation) {
  const std::string file = csv_file("grants.csv", porvoo_csv(20));
  ASSERT_EQ(ctl({"import", "grants", file, "--apply"}).exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE key = 'import:vlindqvist' AND "
                  "account = 'vlindqvist' AND status = 'left' AND left_at IS NOT NULL"),
            1);
  ProcessResult sync = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  ProcessResult listed = ctl({"changes", "list", "--format", "json", "--kind", "revoke"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::set<std::string> revoked;
  for (const json& item : json::parse(listed.out)) {
    if (item["account"] == "vlindqvist") revoked.insert(item["mandate"].get<std::string>());
  }
  EXPECT_EQ(revoked.size(), std::size(kMandates)) << listed.out;
}

TEST_F(ImportCommandsTest, RefusesUnknownColumnsAndMissingFiles) {
  const std::string file = csv_file(
      "typo.csv", "account,mandtae,valid_from,valid_until\njohman,x,2025-01-01,2026-01-01\n");
  ProcessResult typo = ctl({"import", "grants", file});
  EXPECT_EQ(typo.exit_code, 65);
  EXPECT_NE(typo.err.find(file + ":1: header: unknown column(s) 'mandtae'"), std::string::npos)
      << typo.err;
  EXPECT_EQ(ctl({"import", "grants", dir_ + "/no-such.csv"}).exit_code, 64);
  EXPECT_EQ(ctl({"import", "grants"}).exit_code, 64);
}

// The size Porvoo has (~250 grants): dry run and apply each well within a few seconds.
TEST_F(ImportCommandsTest, APorvooSizedFileImportsInOneGo) {
  const std::string file = csv_file("porvoo.csv", porvoo_csv(250));
  const auto timed = [&](std::vector<std::string> args, const char* what) {
    const auto start = std::chrono::steady_clock::now();
    ProcessResult result = ctl(args);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    std::cout << "import of 250 rows, " << what << ": " << ms << " ms\n";
    RecordProperty(what, std::to_string(ms) + " ms");
    EXPECT_LT(ms, 10000);
    return result;
  };
  ProcessResult dry = timed({"import", "grants", file}, "dry run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  ProcessResult applied = timed({"import", "grants", file, "--apply"}, "apply");
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(ledger(), 250);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE key LIKE 'import:%'"), 38);
}

// A large file goes through the same few statements (COPY, one function): 30,000 rows of 5,000
// people, most of them absent from the directory, each absent account one stub, every row once
// in the ledger and in the audit event, the same counts printed as the rows listed.
TEST_F(ImportCommandsTest, ALargeFileImportsEveryRowOnceWithOneStubPerAbsentAccount) {
  const std::string file = csv_file("large.csv", porvoo_csv(30000));
  const auto start = std::chrono::steady_clock::now();
  ProcessResult applied = ctl({"import", "grants", file, "--apply"});
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  std::cout << "import of 30,000 rows, apply: " << ms << " ms\n";
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  // porvoo_csv: six grants a person; four of the first five are in the directory.
  EXPECT_NE(applied.out.find(file + ": 30000 row(s): 30000 added, 0 already held (skipped), 4996 "
                                    "new stub(s)"),
            std::string::npos)
      << applied.out.substr(applied.out.size() > 2000 ? applied.out.size() - 2000 : 0);
  EXPECT_EQ(ledger(), 30000);
  EXPECT_EQ(count("SELECT count(DISTINCT employee_key) FROM grant_ledger"), 5000);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE key LIKE 'import:%' AND status = 'left'"),
            4996);
  // Every row listed once, in file order, the last one on the last line of the file.
  EXPECT_EQ(std::count(applied.out.begin(), applied.out.end(), '\n'), 30000 + 4);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event a WHERE a.action = 'grants_imported' AND "
                  "(SELECT count(*) FROM grant_import_row r WHERE r.ledger_id IS NOT NULL AND "
                  " r.import_id = (a.details->>'import')::bigint) = 30000 AND "
                  "(SELECT r.account FROM grant_import_row r WHERE "
                  " r.import_id = (a.details->>'import')::bigint ORDER BY r.line DESC LIMIT 1) "
                  " = 'poistunut4999' AND "
                  "(SELECT max(r.line) FROM grant_import_row r WHERE "
                  " r.import_id = (a.details->>'import')::bigint) = 34287"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger g WHERE NOT EXISTS (SELECT 1 FROM "
                  "audit_event a JOIN grant_import_row r ON "
                  "r.import_id = (a.details->>'import')::bigint WHERE "
                  "a.action = 'grants_imported' AND r.ledger_id = g.id)"),
            0);
  ProcessResult again = ctl({"import", "grants", file, "--apply"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("30000 row(s): 0 added, 30000 already held (skipped), 0 new stub(s)"),
            std::string::npos);
  EXPECT_EQ(ledger(), 30000);
  EXPECT_EQ(ctl({"audit", "verify"}).exit_code, 0);
}

// A file kept for years holds grants that have ended: they are listed and skipped, and the rows
// still held are imported.
TEST_F(ImportCommandsTest, RowsThatAlreadyEndedAreSkippedWithAWarningNotARefusal) {
  const std::string file = csv_file("history.csv",
                                    "account,mandate,valid_from,valid_until\n"
                                    "mmakinen,kela-etuustiedot,2019-01-01,2021-01-01\n"
                                    "mmakinen,te-tyonhakija,2025-01-01,2028-12-31\n");
  ProcessResult applied = ctl({"import", "grants", file, "--apply"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.err.find(file + ":2: valid_until: ended on 2021-01-01; not held any more, so "
                                    "skipped"),
            std::string::npos)
      << applied.err;
  EXPECT_NE(applied.out.find("1 row(s): 1 added"), std::string::npos) << applied.out;
  EXPECT_NE(applied.out.find("1 row(s) that already ended were skipped"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE mandate_id = 'te-tyonhakija'"), 1);
  EXPECT_EQ(ledger(), 1);
}

// The README's first start, each step as the login the README names: the superuser migrates,
// the daemon's login bootstraps (reads the directory and the catalog, proposes nothing), an
// administrator imports what is already held, the daemon's first real run proposes only what
// is missing, and a reviewer approves and records it done. No configuration changes between.
class FirstStartTest : public ImportCommandsTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    ProcessResult migrate = valtuusctl({"--config", config_, "db", "migrate"});
    ASSERT_EQ(migrate.exit_code, 0) << migrate.err;
    daemon_config_ = config_as(logins_.make("valtuus", "valtuus_daemon"));
    admin_config_ = config_as(logins_.make("anna", "valtuus_admin"));
    reviewer_config_ = config_as(logins_.make("maija", "valtuus_reviewer"));
  }

  std::string daemon_config_, reviewer_config_;
};

TEST_F(FirstStartTest, MigrateBootstrapImportSyncReviewAndDoneUnderTheReadmesLogins) {
  ProcessResult before = ctl({"import", "grants", csv_file("early.csv", porvoo_csv(6))});
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_NE(before.err.find("valtuusd --once --bootstrap"), std::string::npos) << before.err;

  ProcessResult bootstrap = valtuusd({"--config", daemon_config_, "--once", "--bootstrap"});
  ASSERT_EQ(bootstrap.exit_code, 0) << bootstrap.err;
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE snapshot_complete"), 1);
  EXPECT_GT(count("SELECT count(*) FROM mandate_issue"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE account = 'mmakinen'"), 1);

  // Matti already holds one of the themes his maps give him; Vlindqvist has gone.
  const std::string file = csv_file("held.csv",
                                    "account,mandate,valid_from,valid_until\n"
                                    "mmakinen,te-tyonhakija,2025-01-01,2028-12-31\n"
                                    "vlindqvist,kela-etuustiedot,2025-01-01,2028-12-31\n");
  ProcessResult imported = ctl({"import", "grants", file, "--apply"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("2 row(s): 2 added"), std::string::npos) << imported.out;

  ProcessResult sync = valtuusd({"--config", daemon_config_, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  // Held grants are not proposed again; the leaver's is proposed for revocation.
  EXPECT_EQ(count("SELECT count(*) FROM change_item i JOIN employee e ON e.key = i.employee_key "
                  "WHERE e.account = 'mmakinen' AND i.mandate_id = 'te-tyonhakija'"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke' AND state = 'proposed' "
                  "AND employee_key = 'import:vlindqvist'"),
            1);
  // A second bootstrap would revoke everything held: refused.
  ProcessResult again = valtuusd({"--config", daemon_config_, "--once", "--bootstrap"});
  EXPECT_EQ(again.exit_code, 78);
  EXPECT_NE(again.err.find("--bootstrap is for a new installation"), std::string::npos)
      << again.err;

  const std::string revoke =
      std::to_string(count("SELECT id FROM change_item WHERE employee_key = 'import:vlindqvist'"));
  for (const std::vector<std::string>& step : {std::vector<std::string>{"approve", revoke + "@1"},
                                               std::vector<std::string>{"done", revoke}}) {
    std::vector<std::string> args{"--config", reviewer_config_};
    args.insert(args.end(), step.begin(), step.end());
    ProcessResult decided = valtuusctl(args);
    ASSERT_EQ(decided.exit_code, 0) << step[0] << ": " << decided.err;
  }
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE employee_key = 'import:vlindqvist' "
                  "AND revoked_at IS NOT NULL"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE id = " + revoke +
                  " AND decided_by LIKE 'maija%' AND executed_by LIKE 'maija%'"),
            1);
  ProcessResult verified = valtuusctl({"--config", reviewer_config_, "audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
}

}  // namespace
}  // namespace valtuus::testing
