// Who gets the "grant proposed" notices of a run's new items (announced by the statement
// trigger of change_item, written by outbox_announce_pending as the notifier), pinned row by row:
// the person and their manager, the manager found by DN without regard to case among several rows
// (someone still in the directory before a leaver, then the most recently updated; an address
// required), each in their own language or the default, on the channels configured for the
// audience, in item order with the person before the manager. Any rewrite of the notices' joins
// must keep these rows exactly.
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "connectors/postgres/migrations.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;
using testing::TestLogins;

// One outbox row as the test compares it; the item by its person's key.
struct Notice {
  std::string person;  // the item's employee_key
  std::string audience;
  std::string recipient;
  std::string language;
  bool language_from_person;
  std::string recipient_name;
  std::string mandate_name;
  std::string handling_time;
  int path;

  bool operator==(const Notice&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Notice& n) {
  return out << n.person << " -> " << n.audience << " " << n.recipient << " (" << n.language
             << (n.language_from_person ? ", own" : ", default") << ") '" << n.recipient_name
             << "' '" << n.mandate_name << "' '" << n.handling_time << "' path " << n.path;
}

class NoticeRecipientsTest : public ::testing::Test {
 protected:
  NoticeRecipientsTest() : db_("notice_recipients"), admin_(db_.conninfo()) {
    migrate(admin_);
    daemon_ = logins_.make("daemon", "valtuus_daemon");
    admin_login_ = logins_.make("root", "valtuus_admin");
    notifier_ = logins_.make("notifier", "valtuus_notifier");
    // Test data as the superuser: the theme and the people as the directory left them,
    // several of them under one manager DN. Updated times are set so that the newest row is
    // not always the one to choose.
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO mandate_issue (id, name_fi, name_sv, name_en, service, organisation_holds, "
        "  max_validity_days, renewal_notice_days) "
        "VALUES ('th01', 'Teema', 'Tema', 'Theme', 'Kela', true, 730, 30),"
        "  ('th02', 'Toinen', '', '', 'OKM', false, 730, 30);"
        "UPDATE outbox_setting SET default_language = 'fi';"
        "INSERT INTO employee (key, account, dn, display_name, given_name, surname, mail, "
        "  preferred_language, status, left_at, updated_at, manager_dn) VALUES "
        // Managers. boss: a leaver row updated most recently, and the row still in the
        // directory (its DN in other case), which must win.
        " ('boss-old', 'boss1', 'cn=boss,ou=staff,dc=x', 'Old Boss', '', '', 'old@x', 'fi', "
        "  'left', now(), now(), ''),"
        " ('boss', 'boss', 'CN=Boss,OU=Staff,DC=X', 'Bertta Esimies', '', '', 'boss@x', 'en', "
        "  'active', NULL, now() - interval '1 day', ''),"
        // twice: two rows in the directory; the most recently updated wins.
        " ('twice-a', 'twa', 'cn=twice,ou=staff,dc=x', 'Twice Older', '', '', 'twa@x', 'sv', "
        "  'active', NULL, now() - interval '2 days', ''),"
        " ('twice-b', 'twb', 'CN=TWICE,ou=staff,dc=x', '', 'Tuula', 'Tuorein', 'twb@x', '', "
        "  'long_leave', NULL, now() - interval '1 day', ''),"
        // gone: only a leaver with an address, still told.
        " ('gone', 'gone', 'cn=gone,ou=staff,dc=x', 'Gone Manager', '', '', 'gone@x', 'sv', "
        "  'left', now(), now(), ''),"
        // nomail: a manager without an address is not told.
        " ('nomail', 'nomail', 'cn=nomail,ou=staff,dc=x', 'No Mail', '', '', '', 'fi', "
        "  'active', NULL, now(), ''),"
        // People with items.
        " ('p-anna', 'anna', 'cn=anna,ou=staff,dc=x', 'Anna Österberg', '', '', 'anna@x', 'sv', "
        "  'active', NULL, now(), 'cn=BOSS,ou=staff,dc=x'),"
        " ('p-ben', 'ben', 'cn=ben,ou=staff,dc=x', '', 'Ben', 'Berg', 'ben@x', '', "
        "  'active', NULL, now(), 'cn=twice,ou=staff,dc=x'),"
        " ('p-cai', 'cai', 'cn=cai,ou=staff,dc=x', '', '', '', 'cai@x', 'en', "
        "  'active', NULL, now(), 'cn=gone,ou=staff,dc=x'),"
        " ('p-dan', 'dan', 'cn=dan,ou=staff,dc=x', 'Dan', '', '', 'dan@x', 'fi', "
        "  'active', NULL, now(), 'cn=nomail,ou=staff,dc=x'),"
        " ('p-eve', 'eve', 'cn=eve,ou=staff,dc=x', 'Eve', '', '', 'eve@x', 'fi', "
        "  'active', NULL, now(), ''),"
        " ('p-fay', 'fay', 'cn=fay,ou=staff,dc=x', 'Fay Left', '', '', 'fay@x', 'fi', "
        "  'left', now(), now(), 'cn=boss,ou=staff,dc=x'),"
        " ('p-gus', 'gus', 'cn=gus,ou=staff,dc=x', 'Gus', '', '', '', 'fi', "
        "  'active', NULL, now(), 'CN=Boss,OU=Staff,DC=X'),"
        " ('p-hal', 'hal', 'cn=hal,ou=staff,dc=x', 'Hal', '', '', 'hal@x', 'en', "
        "  'active', NULL, now(), 'cn=nobody,ou=staff,dc=x')");
    txn.commit();
  }

