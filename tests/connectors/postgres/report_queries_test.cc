// The oversight reports over a seeded database with known answers (report_seed.h), an empty
// database, and the security login that reads them.
#include <gtest/gtest.h>

#include <algorithm>

#include "connectors/postgres/migrations.h"
#include "connectors/postgres/report_policy.h"
#include "connectors/postgres/report_queries.h"
#include "tests/connectors/postgres/report_seed.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

// The moment a report describes: when the test asks, as when a command starts.
TimePoint now() {
  return std::chrono::floor<std::chrono::seconds>(Clock::now());
}

MandateIssue theme(const std::string& id, bool holds, std::vector<std::string> holders = {}) {
  MandateIssue m;
  m.id = id;
  m.name_fi = id + "-fi";
  m.service = "S";
  m.organisation_holds = holds;
  m.grant_right.holders = std::move(holders);
  return m;
}

AuthorisationMap map(const std::string& id, std::vector<std::string> departments,
                     std::vector<std::string> titles, const std::string& mandate) {
  AuthorisationMap m;
  m.id = id;
  m.match.department = std::move(departments);
  m.match.title = std::move(titles);
  m.grants = {{mandate, "why", {"m.yaml", 1, 1}}};
  return m;
}

class ReportQueriesTest : public ::testing::Test {
 protected:
  ReportQueriesTest() : db_("report"), admin_(db_.conninfo()) {
    migrate(admin_);
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    policy_.catalog = {theme("kela", true, {"anna", "LEO"}), theme("te", true, {"anna"}),
                       theme("okm", false)};
    policy_.catalog[1].grant_right.until = today + std::chrono::days(30);
    policy_.maps = {map("elinkeino", {"Elinkeinoasiat"}, {}, "kela"),
                    map("coach", {"Elinkeinoasiat"}, {"Omavalmentaja"}, "te")};
  }

  template <typename F>
  auto in_snapshot(F f) {
    ReportSnapshot txn(admin_);
    return f(txn);
  }

  std::vector<LeaverRow> leavers(const ReportFilter& filter = {},
                                 const std::optional<std::string>& since = std::nullopt) {
    return in_snapshot([&](auto& txn) { return leavers_report(txn, filter, since, {}); });
  }

  OversightView view() {
    return in_snapshot([&](auto& txn) { return load_oversight_view(txn, now()); });
  }

  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  Policy policy_;
};

TEST_F(ReportQueriesTest, EveryReportIsEmptyOverAnEmptyDatabase) {
  EXPECT_TRUE(leavers().empty());
  const SlaReport sla = in_snapshot([](auto& txn) { return sla_report(txn, {}, 3, 42, 90); });
  EXPECT_TRUE(sla.items.empty());
  ASSERT_EQ(sla.paths.size(), 2u);
  EXPECT_EQ(sla.paths[0].done_in_period, 0);
  EXPECT_FALSE(sla.paths[0].median_days);
  EXPECT_TRUE(in_snapshot([](auto& txn) { return expiring_report(txn, {}, 365); }).empty());
  const OversightView v = view();
  EXPECT_TRUE(movers_report(v, policy_, {}).empty());
  EXPECT_TRUE(drift_report(v, policy_, {}).empty());
  const HoldingsReport holdings = holdings_report(v, policy_, {});
  EXPECT_TRUE(holdings.rows.empty());
  EXPECT_EQ(holdings.totals.held, 0);
  // The catalog is the policy's: capability lists it even before any sync.
  const auto capability = capability_report(v, policy_, {});
  ASSERT_EQ(capability.size(), 3u);
  EXPECT_EQ(capability[0].flags, (std::vector<std::string>{"no_holder", "holder_unknown"}));
}

TEST_F(ReportQueriesTest, LeaversWithMandatesInForceLongestOpenFirst) {
  testing::seed_reports(admin_);
  const auto rows = leavers();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].account, "gone");
  EXPECT_EQ(rows[0].why, "absent");  // not read by the last complete run
  EXPECT_EQ(rows[0].days_open, 30);
  EXPECT_EQ(rows[0].valid_until, "");
  EXPECT_FALSE(rows[0].revoke_item);
  EXPECT_EQ(rows[1].account, "leo");
  EXPECT_EQ(rows[1].mandate, "kela");
  EXPECT_EQ(rows[1].why, "disabled");
  EXPECT_EQ(rows[1].days_open, 10);
  ASSERT_TRUE(rows[1].revoke_item);
  EXPECT_EQ(rows[1].revoke_state, "proposed");
  EXPECT_EQ(rows[1].revoke_age_days, 3);
  EXPECT_EQ(rows[2].account, "leo");
  EXPECT_EQ(rows[2].mandate, "te");
  EXPECT_FALSE(rows[2].revoke_item);
  EXPECT_EQ(rows[3].account, "exp");
  EXPECT_EQ(rows[3].why, "expired");
  EXPECT_EQ(rows[3].mandate, "okm");  // exp's revoked te grant is not in force
}

