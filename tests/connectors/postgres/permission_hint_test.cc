// A missing grant (SQLSTATE 42501) is explained with the role the login would need, found in
// the catalog; a function's own refusal (also 42501) is left in its own words.
#include "connectors/postgres/permission_hint.h"

#include <gtest/gtest.h>

#include "connectors/postgres/migrations.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;

TEST(DeniedObjectTest, ReadsKindAndNameFromPostgresqlsMessage) {
  auto o = denied_object("ERROR:  permission denied for function audit_event_content\n");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->kind, "function");
  EXPECT_EQ(o->name, "audit_event_content");
  o = denied_object("permission denied for table change_item");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->kind, "table");
  EXPECT_EQ(o->name, "change_item");
  o = denied_object("ERROR:  permission denied for materialized view \"Odd Name\"");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->kind, "materialized view");
  EXPECT_EQ(o->name, "Odd Name");
  o = denied_object("permission denied for sequence public.outbox_id_seq");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->name, "outbox_id_seq");
  // The functions' own refusals are not about grants.
  EXPECT_FALSE(denied_object("ERROR:  a person cannot approve their own request (item 4)"));
  EXPECT_FALSE(denied_object("permission denied for "));
}

class PermissionHintTest : public ::testing::Test {
 protected:
  PermissionHintTest() : db_("permission_hint") {
    pqxx::connection c(db_.conninfo());
    migrate(c);
  }
  std::string as(const std::string& login) const { return db_.conninfo() + " user=" + login; }

  // The refusal of `sql` as `login`, explained on the same connection.
  std::string refused(const std::string& login, const std::string& sql) {
    pqxx::connection c(as(login));
    std::string message;
    try {
      pqxx::work txn(c);
      txn.exec(sql);
      txn.commit();
    } catch (const pqxx::insufficient_privilege& e) {
      message = e.what();
    }
    if (message.empty()) return "(not refused)";
    return explain_permission_denied(message, &c);
  }

  testing::MigratedDatabase db_;
  TestLogins logins_;
};

TEST_F(PermissionHintTest, AFunctionNamesTheRolesThatMayExecuteIt) {
  const std::string reviewer = logins_.make("alice", "valtuus_reviewer");
  const std::string text = refused(reviewer, "SELECT run_release(1, 'x')");
  EXPECT_NE(text.find("permission denied for function run_release: the login '" + reviewer +
                      "' needs a role that may: valtuus_admin (EXECUTE)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("GRANT <role> TO " + reviewer), std::string::npos) << text;
  // Roles that may not are not offered.
  EXPECT_EQ(text.find("valtuus_daemon"), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
}

TEST_F(PermissionHintTest, ATableNamesTheRolesAndTheirRights) {
  const std::string notifier = logins_.make("notify", "valtuus_notifier");
  const std::string text = refused(notifier, "SELECT count(*) FROM change_item");
  EXPECT_NE(text.find("permission denied for table change_item: the login '" + notifier +
                      "' needs a role that may: "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("valtuus_reviewer (SELECT"), std::string::npos) << text;
  EXPECT_EQ(text.find("valtuus_notifier"), std::string::npos) << text;
}

TEST_F(PermissionHintTest, WithoutAConnectionTheMessageIsItsFirstLine) {
  EXPECT_EQ(explain_permission_denied("ERROR:  permission denied for table x\nDETAIL: y", nullptr),
            "permission denied for table x");
}

}  // namespace
}  // namespace valtuus