  // The run's items through the daemon's own function, as a sync writes them: one per
  // (kind, person, theme, path), in this order. Then the notifier's login announces them, as
  // valtuus-notify does at the start of a pass; returns how many notices that wrote.
  struct Item {
    std::string kind;
    std::string person;
    std::string theme;
    bool waits_for_org_apply;
  };
  int add_items(const std::vector<Item>& items) {
    pqxx::connection daemon(db_.conninfo() + " user=" + daemon_);
    pqxx::work txn(daemon);
    const long long run =
        txn.exec1(
               "SELECT sync_run_insert(now(), 'test', true, '', 1, 1, 0, NULL, '', true, '{}')")[0]
            .as<long long>();
    txn.exec(
        "CREATE TEMPORARY TABLE item_stage (ord bigint, kind text, mandate_id text, reason text, "
        "map_id text, policy_file text, policy_line integer, matched text, fingerprint text, "
        "waits_for_org_apply boolean, employee_key text, request_id bigint) ON COMMIT DROP; "
        "GRANT SELECT ON item_stage TO PUBLIC");
    long long ord = 0;
    for (const Item& item : items) {
      ++ord;
      txn.exec_params(
          "INSERT INTO item_stage VALUES ($1::bigint, $2, $3, 'needs it', 'm', 'm.yaml', 1, '[]', "
          "'f' || $1::text, $4, $5, NULL)",
          ord, item.kind, item.theme, item.waits_for_org_apply, item.person);
    }
    txn.exec_params("SELECT sync_add_items($1, 'proposed')", run);
    txn.commit();
    pqxx::connection notifier(db_.conninfo() + " user=" + notifier_);
    pqxx::work announce(notifier);
    const int written = announce.exec1("SELECT outbox_announce_pending()")[0].as<int>();
    announce.commit();
    return written;
  }

  // Every "grant proposed" notice in the order the sender would take them (oldest id first),
  // after checking what each row must hold whatever its recipient.
  std::vector<Notice> notices() {
    pqxx::read_transaction txn(admin_);
    std::vector<Notice> out;
    names_.clear();
    for (const auto& r :
         txn.exec("SELECT c.employee_key, o.audience, o.recipient, o.language, "
                  "  o.language_from_person, o.payload->>'recipient_name', "
                  "  o.payload->>'mandate_name', o.payload->>'handling_time', "
                  "  (o.payload->>'path')::int, o.channel, o.idempotency_key, "
                  "  'valtuus.' || s.instance || '.grant_proposed.' || c.id || '.' || o.audience, "
                  "  (o.payload->>'item_id')::bigint = c.id, o.run_id = c.run_id, "
                  "  o.payload->>'kind' = c.kind, o.payload->>'mandate_id' = c.mandate_id, "
                  "  o.payload->>'reason', o.payload->>'valid_until', o.payload->>'executed_at', "
                  "  o.payload->>'account' = p.account, o.payload->>'employee_name', "
                  "  jsonb_typeof(o.payload->'item_id'), jsonb_typeof(o.payload->'path'), "
                  "  (SELECT count(*) FROM jsonb_object_keys(o.payload)) "
                  "FROM outbox o JOIN change_item c ON c.id = o.item_id "
                  "JOIN employee p ON p.key = c.employee_key CROSS JOIN outbox_setting s "
                  "WHERE o.event = 'grant_proposed' ORDER BY o.id")) {
      Notice n{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
               r[3].as<std::string>(), r[4].as<bool>(),        r[5].as<std::string>(),
               r[6].as<std::string>(), r[7].as<std::string>(), r[8].as<int>()};
      EXPECT_EQ(r[9].as<std::string>(), "mail") << n;
      EXPECT_EQ(r[10].as<std::string>(), r[11].as<std::string>()) << n;
      EXPECT_TRUE(r[12].as<bool>() && r[13].as<bool>() && r[14].as<bool>() && r[15].as<bool>() &&
                  r[19].as<bool>())
          << n;
      EXPECT_EQ(r[16].as<std::string>(), "needs it") << n;
      EXPECT_EQ(r[17].as<std::string>(), "") << n;
      EXPECT_EQ(r[18].as<std::string>(), "") << n;
      EXPECT_EQ(r[21].as<std::string>(), "number") << n;
      EXPECT_EQ(r[22].as<std::string>(), "number") << n;
      EXPECT_EQ(r[23].as<int>(), 13) << n;
      names_.push_back(r[20].as<std::string>());
      out.push_back(n);
    }
    return out;
  }