TEST_F(ReportQueriesTest, LeaversFilters) {
  testing::seed_reports(admin_);
  const auto talous = leavers({std::string(" TALOUS"), std::nullopt});
  ASSERT_EQ(talous.size(), 1u);
  EXPECT_EQ(talous[0].account, "exp");
  const auto te = leavers({std::nullopt, std::string("te")});
  ASSERT_EQ(te.size(), 1u);
  EXPECT_EQ(te[0].account, "leo");
  const std::string since = in_snapshot([](auto& txn) {
    return txn.exec1("SELECT (current_date - 15)::text")[0].template as<std::string>();
  });
  EXPECT_EQ(leavers({}, since).size(), 3u);  // leo twice, exp; not gone (30 days ago)
  EXPECT_TRUE(leavers({std::string("Nobody"), std::nullopt}).empty());
  // The leavers' OU names its reason when the person is still read and not disabled.
  pqxx::work txn(admin_);
  txn.exec(
      "UPDATE employee SET ou = 'Lähteneet', dn = 'CN=Exp,OU=2026,OU=Lähteneet,DC=kunta,DC=fi', "
      "  account_expires = NULL WHERE key = 'k-exp'");
  txn.commit();
  const auto ou = in_snapshot([](auto& t) {
    return leavers_report(t, {std::string("talous"), std::nullopt}, {},
                          {"ou=LÄHTENEET,dc=kunta,dc=fi"});
  });
  ASSERT_EQ(ou.size(), 1u);
  EXPECT_EQ(ou[0].why, "leavers_ou");
  // A bare name matches nothing: the position in the tree decides.
  const auto bare = in_snapshot([](auto& t) {
    return leavers_report(t, {std::string("talous"), std::nullopt}, {}, {"Lähteneet"});
  });
  ASSERT_EQ(bare.size(), 1u);
  EXPECT_NE(bare[0].why, "leavers_ou");
}

TEST_F(ReportQueriesTest, SlaAgesAgainstTargetsOverdueFirstAndPercentiles) {
  testing::seed_reports(admin_);
  const SlaReport sla = in_snapshot([](auto& txn) { return sla_report(txn, {}, 3, 42, 90); });
  ASSERT_EQ(sla.items.size(), 3u);
  EXPECT_EQ(sla.items[0].kind, "org_apply");
  EXPECT_EQ(sla.items[0].path, 2);
  EXPECT_EQ(sla.items[0].age_days, 50);
  EXPECT_TRUE(sla.items[0].overdue);
  EXPECT_EQ(sla.items[1].kind, "revoke");
  EXPECT_EQ(sla.items[1].age_days, 3);
  EXPECT_FALSE(sla.items[1].overdue);  // 3 days is within a 3-day target
  EXPECT_EQ(sla.items[2].kind, "renew");
  EXPECT_EQ(sla.paths[0].open, 2);
  EXPECT_EQ(sla.paths[0].overdue, 0);
  EXPECT_EQ(sla.paths[0].done_in_period, 2);  // not the one done 200 days ago
  EXPECT_DOUBLE_EQ(*sla.paths[0].median_days, 4.0);
  EXPECT_DOUBLE_EQ(*sla.paths[0].p90_days, 5.6);
  EXPECT_EQ(sla.paths[1].open, 1);
  EXPECT_EQ(sla.paths[1].overdue, 1);
  EXPECT_FALSE(sla.paths[1].median_days);
  // A tighter target makes the revoke overdue; a department filter drops the org_apply.
  const SlaReport tight = in_snapshot([](auto& txn) {
    return sla_report(txn, {std::string("elinkeinoasiat"), std::nullopt}, 2, 42, 365);
  });
  ASSERT_EQ(tight.items.size(), 2u);
  EXPECT_EQ(tight.items[0].kind, "revoke");
  EXPECT_TRUE(tight.items[0].overdue);
  EXPECT_EQ(tight.paths[0].done_in_period, 1);  // anna's; mover is in Talous
}

