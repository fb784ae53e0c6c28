// The store's interfaces as valtuusctl and valtuus-notify see them: a session over a checked
// schema, and database errors as the project's own kinds (no pqxx exception leaves the store),
// with the logins people use.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/outbox.h"
#include "connectors/postgres/review.h"
#include "connectors/postgres/runs.h"
#include "connectors/postgres/store_session.h"
#include "core/errors.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

class StoreSessionTest : public ::testing::Test {
 protected:
  StoreSessionTest() : db_("store_session") {}

  DatabaseOptions as(const std::string& role) const {
    return {db_.conninfo() + " user=" + role, ""};  // the later user= wins in libpq
  }

  void migrate_schema() {
    pqxx::connection admin(db_.conninfo());
    migrate(admin);
  }

  TestDatabase db_;
  testing::TestLogins logins_;
};

TEST_F(StoreSessionTest, RefusesADatabaseWithoutTheSchemaUnlessAskedNotToCheck) {
  try {
    StoreSession::open({db_.conninfo(), ""});
    FAIL() << "opened a database without a schema";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("valtuusctl db migrate"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(StoreSession::open({db_.conninfo(), ""}, StoreSession::SchemaCheck::kNone));
}

TEST_F(StoreSessionTest, OpensACurrentSchemaAsEveryLoginAndRefusesAnOlderOrNewerOne) {
  migrate_schema();
  for (const auto& [person, role] :
       {std::pair{"daemon", "valtuus_daemon"}, std::pair{"reviewer", "valtuus_reviewer"},
        std::pair{"security", "valtuus_security"}}) {
    EXPECT_NO_THROW(StoreSession::open(as(logins_.make(person, role)))) << role;
  }
  const std::string expected = std::to_string(expected_schema_version());
  auto refusal = [&] {
    try {
      StoreSession::open({db_.conninfo(), ""});
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("opened");
  };
  pqxx::connection admin(db_.conninfo());
  pqxx::nontransaction sql(admin);
  sql.exec("UPDATE schema_version SET version = version + 1000 WHERE version = " + expected);
  EXPECT_NE(refusal().find("is unknown to this program (it knows up to " + expected + ")"),
            std::string::npos)
      << refusal();
  sql.exec("DELETE FROM schema_version WHERE version > 1000");
  EXPECT_NE(refusal().find("is older than this program's " + expected), std::string::npos)
      << refusal();
  sql.exec("DELETE FROM schema_version");
  EXPECT_NE(refusal().find("no Valtuus schema"), std::string::npos) << refusal();
}

TEST_F(StoreSessionTest, ARefusedDecisionIsRefusedWithTheDatabasesOwnFirstLine) {
  migrate_schema();
  const std::string alice = logins_.make("alice", "valtuus_reviewer");
  auto store = StoreSession::open(as(alice));
  try {
    decide_items(*store, ItemDecision::kReject, {{424242, std::nullopt}}, {"no", {}, {}, {}});
    FAIL() << "rejected an item that does not exist";
  } catch (const Refused& e) {
    EXPECT_EQ(std::string(e.what()), "item 424242 does not exist");
    EXPECT_NE(e.detail().find("ERROR:"), std::string::npos) << e.detail();
  }
  // The session stays usable after a refusal.
  EXPECT_TRUE(list_items(*store, ItemFilter{}).empty());
}

TEST_F(StoreSessionTest, AMissingGrantIsRefusedNamingTheRoleThatHasIt) {
  migrate_schema();
  const std::string sec = logins_.make("sec", "valtuus_security");
  auto store = StoreSession::open(as(sec));
  try {
    release_run(*store, 1, "");
    FAIL() << "security released a run";
  } catch (const Refused& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("permission denied for function run_release"), std::string::npos)
        << message;
    EXPECT_NE(message.find("valtuus_admin"), std::string::npos) << message;
  }
}

TEST_F(StoreSessionTest, ALostConnectionIsTransient) {
  migrate_schema();
  const std::string notifier = logins_.make("notifier", "valtuus_notifier");
  auto store = StoreSession::open(as(notifier), StoreSession::SchemaCheck::kNone);
  {
    pqxx::connection admin(db_.conninfo());
    pqxx::work txn(admin);
    txn.exec_params("SELECT pg_terminate_backend($1)", store->connection().backendpid());
    txn.commit();
  }
  try {
    skip_stale_outbox_rows(*store);
    FAIL() << "used a terminated connection";
  } catch (const TransientError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("database connection lost: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace valtuus
