// Hostile directory values through the whole daemon: LDAP filter and SQL metacharacters in
// every mapped text attribute, and a 64 KiB value. Parameterised SQL and escaped filters
// keep them data: they are stored exactly as read (or refused when too long), nothing else
// changes, a second run proposes nothing new, and the audit chain verifies.
#include <signal.h>

#include <pqxx/pqxx>
#include <string>

#include "tests/faults/fault_fixture.h"

namespace valtuus::testing {
namespace {

class HostileValuesTest : public FaultTest {};

const std::string kSql = "x'); DELETE FROM grant_ledger; DROP TABLE employee; --";
const std::string kFilter = "*)(|(objectClass=*))(cn=\\2a";
const std::string kQuotes = "\"Virtanen\" \\ 'Aino' ; $1 %s {{name}}";

TEST_F(HostileValuesTest, MetacharactersAreDataAndA64KiBValueIsRefused) {
  migrate();
  const ProcessResult first = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  record_holders({"mmakinen"});

  // LDIF: a value starting with a special character or holding a backslash goes base64.
  const auto b64 = [](const std::string& in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned val = 0;
    int bits = -6;
    for (unsigned char c : in) {
      val = ((val << 8) | c) & 0xFFFFFFu;
      bits += 8;
      while (bits >= 0) {
        out.push_back(t[(val >> bits) & 0x3F]);
        bits -= 6;
      }
    }
    if (bits > -6) out.push_back(t[((val << 8) >> (bits + 8)) & 0x3Fu]);
    while (out.size() % 4) out.push_back('=');
    return out;
  };
  const std::string long_title(64 * 1024, 'T');
  const auto person = [&](const std::string& cn, const std::string& account,
                          const std::string& department, const std::string& title,
                          const std::string& display, const std::string& guid) {
    return "dn: cn=" + cn + "," + base_ +
           "\nobjectClass: inetOrgPerson\nobjectClass: user\ncn: " + cn +
           "\nsn: Hostile\ngivenName:: " + b64(kQuotes) + "\ndisplayName:: " + b64(display) +
           "\nsAMAccountName:: " + b64(account) + "\ndepartment:: " + b64(department) +
           "\ntitle:: " + b64(title) + "\nobjectGUID: " + guid +
           "\nobjectCategory: person\nuserAccountControl: 512\naccountExpires: 0\n\n";
  };
  const ProcessResult added = ldap_modify(
      person("hostile1", "o'brien", "Elinkeinoasiat", "Omavalmentaja", kSql, "hostileguid00001") +
      person("hostile2", "star*)(cn=*", kFilter, kSql, kFilter, "hostileguid00002") +
      person("hostile3", "longtitle", "Elinkeinoasiat", long_title, "Long Title",
             "hostileguid00003"));
  ASSERT_EQ(added.exit_code, 0) << added.err;

  auto daemon = start(loop_config());
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s)) << daemon->err();
  const long long items_after_first = count("SELECT count(*) FROM change_item");
  const int runs = occurrences(daemon->err(), kRunLine);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, runs + 1)) << daemon->err();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(20s), 0) << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), items_after_first) << "not idempotent";

  pqxx::connection c(db_->conninfo());
  pqxx::read_transaction txn(c);
  std::string accounts;
  for (const auto& row : txn.exec("SELECT account FROM employee ORDER BY account")) {
    accounts += row[0].as<std::string>() + " ";
  }
  ASSERT_EQ(txn.exec_params("SELECT 1 FROM employee WHERE account = $1", "o'brien").size(), 1u)
      << accounts << "\n"
      << daemon->err();
  // Stored exactly as read.
  const auto one = txn.exec_params1(
      "SELECT display_name, given_name FROM employee "
      "WHERE account = $1",
      "o'brien");
  EXPECT_EQ(one[0].as<std::string>(), kSql);
  EXPECT_EQ(one[1].as<std::string>(), kQuotes);
  const auto two = txn.exec_params1(
      "SELECT department, title, display_name FROM employee "
      "WHERE account = $1",
      "star*)(cn=*");
  EXPECT_EQ(two[0].as<std::string>(), kFilter);
  EXPECT_EQ(two[1].as<std::string>(), kSql);
  EXPECT_EQ(two[2].as<std::string>(), kFilter);
  // The person with the hostile department needs nothing; the one with the plain one does.
  EXPECT_EQ(txn.exec_params1("SELECT count(*) FROM change_item i JOIN employee e ON "
                             "e.key = i.employee_key WHERE e.account = $1",
                             "star*)(cn=*")[0]
                .as<long long>(),
            0);
  EXPECT_GT(txn.exec_params1("SELECT count(*) FROM change_item i JOIN employee e ON "
                             "e.key = i.employee_key WHERE e.account = $1",
                             "o'brien")[0]
                .as<long long>(),
            0);
  // The 64 KiB value never reaches the database: its entry is refused and listed, not stored.
  EXPECT_EQ(txn.exec("SELECT count(*) FROM employee WHERE length(title) > 4096")[0][0].as<int>(),
            0);
  EXPECT_GE(txn.exec("SELECT count(*) FROM refused_entry WHERE field = 'title' "
                     "AND account = 'longtitle'")[0][0]
                .as<int>(),
            1);
  // The tables the SQL meant to harm are intact.
  EXPECT_EQ(txn.exec("SELECT count(*) FROM grant_ledger")[0][0].as<int>(), 1);
  txn.commit();
  expect_invariants();
}

}  // namespace
}  // namespace valtuus::testing