TEST_F(ReportQueriesTest, ExpiringWithinWindowWithRenewItems) {
  testing::seed_reports(admin_);
  EXPECT_TRUE(in_snapshot([](auto& txn) { return expiring_report(txn, {}, 10); }).empty());
  const auto soon = in_snapshot([](auto& txn) { return expiring_report(txn, {}, 30); });
  ASSERT_EQ(soon.size(), 1u);
  EXPECT_EQ(soon[0].account, "leo");
  EXPECT_EQ(soon[0].days_left, 20);
  EXPECT_EQ(soon[0].status, "left");
  const auto year = in_snapshot([](auto& txn) { return expiring_report(txn, {}, 400); });
  ASSERT_EQ(year.size(), 5u);  // leo te, exp okm, leo kela, mover kela, anna kela
  EXPECT_EQ(year[4].account, "anna");
  ASSERT_TRUE(year[4].renew_item);
  EXPECT_EQ(year[4].renew_state, "proposed");
}

TEST_F(ReportQueriesTest, TheReportsClockNotTheDatabasesDecidesDatesAndAges) {
  testing::seed_reports(admin_);
  // Ten days on, by the clock the report was given: leo's grant ends in 10 days, not 20.
  const ReportClock later = report_clock_at(now() + std::chrono::days(10));
  EXPECT_EQ(later.today.size(), 10u);
  const auto soon = in_snapshot([&](auto& txn) { return expiring_report(txn, later, {}, 10); });
  ASSERT_EQ(soon.size(), 1u);
  EXPECT_EQ(soon[0].account, "leo");
  EXPECT_EQ(soon[0].days_left, 10);
  // Open items are ten days older by that clock.
  const SlaReport by_db = in_snapshot([](auto& txn) { return sla_report(txn, {}, 3, 42, 90); });
  const SlaReport by_clock =
      in_snapshot([&](auto& txn) { return sla_report(txn, later, {}, 3, 42, 90); });
  ASSERT_FALSE(by_db.items.empty());
  ASSERT_EQ(by_clock.items.size(), by_db.items.size());
  int oldest_db = 0, oldest_clock = 0;
  for (const auto& item : by_db.items) oldest_db = std::max(oldest_db, item.age_days);
  for (const auto& item : by_clock.items) oldest_clock = std::max(oldest_clock, item.age_days);
  EXPECT_EQ(oldest_clock, oldest_db + 10);
}

TEST_F(ReportQueriesTest, MoversHoldWhatTheirNewMapsDoNotRequire) {
  testing::seed_reports(admin_);
  const auto rows = movers_report(view(), policy_, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].account, "mover");
  EXPECT_EQ(rows[0].mandate, "kela");
  EXPECT_FALSE(rows[0].revoke_item);
  EXPECT_TRUE(
      movers_report(view(), policy_, {std::string("Elinkeinoasiat"), std::nullopt}).empty());
}

TEST_F(ReportQueriesTest, DriftBothWays) {
  testing::seed_reports(admin_);
  const auto rows = drift_report(view(), policy_, {});
  std::vector<std::string> seen;
  for (const DriftRow& r : rows) seen.push_back(r.drift + " " + r.account + " " + r.mandate);
  EXPECT_EQ(seen,
            (std::vector<std::string>{"held_not_required gone kela", "held_not_required leo kela",
                                      "held_not_required leo te", "held_not_required exp okm",
                                      "held_not_required mover kela", "required_missing anna te"}));
  EXPECT_EQ(rows[1].open_item.has_value(), true);  // leo's open revoke
  // An open grant item is pending: no longer missing.
  pqxx::work txn(admin_);
  txn.exec(
      "INSERT INTO change_item (run_id, kind, employee_key, mandate_id, reason, fingerprint) "
      "VALUES (2, 'grant', 'k-anna', 'te', 'coach', 'f7')");
  txn.commit();
  EXPECT_EQ(drift_report(view(), policy_, {std::nullopt, std::string("te")}).size(), 1u);
}

TEST_F(ReportQueriesTest, HoldingsPerDepartmentAndThemeWithTotals) {
  testing::seed_reports(admin_);
  const HoldingsReport h = holdings_report(view(), policy_, {});
  std::vector<std::string> seen;
  for (const HoldingRow& r : h.rows) {
    seen.push_back(r.department + "/" + r.mandate + " " + std::to_string(r.held) + " " +
                   std::to_string(r.required) + " " + std::to_string(r.pending_grants) + " " +
                   std::to_string(r.pending_revokes));
  }
  // Departments group ignoring case and space (leo's "elinkeinoasiat ").
  EXPECT_EQ(seen,
            (std::vector<std::string>{"Elinkeinoasiat/kela 3 1 1 1", "Elinkeinoasiat/te 1 1 0 0",
                                      "Talous/kela 1 0 0 0", "Talous/okm 1 0 0 0"}))
      << "the done grant of anna/okm is not pending";
  EXPECT_EQ(h.totals.held, 6);
  EXPECT_EQ(h.totals.required, 2);
  EXPECT_EQ(h.totals.pending_revokes, 1);
}

