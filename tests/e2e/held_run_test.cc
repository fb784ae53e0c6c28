// Issue #6 end to end: the directory's base is emptied after people hold mandates; valtuusd
// --once stores the run as held; nothing of it can be decided until a person releases it
// (valtuusctl runs release, audited) or discards it; only an administrator releases. Below the
// limits a run is not held. The fixture's OU holds 7 grants, so the configuration lowers
// guard.max_revokes to 3 (the defaults are sized for a municipality: core/guard_test.cc).
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_logins.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

// All of the OU but johman. A base emptied to the last entry reads as incomplete (the LDAP
// source finds zero entries implausible after a complete read), so one person stays.
const std::vector<std::string> kMostPeople{"mmakinen", "aastrom", "sjarvinen"};

class HeldRunTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    config_ = write_config({{"guard.max_revokes", "3"}});
    migrate_and_sync();
  }

  ProcessResult ctl(std::vector<std::string> args, const std::string& config = "") {
    args.insert(args.begin(), {"--config", config.empty() ? config_ : config});
    return valtuusctl(args);
  }

  // People hold what the first run proposed for them: the ledger as if it had been done.
  long long record_ledger() {
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT employee_key, mandate_id, current_date, 'import' FROM change_item "
        "WHERE kind = 'grant' AND state = 'proposed'");
    txn.commit();
    return count("SELECT count(*) FROM grant_ledger WHERE revoked_at IS NULL");
  }

  void delete_people(const std::vector<std::string>& accounts) {
    std::string ldif;
    for (const std::string& account : accounts) {
      ldif += "dn: cn=" + account + "," + base_ + "\nchangetype: delete\n\n";
    }
    ProcessResult deleted = ldap_modify(ldif);
    ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  }

  // The base all but emptied, then one run: returns the held run's id. mmakinen and aastrom
  // hold 5 of the 7 grants.
  long long held_run_after_emptying() {
    record_ledger();
    delete_people(kMostPeople);
    ProcessResult sync = valtuusd({"--config", config_, "--once"});
    EXPECT_EQ(sync.exit_code, 0) << sync.err;
    return count("SELECT coalesce(max(id), 0) FROM sync_run WHERE held_reason IS NOT NULL");
  }

  json list_json(const ProcessResult& result) {
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out);
  }
};

TEST_F(HeldRunTest, AHeldRunAfterTheDirectorysBaseIsEmptiedWaitsForRelease) {
  const long long run = held_run_after_emptying();
  ASSERT_GT(run, 0);
  const long long revokes = count(
      "SELECT count(*) FROM change_item WHERE kind = 'revoke' AND run_id = " + std::to_string(run));
  ASSERT_GE(revokes, 5);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'held'"), revokes);

  // Nothing of it is visible for decision.
  EXPECT_EQ(list_json(ctl({"changes", "list", "--format", "json", "--kind", "revoke"})).size(), 0u);
  const json held = list_json(ctl({"runs", "list", "--held", "--format", "json"}));
  ASSERT_EQ(held.size(), 1u) << held.dump(2);
  EXPECT_EQ(held[0]["id"], run);
  EXPECT_EQ(held[0]["status"], "held");
  EXPECT_EQ(held[0]["held_reason"],
            std::to_string(revokes) + " revocations exceed guard.max_revokes=3");
  ProcessResult shown = ctl({"runs", "show", std::to_string(run)});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const char* fragment : {"HELD since ", "Revocations:", "- ", "revoke kela-etuustiedot for",
                               "[held]", "valtuusctl runs release "}) {
    EXPECT_NE(shown.out.find(fragment), std::string::npos) << fragment << "\n" << shown.out;
  }

  const std::string item =
      std::to_string(count("SELECT min(id) FROM change_item WHERE state = 'held'"));
  ProcessResult approve = ctl({"approve", item});
  EXPECT_EQ(approve.exit_code, 1);
  EXPECT_NE(approve.err.find("is held by the guard"), std::string::npos) << approve.err;

  ProcessResult released = ctl({"runs", "release", std::to_string(run), "--note", "HR confirms"});
  ASSERT_EQ(released.exit_code, 0) << released.err;
  EXPECT_EQ(released.out, "released run " + std::to_string(run) + ": " + std::to_string(revokes) +
                              " item(s) now proposed for review (valtuusctl changes list)\n");
  EXPECT_EQ(list_json(ctl({"changes", "list", "--format", "json", "--kind", "revoke"})).size(),
            static_cast<std::size_t>(revokes));
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'run_released' AND run_id = " +
                  std::to_string(run) + " AND details->>'note' = 'HR confirms'"),
            1);
  ProcessResult card = ctl({"show", item});
  ASSERT_EQ(card.exit_code, 0) << card.err;
  EXPECT_NE(card.out.find("Run " + std::to_string(run) + " was held by the guard (" +
                          std::to_string(revokes) + " revocations exceed guard.max_revokes=3" +
                          ") and released by "),
            std::string::npos)
      << card.out;
  EXPECT_NE(card.out.find("Decide: valtuusctl approve " + item + "@2"), std::string::npos)
      << card.out;
  EXPECT_EQ(ctl({"approve", item}).exit_code, 0);
  EXPECT_EQ(list_json(ctl({"runs", "list", "--held", "--format", "json"})).size(), 0u);
  ProcessResult again = ctl({"runs", "release", std::to_string(run)});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("was already released"), std::string::npos) << again.err;
  ProcessResult trail = ctl({"audit", "verify"});
  EXPECT_EQ(trail.exit_code, 0) << trail.out;
}

