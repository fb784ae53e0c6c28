// The metrics queries against the suite's PostgreSQL, and the file write_metrics_file makes
// from them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "connectors/postgres/metrics_queries.h"
#include "connectors/postgres/migrations.h"
#include "connectors/postgres/sync_store_native.h"
#include "daemon/metrics.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"

namespace valtuus {
namespace {

using testing::TestDatabase;

class MetricsStoreTest : public ::testing::Test {
 protected:
  MetricsStoreTest() : db_("metrics_store"), connection_(db_.conninfo()) {
    migrate(connection_);
    exec(
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, "
        "max_validity_days, renewal_notice_days) VALUES "
        "('kela', 'Kela', 'Kela', true, 730, 30), ('vero', 'Vero', 'Vero', false, 730, 30)");
    exec(
        "INSERT INTO sync_run (started_at, finished_at, directory_source, snapshot_complete, "
        "entries_read, items_added, items_superseded) VALUES "
        "('2026-11-20 08:00+00', '2026-11-20 08:01+00', 'ldaps://test', true, 2, 0, 0)");
    for (const char* key : {"e1", "e2", "e3", "e4", "e5"}) {
      exec(std::string("INSERT INTO employee (key, account) VALUES ('") + key + "', '" + key +
           "')");
    }
  }

  void exec(const std::string& sql) {
    pqxx::work txn(connection_);
    txn.exec(sql);
    txn.commit();
  }

  // An item of the first run, `age` old (a PostgreSQL interval), in `state`.
  void item(const char* employee, const char* mandate, const char* kind, const char* state,
            const char* age) {
    const std::string employee_sql =
        std::string(kind) == "org_apply" ? "NULL" : std::string("'") + employee + "'";
    exec(std::string("INSERT INTO change_item (run_id, kind, state, employee_key, mandate_id, "
                     "reason, fingerprint, created_at) VALUES (1, '") +
         kind + "', '" + state + "', " + employee_sql + ", '" + mandate + "', 'test', 'fp', " +
         "now() - interval '" + age + "')");
  }

  bool has_held_runs_columns() {
    pqxx::read_transaction txn(connection_);
    return txn.exec(
                  "SELECT count(*) FROM information_schema.columns WHERE table_name = "
                  "'sync_run' AND column_name IN ('held_reason', 'released_at', "
                  "'discarded_at')")[0][0]
               .as<int>() == 3;
  }

  long long count_of(const StoreMetrics& metrics, const std::string& state, const std::string& kind,
                     int max_age_days) {
    long long total = 0;
    for (const auto& row : metrics.open_items) {
      if (row.state == state && row.kind == kind && row.age_days <= max_age_days) {
        total += row.count;
      }
    }
    return total;
  }

  testing::MigratedDatabase db_;
  pqxx::connection connection_;
};

TEST_F(MetricsStoreTest, EmptyDatabaseHasNoOpenItems) {
  const StoreMetrics metrics = read_store_metrics(connection_);
  EXPECT_TRUE(metrics.open_items.empty());
  ASSERT_TRUE(metrics.last_recorded_run.has_value());
  EXPECT_DOUBLE_EQ(*metrics.last_recorded_run, 1795161660.0);  // 2026-11-20 08:01 UTC
}

TEST_F(MetricsStoreTest, OpenItemsByStateKindAndAgeInDaysRoundedUp) {
  item("e1", "kela", "grant", "proposed", "1 hour");
  item("e2", "kela", "grant", "proposed", "23 hours");
  item("e3", "kela", "grant", "proposed", "25 hours");
  item("e4", "kela", "grant", "proposed", "9 days 23 hours");
  item("e1", "vero", "revoke", "approved", "2 days 23 hours");
  item("", "vero", "org_apply", "applied", "39 days 12 hours");
  item("e5", "kela", "grant", "done", "1 hour");        // closed: not counted
  item("e5", "vero", "grant", "rejected", "2 hours");   // closed: not counted
  item("e2", "vero", "grant", "superseded", "1 hour");  // closed: not counted
  const StoreMetrics metrics = read_store_metrics(connection_);
  EXPECT_EQ(count_of(metrics, "proposed", "grant", 1), 2);
  EXPECT_EQ(count_of(metrics, "proposed", "grant", 2), 3);
  EXPECT_EQ(count_of(metrics, "proposed", "grant", 10), 4);
  EXPECT_EQ(count_of(metrics, "approved", "revoke", 2), 0);
  EXPECT_EQ(count_of(metrics, "approved", "revoke", 3), 1);
  EXPECT_EQ(count_of(metrics, "applied", "org_apply", 40), 1);
  long long all = 0;
  for (const auto& row : metrics.open_items) {
    EXPECT_NE(row.state, "done");
    EXPECT_NE(row.state, "rejected");
    EXPECT_NE(row.state, "superseded");
    all += row.count;
  }
  EXPECT_EQ(all, 6);
}

TEST_F(MetricsStoreTest, WritesTheFileFromTheDatabase) {
  item("e1", "kela", "grant", "proposed", "2 days");
  item("e2", "kela", "grant", "proposed", "5 days");
  const auto dir = std::filesystem::temp_directory_path() / ("valtuus-metrics-" + db_.name());
  std::filesystem::create_directories(dir);
  const auto file = dir / "valtuusd.prom";
  RunMetrics run;
  run.run_id = 1;
  run.finished_at = std::chrono::system_clock::now();
  write_metrics_file(MetricsOptions{file.string()}, run, *borrow_sync_store(connection_));
  std::ifstream in(file);
  const std::string text(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove_all(dir);
  EXPECT_NE(text.find("valtuus_metrics_database_up 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("valtuus_open_items{state=\"proposed\",kind=\"grant\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("valtuus_open_items_age_days{state=\"proposed\",kind=\"grant\",le=\"3\"} 1\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("valtuus_open_items_age_days{state=\"proposed\",kind=\"grant\",le=\"7\"} 2\n"),
      std::string::npos)
      << text;
}

TEST_F(MetricsStoreTest, NoFileConfiguredWritesNothing) {
  RunMetrics run;
  EXPECT_NO_THROW(write_metrics_file(MetricsOptions{}, run, *borrow_sync_store(connection_)));
}

TEST_F(MetricsStoreTest, HeldRunsAreThoseNeitherReleasedNorDiscarded) {
  if (!has_held_runs_columns()) {
    GTEST_SKIP() << "sql/004_held_runs.sql has not added sync_run.held_reason yet";
  }
  EXPECT_EQ(read_store_metrics(connection_).held_runs, 0);
  const std::string insert =
      "INSERT INTO sync_run (started_at, directory_source, snapshot_complete, entries_read, "
      "items_added, items_superseded, held_reason, held_at, released_at, released_by, "
      "discarded_at, discarded_by) VALUES (now(), 'ldaps://test', true, 2, 0, 0, ";
  const std::string held = "'revocations over 10%', now(), ";
  exec(insert + held + "NULL, NULL, NULL, NULL)");
  exec(insert + held + "NULL, NULL, NULL, NULL)");
  exec(insert + held + "now(), 'admin', NULL, NULL)");   // released
  exec(insert + held + "NULL, NULL, now(), 'admin')");   // discarded
  exec(insert + "NULL, NULL, NULL, NULL, NULL, NULL)");  // not held
  EXPECT_EQ(read_store_metrics(connection_).held_runs, 2);
}

}  // namespace
}  // namespace valtuus
