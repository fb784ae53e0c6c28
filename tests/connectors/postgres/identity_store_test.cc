// Identity codes in the database, with the daemon, reviewers and security connected as their
// own login roles: only valid codes are stored and only when changed; no role reads the
// ciphertext directly; a reveal is audited and its event must be committed before the code
// can be read, so rolling back cannot hide a reveal.
#include <gtest/gtest.h>
#include <unistd.h>

#include "connectors/postgres/identity_store.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "core/reconcile.h"
#include "daemon/sync_cycle.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::test_env;
using testing::TestDatabase;

const TimePoint kIdentityNow = std::chrono::floor<std::chrono::seconds>(Clock::now());
constexpr const char* kIdentityCode = "131052-308T";

using Logins = testing::TestLogins;

std::unique_ptr<IdentityCrypto> test_key() {
  std::array<unsigned char, IdentityCrypto::kKeyBytes> key{};
  key.fill(0x42);
  return std::make_unique<IdentityCrypto>(key);
}

class IdentityStoreTest : public ::testing::Test {
 protected:
  IdentityStoreTest() : db_("identity"), admin_(db_.conninfo()), crypto_(test_key()) {
    migrate(admin_);
    alice_ = logins_.make("alice", "valtuus_reviewer");
    bob_ = logins_.make("bob", "valtuus_reviewer");
    daemon_ = logins_.make("daemon", "valtuus_daemon");
    security_ = logins_.make("sec", "valtuus_security");
    MandateIssue theme;
    theme.id = "kela-etuustiedot";
    theme.name_fi = theme.id;
    theme.service = "Kela";
    theme.organisation_holds = true;
    policy_.catalog = {theme};
    AuthorisationMap map;
    map.id = "elinkeinoasiat";
    map.match.department = {"Elinkeinoasiat"};
    map.grants = {{"kela-etuustiedot", "Registers Kela payment claims", {"m.yaml", 4, 9}}};
    policy_.maps = {map};
    snapshot_.complete = true;
    snapshot_.source = "test";
    Employee good;
    good.key = "key-mmakinen";
    good.account = "mmakinen";
    good.display_name = "Matti Mäkinen";
    good.department = "Elinkeinoasiat";
    good.identity_code = kIdentityCode;
    Employee bad = good;
    bad.key = "key-johman";
    bad.account = "johman";
    bad.identity_code = "290200-002C";
    snapshot_.employees = {good, bad};
  }

  std::string as(const std::string& role) const { return db_.conninfo() + " user=" + role; }

  void sync() {
    pqxx::connection daemon(as(daemon_));
    plan_and_write(*borrow_sync_store(daemon),
                   {snapshot_, policy_, rules_, kIdentityNow, kIdentityNow, {}}, false,
                   GuardOptions{}, crypto_.get());
  }

  IdentityWriteStats write_as_daemon() {
    pqxx::connection daemon(as(daemon_));
    pqxx::work txn(daemon);
    const IdentityWriteStats stats =
        write_identity_codes(txn, start_run(txn), snapshot_, crypto_.get());
    txn.commit();
    return stats;
  }

  // A run of the daemon's in `txn`: the identity codes are written as part of one.
  static long long start_run(pqxx::work& txn) {
    return txn
        .exec1("SELECT sync_run_insert(now(), 'test', true, '', 2, 0, 0, NULL, '', true, '{}')")[0]
        .as<long long>();
  }

  long long item_of(const std::string& key) {
    pqxx::read_transaction txn(admin_);
    return txn.exec_params1("SELECT id FROM change_item WHERE employee_key = $1 LIMIT 1", key)[0]
        .as<long long>();
  }

  // Runs `sql` as `role`; returns the refusal's text, or "" on success.
  template <typename... Args>
  std::string try_as(const std::string& role, const std::string& sql, Args&&... args) {
    return testing::try_sql(as(role), sql, std::forward<Args>(args)...);
  }

  long long count(const std::string& sql) {
    pqxx::read_transaction txn(admin_);
    return txn.exec1(sql)[0].as<long long>();
  }

  Logins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::unique_ptr<IdentityCrypto> crypto_;
  std::string alice_, bob_, daemon_, security_;
  Policy policy_;
  Snapshot snapshot_;
  LeaverRules rules_;
};

