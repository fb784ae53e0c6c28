// Attestation against Suomi.fi's own list: the checklist (masked identity codes only), what a
// person records, four eyes on each difference, the ledger corrected only on acceptance, and
// the audit trail.
#include <gtest/gtest.h>

#include "connectors/postgres/attestation_store.h"
#include "connectors/postgres/migrations.h"
#include "tests/connectors/postgres/report_seed.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

class AttestationTest : public ::testing::Test {
 protected:
  AttestationTest() : db_("attest"), admin_(db_.conninfo()) {
    migrate(admin_);
    testing::seed_reports(admin_);
    alice_ = logins_.make("alice", "valtuus_reviewer");
    bob_ = logins_.make("bob", "valtuus_reviewer");
    security_ = logins_.make("sec", "valtuus_security");
  }

  std::string as(const std::string& role) const { return db_.conninfo() + " user=" + role; }

  Checklist checklist(const std::string& theme, const ReportFilter& filter = {}) {
    ReportSnapshot txn(admin_);
    return attestation_checklist(txn, theme, filter);
  }

  RecordedAttestation record(const std::string& role, const AttestationInput& input) {
    pqxx::connection c(as(role));
    return record_attestation(c, input);
  }

  std::string resolve(const std::string& role, long long id, bool accept,
                      const std::string& note = "") {
    try {
      pqxx::connection c(as(role));
      return resolve_difference(c, id, accept, note);
    } catch (const std::exception& e) {
      return e.what();
    }
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(admin_);
    return txn.exec1(sql)[0].as<long long>();
  }

  testing::TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::string alice_, bob_, security_;
};

TEST_F(AttestationTest, ChecklistListsGrantsInForceWithMaskedCodesOnly) {
  const Checklist list = checklist("kela");
  EXPECT_EQ(list.name_fi, "Kela-asiat");
  std::vector<std::string> people;
  for (const ChecklistRow& r : list.rows) people.push_back(r.surname + " " + r.account);
  EXPECT_EQ(people,
            (std::vector<std::string>{"Aalto anna", "Grön gone", "Lehto leo", "Mäki mover"}));
  EXPECT_EQ(list.rows[0].identity_code_masked, "010190-****");
  EXPECT_EQ(list.rows[1].identity_code_masked, "");
  EXPECT_EQ(list.rows[2].open_revoke_state, "proposed");
  EXPECT_FALSE(list.last);
  EXPECT_EQ(checklist("kela", {std::string("talous"), std::nullopt}).rows.size(), 1u);
  EXPECT_TRUE(checklist("te").rows.size() == 1u);  // leo; exp's te was revoked
  EXPECT_THROW(checklist("nope"), std::exception);
}

TEST_F(AttestationTest, SecurityReadsTheChecklistAndRecordsAConfirmation) {
  pqxx::connection c(as(security_));
  {
    ReportSnapshot txn(c);
    EXPECT_EQ(attestation_checklist(txn, "kela", {}).rows.size(), 4u);
  }
  const RecordedAttestation done = record(security_, {"kela", {}, {}, "compared on screen"});
  EXPECT_EQ(done.result, "confirmed");
  EXPECT_TRUE(done.differences.empty());
  const Checklist list = checklist("kela");
  ASSERT_TRUE(list.last);
  EXPECT_EQ(list.last->by, security_);
  EXPECT_EQ(list.last->result, "confirmed");
  EXPECT_EQ(count("SELECT ledger_count FROM attestation"), 4);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'attestation_recorded'"), 1);
}

TEST_F(AttestationTest, DifferencesCorrectTheLedgerOnlyWhenAnotherPersonAccepts) {
  AttestationInput input{"kela", {"ANNA"}, {{"exp", std::string("2027-06-30")}}, ""};
  const RecordedAttestation recorded = record(alice_, input);
  EXPECT_EQ(recorded.result, "differences");
  ASSERT_EQ(recorded.differences.size(), 2u);
  const long long missing = recorded.differences[0], extra = recorded.differences[1];
  // Nothing changes in the ledger until decided, and not by the person who recorded it.
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE employee_key = 'k-anna' "
                  "AND mandate_id = 'kela' AND revoked_at IS NULL"),
            1);
  EXPECT_NE(resolve(alice_, missing, true).find("another person must decide it"),
            std::string::npos);
  EXPECT_NE(resolve(security_, missing, true).find("permission denied"), std::string::npos);
  EXPECT_NE(resolve(bob_, extra, false).find("needs a reason"), std::string::npos);

  EXPECT_EQ(resolve(bob_, missing, true), "accepted");
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE employee_key = 'k-anna' "
                  "AND mandate_id = 'kela' AND revoked_at IS NULL"),
            0);
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE employee_key = 'k-anna' "
                  "AND end_note LIKE 'not in Suomi.fi (attestation %'"),
            1);
  EXPECT_EQ(resolve(bob_, extra, true), "accepted");
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE employee_key = 'k-exp' "
                  "AND mandate_id = 'kela' AND source = 'attestation' "
                  "AND valid_until = '2027-06-30' AND revoked_at IS NULL"),
            1);
  EXPECT_NE(resolve(bob_, extra, true).find("already accepted"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event "
                  "WHERE action = 'attestation_difference_accepted'"),
            2);
  ReportSnapshot txn(admin_);
  EXPECT_TRUE(list_differences(txn, true, {}).empty());
  const auto all = list_differences(txn, false, {});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].decided_by, bob_);
}

TEST_F(AttestationTest, ATypoIsRefusedNotRecorded) {
  EXPECT_THROW(record(alice_, {"kela", {"exp"}, {}, ""}), pqxx::sql_error);  // exp holds no kela
  EXPECT_THROW(record(alice_, {"kela", {}, {{"anna", std::nullopt}}, ""}), pqxx::sql_error);
  EXPECT_THROW(record(alice_, {"kela", {}, {{"nobody", std::nullopt}}, ""}), pqxx::sql_error);
  EXPECT_THROW(record(alice_, {"nope", {}, {}, ""}), pqxx::sql_error);
  EXPECT_EQ(count("SELECT count(*) FROM attestation"), 0);
}

TEST_F(AttestationTest, RejectedDifferenceLeavesTheLedger) {
  const RecordedAttestation recorded = record(alice_, {"te", {"leo"}, {}, ""});
  EXPECT_EQ(resolve(bob_, recorded.differences[0], false, "Suomi.fi list was filtered"),
            "rejected");
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger WHERE employee_key = 'k-leo' "
                  "AND mandate_id = 'te' AND revoked_at IS NULL"),
            1);
}

}  // namespace
}  // namespace valtuus
