// Personal identity codes end to end (invariant 8): read from the directory, stored only
// encrypted, shown only masked by list and show, never written to the daemon's log, and
// revealed in full only by `valtuusctl reveal`, which needs the key file and is audited.
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

constexpr const char* kCode = "131052-308T";     // valid: Matti Mäkinen's
constexpr const char* kInvalid = "290200-002C";  // 1900 had no 29 February: Jörgen Öhman's

class IdentityCodesTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    ASSERT_EQ(valtuusctl({"--config", config_, "db", "migrate"}).exit_code, 0);
    for (const auto& [account, code] : {std::pair{"mmakinen", kCode}, {"johman", kInvalid}}) {
      ProcessResult modified = ldap_modify(
          "dn: cn=" + std::string(account) + "," + base_ +
          "\nchangetype: modify\nadd: valtuusIdentityCode\nvaltuusIdentityCode: " + code + "\n\n");
      ASSERT_EQ(modified.exit_code, 0) << modified.err;
    }
    key_file_ = dir_ + "/identity.key";
    write_file(key_file_, std::string(32, '\x5a'));
    config_ = write_config({{"directory.identity_code_attribute", "valtuusIdentityCode"},
                            {"identity.key_file", key_file_}});
    // The daemon's own login writes the codes, as the README sets it up.
    sync_ = valtuusd({"--config", as(logins_.make("valtuus", "valtuus_daemon")), "--once"});
    ASSERT_EQ(sync_.exit_code, 0) << sync_.err;
  }

  // The configuration of this test as `login`.
  std::string as(const std::string& login) {
    return config_as(login, {{"directory.identity_code_attribute", "valtuusIdentityCode"},
                             {"identity.key_file", key_file_}});
  }

  ProcessResult ctl(std::vector<std::string> args, const std::string& config = "") {
    args.insert(args.begin(), {"--config", config.empty() ? config_ : config});
    return valtuusctl(args);
  }

  // The id of an item of `account`'s, as text.
  std::string item_of(const std::string& account) {
    ProcessResult listed = ctl({"changes", "list", "--format", "json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    for (const json& item : json::parse(listed.out)) {
      if (item["account"] == account) return std::to_string(item["id"].get<long long>());
    }
    ADD_FAILURE() << "no item for " << account;
    return "0";
  }

  std::string key_file_;
  ProcessResult sync_;
};

TEST_F(IdentityCodesTest, DatabaseHoldsTheCodeOnlyEncrypted) {
  EXPECT_EQ(count("SELECT count(*) FROM identity_code"), 1);  // the invalid one is not stored
  EXPECT_EQ(count("SELECT count(*) FROM identity_code c JOIN employee e ON e.key = c.employee_key "
                  "WHERE e.account = 'mmakinen' AND c.masked = '131052-****' "
                  "AND length(c.nonce) = 24 AND length(c.match_hash) = 32"),
            1);
  // No row of any table holds the code, as text or as the hex of its bytes.
  pqxx::connection c(db_->conninfo());
  pqxx::read_transaction txn(c);
  const std::string hex =
      txn.exec_params1("SELECT encode(convert_to($1, 'UTF8'), 'hex')", kCode)[0].as<std::string>();
  for (const auto& table :
       txn.exec("SELECT quote_ident(table_name) FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
    const std::string name = table[0].as<std::string>();
    for (const std::string& needle : {std::string(kCode), hex, std::string(kInvalid)}) {
      EXPECT_EQ(
          txn.exec_params1("SELECT count(*) FROM " + name + " t WHERE position($1 in t::text) > 0",
                           needle)[0]
              .as<long long>(),
          0)
          << name;
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM identity_code "
                  "WHERE position('131052-308T' in encode(ciphertext, 'escape')) > 0"),
            0);
}

TEST_F(IdentityCodesTest, TheDaemonLogNamesTheInvalidCodesAccountButNoCode) {
  for (const char* code : {kCode, kInvalid, "308T", "002C"}) {
    EXPECT_EQ(sync_.err.find(code), std::string::npos) << sync_.err;
    EXPECT_EQ(sync_.out.find(code), std::string::npos) << sync_.out;
  }
  EXPECT_NE(sync_.err.find("identity code of account johman not stored"), std::string::npos)
      << sync_.err;
  // An unchanged directory writes nothing again: the same sealed value stays.
  const long long sealed =
      count("SELECT hashtext(encode(ciphertext || nonce, 'hex')) FROM identity_code");
  ProcessResult again = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.err.find(kCode), std::string::npos);
  EXPECT_EQ(count("SELECT hashtext(encode(ciphertext || nonce, 'hex')) FROM identity_code"),
            sealed);
}

