// Revealing an identity code through the web console as the database enforces it
// (sql/013_web_pages.sql): only for a reviewer or an administrator who logged in, only for an
// open item's person, the audit event naming that person committed before the sealed code can
// be read, and the read only by the same person and login, writing nothing. The console's
// login still cannot read a ciphertext or use valtuusctl's reveal.
#include <gtest/gtest.h>

#include "common/identity_crypto.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/web_decisions.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using Kind = WebRefusal::Kind;
constexpr const char* kRevealCode = "131052-308T";

std::unique_ptr<IdentityCrypto> reveal_test_key() {
  std::array<unsigned char, IdentityCrypto::kKeyBytes> key{};
  key.fill(0x24);
  return std::make_unique<IdentityCrypto>(key);
}

// bytea's hex input form, as a parameter.
std::string bytea_text(const Bytes& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string text = "\\x";
  for (unsigned char b : bytes) {
    text += digits[b >> 4];
    text += digits[b & 15];
  }
  return text;
}

// Anna has a sealed code; item 1 is her proposed grant, item 2 her done one, item 3 an
// org_apply. Bo has no code recorded (item 4).
class WebRevealTest : public ::testing::Test {
 protected:
  WebRevealTest() : db_("webreveal"), admin_(db_.conninfo()), crypto_(reveal_test_key()) {
    migrate(admin_);
    console_login_ = logins_.make("console", "valtuus_console");
    const SealedIdentityCode sealed = crypto_->seal("k-anna", kRevealCode);
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (1, now(), 'test', true, 2, 4, 0);"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('kela', 'Kela-asiat', 'Kela', true, 730, 60),"
        "  ('te', 'TE-asiat', 'TE', false, 730, 60);"
        "INSERT INTO employee (key, account, display_name) VALUES ('k-anna', 'anna', 'Anna'),"
        "  ('k-bo', 'bo', 'Bo');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint) VALUES (1, 1, 'grant', 'proposed', 'k-anna', 'kela', 'map', 'f1'),"
        "  (2, 1, 'grant', 'done', 'k-anna', 'te', 'map', 'f2'),"
        "  (3, 1, 'org_apply', 'proposed', NULL, 'te', 'path 2', 'f3'),"
        "  (4, 1, 'grant', 'proposed', 'k-bo', 'kela', 'map', 'f4');"
        "SELECT setval('change_item_id_seq', 4);");
    txn.exec_params(
        "INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked) "
        "VALUES ('k-anna', $1::bytea, $2::bytea, '\\x00', '131052-****')",
        bytea_text(sealed.ciphertext), bytea_text(sealed.nonce));
    txn.commit();
    console_ = std::make_unique<pqxx::connection>(as(console_login_));
    web_ = std::make_unique<WebDecisions>(*console_);
  }

  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  void login(const std::string& account, std::vector<std::string> roles) {
    web_->record_login({account, account + " Person", std::move(roles), std::chrono::hours{8}});
  }

  template <typename F>
  Kind refusal(F&& action) {
    try {
      action();
    } catch (const WebRefusal& e) {
      last_message_ = e.what();
      return e.kind();
    }
    ADD_FAILURE() << "the action was not refused";
    return Kind::kInvalid;
  }

  int reveals() {
    pqxx::read_transaction txn(admin_);
    return txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed'")[0]
        .as<int>();
  }

  testing::TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::unique_ptr<IdentityCrypto> crypto_;
  std::string console_login_;
  std::unique_ptr<pqxx::connection> console_;
  std::unique_ptr<WebDecisions> web_;
  std::string last_message_;
};