TEST_F(IdentityStoreTest, DaemonStoresValidCodesOnlyAndRewritesOnlyChangedOnes) {
  sync();
  EXPECT_EQ(count("SELECT count(*) FROM identity_code"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM identity_code WHERE employee_key = 'key-mmakinen' "
                  "AND masked = '131052-****'"),
            1);
  IdentityWriteStats again = write_as_daemon();
  EXPECT_EQ(again.stored, 0);
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.invalid, 1);
  snapshot_.employees[0].identity_code = "010594Y9032";
  IdentityWriteStats changed = write_as_daemon();
  EXPECT_EQ(changed.stored, 1);
  EXPECT_EQ(count("SELECT count(*) FROM identity_code WHERE masked = '010594Y****'"), 1);
  // Without a key nothing is written, whatever the directory holds.
  pqxx::connection daemon(as(daemon_));
  pqxx::work txn(daemon);
  EXPECT_EQ(write_identity_codes(txn, start_run(txn), snapshot_, nullptr).stored, 0);
}

TEST_F(IdentityStoreTest, NoRoleReadsTheCiphertextDirectly) {
  sync();
  const long long item = item_of("key-mmakinen");
  for (const std::string& role : {security_, daemon_, alice_}) {
    EXPECT_NE(try_as(role, "SELECT ciphertext FROM identity_code").find("permission denied"),
              std::string::npos)
        << role;
    EXPECT_NE(try_as(role, "SELECT * FROM identity_code").find("permission denied"),
              std::string::npos)
        << role;
  }
  EXPECT_EQ(try_as(security_, "SELECT masked FROM identity_code"), "");
  EXPECT_EQ(try_as(alice_, "SELECT masked FROM identity_code"), "");
  for (const std::string& role : {security_, daemon_}) {
    EXPECT_NE(try_as(role, "SELECT reveal_identity_code($1)", item).find("permission denied"),
              std::string::npos)
        << role;
    EXPECT_NE(try_as(role, "SELECT * FROM revealed_identity_code(1)").find("permission denied"),
              std::string::npos)
        << role;
  }
  EXPECT_NE(try_as(daemon_, "DELETE FROM identity_code").find("permission denied"),
            std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed'"), 0);
}

TEST_F(IdentityStoreTest, ARevealMustBeCommittedBeforeTheCodeIsRead) {
  sync();
  const long long item = item_of("key-mmakinen");
  pqxx::connection alice(as(alice_));
  {
    // Reading in the reveal's own transaction would let a rollback erase the audit event.
    pqxx::work txn(alice);
    const auto event = txn.exec_params1("SELECT reveal_identity_code($1)", item)[0].as<long long>();
    EXPECT_THROW(txn.exec_params("SELECT * FROM revealed_identity_code($1)", event),
                 pqxx::sql_error);
  }
  {
    pqxx::work txn(alice);
    txn.exec("SAVEPOINT s");
    const auto event = txn.exec_params1("SELECT reveal_identity_code($1)", item)[0].as<long long>();
    txn.exec("RELEASE SAVEPOINT s");
    EXPECT_THROW(txn.exec_params("SELECT * FROM revealed_identity_code($1)", event),
                 pqxx::sql_error);
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed'"), 0);
  long long event = 0;
  {
    pqxx::work txn(alice);
    event = txn.exec_params1("SELECT reveal_identity_code($1)", item)[0].as<long long>();
    txn.commit();
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed' "
                  "AND actor LIKE 'alice%'"),
            1);
  // Bob cannot read the code through Alice's reveal.
  EXPECT_NE(try_as(bob_, "SELECT * FROM revealed_identity_code($1)", event).find("not your"),
            std::string::npos);
  pqxx::read_transaction txn(alice);
  const auto row = txn.exec_params1(
      "SELECT employee_key, ciphertext, nonce FROM revealed_identity_code($1)", event);
  const pqxx::binarystring ciphertext(row[1]), nonce(row[2]);
  EXPECT_EQ(crypto_->open(row[0].as<std::string>(), {Bytes(ciphertext.begin(), ciphertext.end()),
                                                     Bytes(nonce.begin(), nonce.end())}),
            kIdentityCode);
  // An org_apply item or an unknown one has no person to reveal.
  EXPECT_NE(try_as(alice_, "SELECT reveal_identity_code(999999)").find("does not exist"),
            std::string::npos);
}

}  // namespace
}  // namespace valtuus