TEST_F(ReportQueriesTest, CapabilityFlagsThemesAtRiskFirst) {
  testing::seed_reports(admin_);
  const auto rows = capability_report(view(), policy_, {});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].mandate, "kela");
  EXPECT_EQ(rows[0].flags, (std::vector<std::string>{"one_holder", "holder_left"}));
  EXPECT_EQ(rows[0].holders[1].account, "leo");  // found ignoring case
  EXPECT_EQ(rows[1].mandate, "te");
  EXPECT_EQ(rows[1].flags, (std::vector<std::string>{"one_holder", "right_ends_soon"}));
  EXPECT_EQ(rows[2].mandate, "okm");
  EXPECT_FALSE(rows[2].can_grant);
  EXPECT_EQ(rows[2].flags, (std::vector<std::string>{"path2"}));
  pqxx::work txn(admin_);
  txn.exec("INSERT INTO organisation_holding (mandate_id, obtained_at) VALUES ('okm', now())");
  txn.commit();
  const auto after = capability_report(view(), policy_, {std::nullopt, std::string("okm")});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_TRUE(after[0].can_grant);
  EXPECT_EQ(after[0].flags, (std::vector<std::string>{"no_holder"}));
}

// Items of a run held by the safety guard are open but nobody may decide them yet: shown apart
// as held, never overdue; discarded ones are closed.
TEST_F(ReportQueriesTest, HeldItemsShownApartDiscardedOnesClosed) {
  testing::seed_reports(admin_);
  pqxx::work txn(admin_);
  txn.exec(
      "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, entries_read, "
      "  items_added, items_superseded, held_reason, held_at) "
      "  VALUES (3, now(), 'test', true, 5, 2, 0, 'too many revocations', now());"
      "INSERT INTO change_item (run_id, kind, state, employee_key, mandate_id, reason, "
      "  fingerprint, created_at) VALUES "
      "  (3, 'revoke', 'held', 'k-gone', 'kela', 'left', 'h1', now() - interval '9 days'), "
      "  (3, 'revoke', 'discarded', 'k-exp', 'okm', 'left', 'h2', now() - interval '9 days')");
  txn.commit();
  const SlaReport sla = in_snapshot([](auto& t) { return sla_report(t, {}, 3, 42, 90); });
  ASSERT_EQ(sla.items.size(), 4u);
  EXPECT_EQ(sla.paths[0].held, 1);
  EXPECT_EQ(sla.paths[0].open, 2);
  EXPECT_EQ(sla.paths[0].overdue, 0);  // 9 days old, but held: not overdue
  const auto held = std::find_if(sla.items.begin(), sla.items.end(),
                                 [](const SlaItemRow& r) { return r.state == "held"; });
  ASSERT_NE(held, sla.items.end());
  EXPECT_FALSE(held->overdue);
  const HoldingsReport h = holdings_report(view(), policy_, {});
  EXPECT_EQ(h.totals.held_items, 1);
  EXPECT_EQ(h.totals.pending_revokes, 1);  // leo's; the held one is counted apart
  const auto leavers_now = leavers();
  EXPECT_EQ(leavers_now[0].revoke_state, "held");       // gone/kela
  EXPECT_EQ(leavers_now[3].revoke_state, "discarded");  // exp/okm: closed, shown as it is
}

TEST_F(ReportQueriesTest, SecurityReadsEveryReportInOneSnapshot) {
  testing::seed_reports(admin_);
  testing::TestLogins logins;
  const std::string security = logins.make("sec", "valtuus_security");
  pqxx::connection c(db_.conninfo() + " user=" + security);
  ReportSnapshot txn(c);
  EXPECT_EQ(leavers_report(txn, {}, std::nullopt, {}).size(), 4u);
  EXPECT_EQ(sla_report(txn, {}, 3, 42, 90).items.size(), 3u);
  EXPECT_EQ(expiring_report(txn, {}, 30).size(), 1u);
  EXPECT_EQ(load_oversight_view(txn, now()).grants.size(), 6u);
  EXPECT_EQ(txn.exec1("SHOW transaction_isolation")[0].as<std::string>(), "repeatable read");
  EXPECT_EQ(txn.exec1("SHOW transaction_read_only")[0].as<std::string>(), "on");
  EXPECT_THROW(txn.exec("CREATE TEMPORARY TABLE t (x int)"), pqxx::sql_error);
}

}  // namespace
}  // namespace valtuus