TEST_F(WebRevealTest, AReviewersRevealIsAuditedInTheirNameBeforeTheCodeIsGiven) {
  login("rauno", {"reviewer"});
  const RevealedIdentityCode revealed = web_->reveal_identity_code("rauno", 1);
  EXPECT_EQ(revealed.account, "anna");
  EXPECT_EQ(crypto_->open(revealed.employee_key, revealed.sealed), kRevealCode);
  pqxx::read_transaction txn(admin_);
  const auto event = txn.exec1(
      "SELECT actor, item_id, details->>'via', details->>'employee_key', details->>'login', "
      "  details::text FROM audit_event WHERE action = 'identity_code_revealed'");
  EXPECT_EQ(event[0].as<std::string>(), "rauno");
  EXPECT_EQ(event[1].as<long long>(), 1);
  EXPECT_EQ(event[2].as<std::string>(), "web");
  EXPECT_EQ(event[3].as<std::string>(), "k-anna");
  EXPECT_EQ(event[4].as<std::string>(), console_login_);
  EXPECT_EQ(event[5].as<std::string>().find("131052"), std::string::npos);  // never the code
}

TEST_F(WebRevealTest, OnlyReviewersAndAdministratorsWhoLoggedInReveal) {
  login("sanna", {"security"});
  login("ville", {});
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("sanna", 1); }), Kind::kNotAllowed);
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("ville", 1); }), Kind::kNotAllowed);
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("", 1); }), Kind::kNotAllowed);
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("mallory", 1); }), Kind::kNotAllowed);
  EXPECT_EQ(reveals(), 0);
  login("aino", {"admin"});
  EXPECT_EQ(crypto_->open("k-anna", web_->reveal_identity_code("aino", 1).sealed), kRevealCode);
  EXPECT_EQ(reveals(), 1);
}

TEST_F(WebRevealTest, OnlyAnOpenItemsPersonsCodeIsRevealed) {
  login("rauno", {"reviewer"});
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("rauno", 2); }), Kind::kInvalid);
  EXPECT_NE(last_message_.find("only an open item"), std::string::npos) << last_message_;
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("rauno", 3); }), Kind::kNotFound);
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("rauno", 4); }), Kind::kNotFound);
  EXPECT_EQ(refusal([&] { web_->reveal_identity_code("rauno", 99); }), Kind::kNotFound);
  EXPECT_EQ(reveals(), 0);
}

TEST_F(WebRevealTest, TheCodeIsReadOnlyByThePersonWhoseRevealWasCommitted) {
  login("rauno", {"reviewer"});
  login("aino", {"admin"});
  long long event = 0;
  {
    pqxx::work txn(*console_);
    event = txn.exec1("SELECT web_reveal_identity_code('rauno', 1)")[0].as<long long>();
    // In the transaction that wrote the event: refused (it could still roll back).
    EXPECT_THROW(txn.exec_params("SELECT * FROM web_revealed_identity_code('rauno', $1)", event),
                 pqxx::sql_error);
  }
  EXPECT_EQ(reveals(), 0);  // rolled back, and nothing was read
  {
    pqxx::work txn(*console_);
    event = txn.exec1("SELECT web_reveal_identity_code('rauno', 1)")[0].as<long long>();
    txn.commit();
  }
  const std::string read = "SELECT count(*) FROM web_revealed_identity_code($1, $2)";
  EXPECT_NE(testing::try_sql(as(console_login_), read, "aino", event), "");  // another person
  const std::string other_login = logins_.make("console2", "valtuus_console");
  EXPECT_NE(testing::try_sql(as(other_login), read, "rauno", event), "");  // another login
  {
    pqxx::read_transaction txn(*console_);
    EXPECT_EQ(txn.exec_params1(read, "rauno", event)[0].as<int>(), 1);
  }
}

TEST_F(WebRevealTest, TheConsoleCannotReadCiphertextsOrUseValtuusctlsReveal) {
  const std::string console = as(console_login_);
  EXPECT_NE(testing::try_sql(console, "SELECT ciphertext FROM identity_code"), "");
  EXPECT_NE(testing::try_sql(console, "SELECT reveal_identity_code(1)"), "");
  EXPECT_NE(testing::try_sql(console, "SELECT * FROM revealed_identity_code(1)"), "");
  EXPECT_EQ(testing::try_sql(console, "SELECT masked FROM identity_code"), "");
  // Nor a reviewer's valtuusctl login the web's functions.
  const std::string reviewer = logins_.make("cli", "valtuus_reviewer");
  EXPECT_NE(testing::try_sql(as(reviewer), "SELECT web_reveal_identity_code('rauno', 1)"), "");
}

}  // namespace
}  // namespace valtuus