  TestLogins logins_;  // declared first, so dropped after the database that refers to them
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::string daemon_, admin_login_, notifier_;
  std::vector<std::string> names_;  // employee_name of each notice, in the order of notices()
};

TEST_F(NoticeRecipientsTest, EachItemTellsItsPersonAndTheRightManagerInTheirLanguage) {
  EXPECT_EQ(add_items({{"grant", "p-anna", "th01", false},
                       {"grant", "p-ben", "th01", true},
                       {"revoke", "p-anna", "th02", false},  // a revoke tells no one when proposed
                       {"grant", "p-cai", "th02", false},
                       {"grant", "p-dan", "th01", false},
                       {"renew", "p-eve", "th02", true},
                       {"grant", "p-fay", "th01", false},
                       {"grant", "p-gus", "th01", false},
                       {"grant", "p-hal", "th02", false}}),
            11);
  const std::vector<Notice> expected = {
      // Anna (sv) and her boss: the row still in the directory, in English, though a
      // leaver's row of the same DN was updated later.
      {"p-anna", "employee", "anna@x", "sv", true, "Anna Österberg", "Tema", "cirka 3 dagar", 1},
      {"p-anna", "manager", "boss@x", "en", true, "Bertta Esimies", "Theme", "about 3 days", 1},
      // Ben (no language: the default) and the newer of two rows in the directory, named by
      // given name and surname, also without a language.
      {"p-ben", "employee", "ben@x", "fi", false, "Ben Berg", "Teema", "4–6 viikkoa", 2},
      {"p-ben", "manager", "twb@x", "fi", false, "Tuula Tuorein", "Teema", "4–6 viikkoa", 2},
      // Cai has no name but an account; the only row of the manager's DN has left, and is
      // told all the same (in Swedish; th02 has no Swedish name, so the Finnish one).
      {"p-cai", "employee", "cai@x", "en", true, "cai", "Toinen", "about 3 days", 1},
      {"p-cai", "manager", "gone@x", "sv", true, "Gone Manager", "Toinen", "cirka 3 dagar", 1},
      // Dan's manager has no address: Dan alone.
      {"p-dan", "employee", "dan@x", "fi", true, "Dan", "Teema", "noin 3 päivää", 1},
      // Eve has no manager.
      {"p-eve", "employee", "eve@x", "fi", true, "Eve", "Toinen", "4–6 viikkoa", 2},
      // Fay has left: her manager alone.
      {"p-fay", "manager", "boss@x", "en", true, "Bertta Esimies", "Theme", "about 3 days", 1},
      // Gus has no address: his manager alone.
      {"p-gus", "manager", "boss@x", "en", true, "Bertta Esimies", "Theme", "about 3 days", 1},
      // Hal's manager DN names no one.
      {"p-hal", "employee", "hal@x", "en", true, "Hal", "Toinen", "about 3 days", 1},
  };
  EXPECT_EQ(notices(), expected);
  // The person's own name in every message, whoever receives it.
  EXPECT_EQ(names_,
            (std::vector<std::string>{"Anna Österberg", "Anna Österberg", "Ben Berg", "Ben Berg",
                                      "cai", "cai", "Dan", "Eve", "Fay Left", "Gus", "Hal"}));
}

TEST_F(NoticeRecipientsTest, AnAudienceWithoutAChannelIsNotTold) {
  // Channels as an administrator sets them.
  const auto set_channel = [this](const char* audience, bool enabled) {
    pqxx::connection admin(db_.conninfo() + " user=" + admin_login_);
    pqxx::work txn(admin);
    txn.exec_params("SELECT outbox_channel_set($1, 'mail', $2)", audience, enabled);
    txn.commit();
  };
  set_channel("manager", false);
  add_items({{"grant", "p-anna", "th01", false}, {"grant", "p-fay", "th01", false}});
  EXPECT_EQ(notices(), (std::vector<Notice>{{"p-anna", "employee", "anna@x", "sv", true,
                                             "Anna Österberg", "Tema", "cirka 3 dagar", 1}}));
  set_channel("employee", false);
  set_channel("manager", true);
  add_items({{"grant", "p-ben", "th02", false}});
  const std::vector<Notice> got = notices();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], (Notice{"p-ben", "manager", "twb@x", "fi", false, "Tuula Tuorein", "Toinen",
                            "noin 3 päivää", 1}));
}

}  // namespace
}  // namespace valtuus
