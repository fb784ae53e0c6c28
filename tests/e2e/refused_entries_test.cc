// A refused value is not absence, end to end: hostile values put into the directory after
// people hold mandates (a control character in an account, in a department, a 64 KiB title)
// give a `valtuusd --once` run that revokes nothing of those people, keeps their stored rows,
// records which entries and fields it refused, and `valtuusctl runs show` lists them without
// the values. More refused entries than guard.max_refused hold the run.
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"

namespace valtuus::testing {
namespace {

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(n >> s) & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

class RefusedEntriesTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    migrate_and_sync();
    // People hold what the first run proposed: the ledger as if it had been done.
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT employee_key, mandate_id, current_date, 'import' FROM change_item "
        "WHERE kind = 'grant' AND state = 'proposed'");
    txn.commit();
  }

  void replace(const std::string& account, const std::string& attribute, const std::string& value) {
    const std::string ldif = "dn: cn=" + account + "," + base_ +
                             "\nchangetype: modify\nreplace: " + attribute + "\n" + attribute +
                             ":: " + base64(value) + "\n-\n\n";
    const ProcessResult modified = ldap_modify(ldif);
    ASSERT_EQ(modified.exit_code, 0) << modified.err;
  }

  long long grants_of(const std::string& account) {
    return count(
        "SELECT count(*) FROM grant_ledger g JOIN employee e ON e.key = g.employee_key "
        "WHERE e.account = '" +
        account + "'");
  }

  long long last_run() { return count("SELECT max(id) FROM sync_run"); }
};

TEST_F(RefusedEntriesTest, HostileValuesRevokeNobodyAndTheRunListsThem) {
  ASSERT_GT(grants_of("mmakinen"), 0);
  ASSERT_GT(grants_of("aastrom"), 0);
  const long long run_before = last_run();
  replace("mmakinen", "sAMAccountName", "mmaki\x07nen");
  replace("aastrom", "department", "Talous\nhallinto");  // would be a move
  replace("johman", "title", std::string(64 * 1024, 'x'));

  const ProcessResult sync = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  const long long run = last_run();
  ASSERT_GT(run, run_before);
  const std::string where = " WHERE run_id = " + std::to_string(run);
  EXPECT_EQ(count("SELECT count(*) FROM change_item" + where + " AND kind = 'revoke'"), 0);
  EXPECT_EQ(count("SELECT entries_refused FROM sync_run WHERE id = " + std::to_string(run)), 3);
  EXPECT_EQ(count("SELECT count(*) FROM refused_entry" + where), 3);
  // Not held: 3 is within the default guard.max_refused.
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE held_reason IS NOT NULL"), 0);
  // Their rows keep what the last good read saw: not left, not moved.
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE account IN ('mmakinen', 'aastrom', "
                  "'johman') AND status = 'active'"),
            3);
  EXPECT_EQ(count("SELECT count(*) FROM employee WHERE account = 'aastrom' AND "
                  "lower(btrim(department)) = 'elinkeinoasiat'"),
            1);
  // The log names each refused entry, without the values.
  EXPECT_NE(sync.err.find("refused entry cn=mmakinen"), std::string::npos) << sync.err;
  EXPECT_EQ(sync.err.find("Talous"), std::string::npos) << sync.err;
  EXPECT_EQ(sync.err.find('\x07'), std::string::npos);

  const ProcessResult show = valtuusctl({"--config", config_, "runs", "show", std::to_string(run)});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("3 entries refused"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("sAMAccountName: contains a control character"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("(account aastrom): department: department: contains a control "
                          "character"),
            std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("(account johman): title: title: longer than 4096 bytes"),
            std::string::npos)
      << show.out;
  EXPECT_EQ(show.out.find("Talous"), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find("xxxxxxxx"), std::string::npos);

  // Fixed in the directory: the next run reads them again, and nobody was lost meanwhile.
  replace("mmakinen", "sAMAccountName", "mmakinen");
  const ProcessResult again = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(count("SELECT entries_refused FROM sync_run WHERE id = " + std::to_string(last_run())),
            2);
}

TEST_F(RefusedEntriesTest, MoreRefusedEntriesThanTheLimitHoldTheRun) {
  const std::string config = write_config({{"guard.max_refused", "1"}});
  replace("mmakinen", "department", "Elinkeino\x1b[2Jasiat");
  replace("aastrom", "title", "Yritys\rneuvoja");
  const ProcessResult sync = valtuusd({"--config", config, "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;
  const long long run = last_run();
  EXPECT_EQ(count("SELECT count(*) FROM sync_run WHERE id = " + std::to_string(run) +
                  " AND held_reason LIKE '%2 directory entries were refused, over "
                  "guard.max_refused=1%'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE kind = 'revoke'"), 0);
}

}  // namespace
}  // namespace valtuus::testing