TEST_F(HeldRunTest, ADiscardedRunsItemsNeverBecomeProposed) {
  const long long run = held_run_after_emptying();
  ASSERT_GT(run, 0);
  ProcessResult no_reason = ctl({"runs", "discard", std::to_string(run)});
  EXPECT_EQ(no_reason.exit_code, 64) << no_reason.err;
  ProcessResult discarded =
      ctl({"runs", "discard", std::to_string(run), "--reason", "directory restore in progress"});
  ASSERT_EQ(discarded.exit_code, 0) << discarded.err;
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'held'"), 0);
  EXPECT_GE(count("SELECT count(*) FROM change_item WHERE state = 'discarded'"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'run_discarded' AND "
                  "details->>'reason' = 'directory restore in progress'"),
            1);
  ProcessResult release = ctl({"runs", "release", std::to_string(run)});
  EXPECT_EQ(release.exit_code, 1);
  EXPECT_NE(release.err.find("was already discarded"), std::string::npos) << release.err;
  const json runs = list_json(ctl({"runs", "list", "--format", "json"}));
  ASSERT_GE(runs.size(), 2u);
  EXPECT_EQ(runs[0]["status"], "discarded");
  EXPECT_FALSE(runs[0]["discarded_by"].is_null());
  EXPECT_EQ(runs[1]["status"], "");
}

TEST_F(HeldRunTest, ShowOnAHeldItemSaysWhoMustResolveItsRunAndOnADiscardedOneWhoDid) {
  const long long run = held_run_after_emptying();
  ASSERT_GT(run, 0);
  const std::string run_text = std::to_string(run);
  const std::string item =
      std::to_string(count("SELECT min(id) FROM change_item WHERE state = 'held'"));
  const std::string held_reason =
      std::to_string(count("SELECT count(*) FROM change_item WHERE state = 'held'")) +
      " revocations exceed guard.max_revokes=3";

  ProcessResult held = ctl({"show", item});
  ASSERT_EQ(held.exit_code, 0) << held.err;
  for (const std::string& fragment : std::vector<std::string>{
           "revoke, held (", "HELD: run " + run_text + " was held by the guard at ",
           ": " + held_reason + ".\n", "No one can decide this item until the run is resolved",
           "valtuusctl runs release " + run_text + " [--note TEXT]   (administrators only)",
           "valtuusctl runs discard " + run_text + " --reason TEXT"}) {
    EXPECT_NE(held.out.find(fragment), std::string::npos) << fragment << "\n" << held.out;
  }
  // Neither a decision nor the steps to execute it in Suomi.fi are offered.
  EXPECT_EQ(held.out.find("valtuusctl approve"), std::string::npos) << held.out;
  EXPECT_EQ(held.out.find("Steps, by a person"), std::string::npos) << held.out;

  TestLogins logins;
  const std::string reviewer = logins.make("bertil", "valtuus_reviewer");
  const std::string as_reviewer =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + reviewer}});
  ProcessResult discarded =
      ctl({"runs", "discard", run_text, "--reason", "directory restore in progress"}, as_reviewer);
  ASSERT_EQ(discarded.exit_code, 0) << discarded.err;
  ProcessResult shown = ctl({"show", item}, as_reviewer);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const std::string& fragment : std::vector<std::string>{
           "revoke, discarded (", "DISCARDED with its run " + run_text + " by " + reviewer + " at ",
           ": directory restore in progress.\n", "The guard had held the run: " + held_reason}) {
    EXPECT_NE(shown.out.find(fragment), std::string::npos) << fragment << "\n" << shown.out;
  }
  EXPECT_EQ(shown.out.find("HELD:"), std::string::npos) << shown.out;
}

