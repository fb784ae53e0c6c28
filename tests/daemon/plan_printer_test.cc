#include "daemon/plan_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace valtuus {
namespace {

ProposedItem item(ChangeKind kind, const std::string& key, const std::string& mandate,
                  const std::string& reason) {
  ProposedItem p;
  p.kind = kind;
  p.employee_key = key;
  p.mandate = mandate;
  p.reason = reason;
  return p;
}

RunRecord sample() {
  RunRecord record;
  Plan& plan = record.plan;
  plan.add = {
      item(ChangeKind::kGrant, "k-aastrom", "te-tyonhakija", "Advises job seekers"),
      item(ChangeKind::kRevoke, "k-johman", "kela-etuustiedot", "Left: account disabled"),
      item(ChangeKind::kOrgApply, "", "avustus-haku", "No right to grant yet"),
      item(ChangeKind::kRevoke, "k-mmakinen", "kela-etuustiedot", "Left: not in the directory"),
      item(ChangeKind::kGrant, "k-mmakinen", "te-palkkatuki", "Department changed"),
  };
  plan.supersede = {17};
  plan.stats.grants = 2;
  plan.stats.org_applies = 1;
  plan.stats.revokes = 2;
  plan.stats.superseded = 1;
  record.superseded = {{17, ChangeKind::kGrant, ItemState::kApproved, "k-mmakinen", "te-palkkatuki",
                        "old-fingerprint"}};
  record.people = {{"k-aastrom", {"aastrom", "Åsa Åström", "Elinkeinoasiat"}},
                   {"k-johman", {"johman", "Jörgen Öhman", "Talouspalvelut"}},
                   {"k-mmakinen", {"mmakinen", "Matti Mäkinen", "Elinkeinoasiat"}}};
  return record;
}

TEST(PlanPrinter, DepartmentsSpelledDifferentlyAreOneGroupUnderTheCommonSpelling) {
  RunRecord record = sample();
  record.people.at("k-aastrom").department = "ELINKEINOASIAT ";
  std::ostringstream out;
  print_plan(out, record);
  const std::string text = out.str();
  EXPECT_EQ(text.find("ELINKEINOASIAT"), std::string::npos) << text;
  EXPECT_NE(text.find("  # Elinkeinoasiat\n    + grant te-palkkatuki for Matti Mäkinen (mmakinen) "
                      "(replaces item 17): Department changed\n    + grant te-tyonhakija for Åsa "
                      "Åström (aastrom)"),
            std::string::npos)
      << text;
}

std::string printed(const RunRecord& record) {
  std::ostringstream out;
  print_plan(out, record);
  return out.str();
}

// Within a department, lines go by name (Å after M, as in the Finnish alphabet), then theme.
TEST(PlanPrinter, RevocationsFirstThenAdditionsThenSupersedesGroupedByDepartment) {
  EXPECT_EQ(printed(sample()),
            "Revocations:\n"
            "  # Elinkeinoasiat\n"
            "    - revoke kela-etuustiedot for Matti Mäkinen (mmakinen): Left: not in the "
            "directory\n"
            "  # Talouspalvelut\n"
            "    - revoke kela-etuustiedot for Jörgen Öhman (johman): Left: account disabled\n"
            "\n"
            "Grants, applications and renewals:\n"
            "  # (the organisation)\n"
            "    + org_apply avustus-haku for the organisation: No right to grant yet\n"
            "  # Elinkeinoasiat\n"
            "    + grant te-palkkatuki for Matti Mäkinen (mmakinen) (replaces item 17): "
            "Department changed\n"
            "    + grant te-tyonhakija for Åsa Åström (aastrom): Advises job seekers\n"
            "\n"
            "Superseded open items:\n"
            "  # Elinkeinoasiat\n"
            "    ~ item 17 (grant te-palkkatuki for Matti Mäkinen (mmakinen), approved): its "
            "source values changed; replaced above\n"
            "\n"
            "Plan: 2 to grant, 1 to apply for, 2 to revoke, 0 to renew, 1 to supersede.\n");
}

TEST(PlanPrinter, AHeldRunSaysSoAndWhyOnTheSummaryLine) {
  RunRecord record = sample();
  record.held = true;
  record.held_reason = "2 revocations exceed guard.max_revokes=1";
  record.supersedes_deferred = 3;
  const std::string text = printed(record);
  EXPECT_NE(text.find("The guard holds a run with this plan"), std::string::npos) << text;
  EXPECT_NE(text.find("3 open item(s) it no longer wants stay open"), std::string::npos) << text;
  EXPECT_NE(text.find("Plan: 2 to grant, 1 to apply for, 2 to revoke, 0 to renew, 1 to "
                      "supersede. (held: 2 revocations exceed guard.max_revokes=1)\n"),
            std::string::npos)
      << text;
}

TEST(PlanPrinter, SomeoneUnknownToTheRecordPrintsByKeyWithoutADepartment) {
  RunRecord record;
  record.plan.add = {item(ChangeKind::kRenew, "k-gone", "kela-etuustiedot", "Ends soon")};
  record.plan.supersede = {5};
  record.plan.stats.renews = 1;
  record.plan.stats.superseded = 1;
  const std::string text = printed(record);
  EXPECT_NE(text.find("  # (no department)\n    + renew kela-etuustiedot for k-gone: Ends soon\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("~ item 5: no longer wanted as it is"), std::string::npos) << text;
}

TEST(PlanPrinter, AHeldRunWhoseSupersedesWaitIsNotCalledNoChanges) {
  RunRecord record;
  record.held = true;
  record.held_reason = "the directory read was incomplete (timeout)";
  record.supersedes_deferred = 2;
  const std::string text = printed(record);
  EXPECT_EQ(text.find("No changes"), std::string::npos) << text;
  EXPECT_NE(text.find("2 open item(s) it no longer wants stay open"), std::string::npos) << text;
}

TEST(PlanPrinter, AnEmptyPlanSaysNoChanges) {
  EXPECT_EQ(printed(RunRecord{}),
            "No changes. The directory, the policy and the ledger agree.\n\n"
            "Plan: 0 to grant, 0 to apply for, 0 to revoke, 0 to renew, 0 to supersede.\n");
}

}  // namespace
}  // namespace valtuus