TEST_F(IdentityCodesTest, ListAndShowGiveOnlyTheMaskedCode) {
  ProcessResult listed = ctl({"changes", "list", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out.find(kCode), std::string::npos);
  EXPECT_EQ(listed.out.find("308T"), std::string::npos);
  ProcessResult shown = ctl({"show", item_of("mmakinen")});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("identity code: 131052-****"), std::string::npos) << shown.out;
  EXPECT_EQ(shown.out.find(kCode), std::string::npos) << shown.out;
  ProcessResult other = ctl({"show", item_of("johman")});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.out.find("identity code: not recorded"), std::string::npos) << other.out;
  EXPECT_EQ(other.out.find(kInvalid), std::string::npos) << other.out;
}

TEST_F(IdentityCodesTest, RevealPrintsTheCodeAndIsAudited) {
  const std::string item = item_of("mmakinen");
  // As the README's logins: a reviewer reveals; security may not.
  const std::string reviewer = as(logins_.make("maija", "valtuus_reviewer"));
  ProcessResult security = ctl({"reveal", item}, as(logins_.make("sami", "valtuus_security")));
  EXPECT_EQ(security.exit_code, 1);
  EXPECT_NE(security.err.find("permission denied"), std::string::npos) << security.err;
  EXPECT_EQ(security.out.find(kCode), std::string::npos);
  ProcessResult revealed = ctl({"reveal", item}, reviewer);
  ASSERT_EQ(revealed.exit_code, 0) << revealed.err;
  EXPECT_NE(revealed.out.find("Matti Mäkinen (mmakinen): 131052-308T\n"), std::string::npos)
      << revealed.out;
  EXPECT_NE(revealed.out.find("recorded in the audit trail"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed' "
                  "AND item_id = " +
                  item),
            1);
  EXPECT_EQ(ctl({"audit", "verify"}, reviewer).exit_code, 0);
  // A person without a recorded code: refused, not audited as a reveal.
  ProcessResult none = ctl({"reveal", item_of("johman")}, reviewer);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no identity code is recorded"), std::string::npos) << none.err;
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed'"), 1);
}

TEST_F(IdentityCodesTest, RevealNeedsTheKeyFileAndTheRightKey) {
  const std::string item = item_of("mmakinen");
  ProcessResult no_key = ctl({"reveal", item}, write_config({{"identity.key_file", ""}}));
  EXPECT_EQ(no_key.exit_code, 78);
  EXPECT_NE(no_key.err.find("identity.key_file"), std::string::npos) << no_key.err;
  const std::string short_key = dir_ + "/short.key";
  write_file(short_key, std::string(31, 'k'));
  ProcessResult bad_size = ctl({"reveal", item}, write_config({{"identity.key_file", short_key}}));
  EXPECT_EQ(bad_size.exit_code, 78);
  EXPECT_NE(bad_size.err.find("identity.key_file"), std::string::npos) << bad_size.err;
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed'"), 0);
  const std::string other_key = dir_ + "/other.key";
  write_file(other_key, std::string(64, 'a'));  // a valid key, but not the daemon's
  ProcessResult wrong = ctl({"reveal", item}, write_config({{"identity.key_file", other_key}}));
  EXPECT_EQ(wrong.exit_code, 65);
  EXPECT_NE(wrong.err.find("does not open with this key"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.out.find(kCode), std::string::npos);
}

}  // namespace
}  // namespace valtuus::testing