TEST_F(HeldRunTest, AReviewerCannotReleaseButMayDiscardAndAnAdministratorReleases) {
  TestLogins logins;
  const std::string reviewer = logins.make("alice", "valtuus_reviewer");
  const std::string admin = logins.make("root", "valtuus_admin");
  const long long run = held_run_after_emptying();
  ASSERT_GT(run, 0);
  const std::string as_reviewer =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + reviewer}});
  ProcessResult refused = ctl({"runs", "release", std::to_string(run)}, as_reviewer);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("permission denied"), std::string::npos) << refused.err;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE released_at IS NOT NULL"), 0);

  const std::string as_admin =
      write_config({{"database.conninfo", db_->conninfo() + " user=" + admin}});
  ProcessResult released = ctl({"runs", "release", std::to_string(run)}, as_admin);
  ASSERT_EQ(released.exit_code, 0) << released.err;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE released_by = '" + admin + "'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'run_released' AND actor = '" +
                  admin + "'"),
            1);
}

TEST_F(HeldRunTest, BelowTheLimitsARunIsNotHeld) {
  record_ledger();
  const long long held_by_aastrom = count(
      "SELECT count(*) FROM grant_ledger g JOIN employee e ON e.key = g.employee_key "
      "WHERE e.account = 'aastrom'");
  ASSERT_GT(held_by_aastrom, 0);
  ASSERT_LE(held_by_aastrom, 3);  // not over guard.max_revokes=3, under the share's minimum
  delete_people({"aastrom"});
  ProcessResult sync = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL"), 0);
  const json revokes = list_json(ctl({"changes", "list", "--format", "json", "--kind", "revoke"}));
  EXPECT_EQ(revokes.size(), static_cast<std::size_t>(held_by_aastrom));
  for (const json& item : revokes) EXPECT_EQ(item["state"], "proposed");
}

TEST_F(HeldRunTest, DryRunPrintsTheTerraformStylePlanAndSaysItWouldBeHeld) {
  record_ledger();
  delete_people(kMostPeople);
  ProcessResult dry = valtuusd({"--config", config_, "--once", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const auto revocations = dry.out.find("Revocations:\n  # Elinkeinoasiat\n");
  ASSERT_NE(revocations, std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("- revoke te-tyonhakija for Matti Mäkinen (mmakinen): "),
            std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("The guard holds a run with this plan"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("to revoke, 0 to renew, 0 to supersede. (held: "), std::string::npos)
      << dry.out;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL"), 0);
}

TEST_F(HeldRunTest, AFullyEmptiedBaseIsAHeldIncompleteRunThatRevokesNothing) {
  record_ledger();
  std::vector<std::string> everyone = kMostPeople;
  everyone.push_back("johman");
  delete_people(everyone);
  ProcessResult sync = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE NOT snapshot_complete"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke'"), 0);
  // Nothing to decide, but a person must hear that the directory read empty.
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE held_reason LIKE '%incomplete%' "
                  "AND NOT snapshot_complete"),
            1);
  ProcessResult held = valtuusctl({"--config", config_, "runs", "list", "--held"});
  ASSERT_EQ(held.exit_code, 0) << held.err;
  EXPECT_NE(held.out.find("incomplete"), std::string::npos) << held.out;
  // --check reports it as waiting for a person (exit 2), and discarding it clears that.
  EXPECT_EQ(valtuusd({"--config", config_, "--check"}).exit_code, 2);
  const long long run = count("SELECT max(id) FROM sync_run");
  ProcessResult discard = valtuusctl(
      {"--config", config_, "runs", "discard", std::to_string(run), "--reason", "OU moved"});
  EXPECT_EQ(discard.exit_code, 0) << discard.err;
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL "
                  "AND released_at IS NULL AND discarded_at IS NULL"),
            0);
}

}  // namespace
}  // namespace valtuus::testing
