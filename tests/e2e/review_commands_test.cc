// A mandate administrator's day with valtuusctl: show, approve (bound to the version seen),
// done (the ledger changes), reject (not proposed again), the order form with four eyes, and
// the audit trail.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/e2e_fixture.h"

namespace valtuus::testing {
namespace {

using nlohmann::json;

class ReviewCommandsTest : public E2eTest {
 protected:
  void SetUp() override {
    E2eTest::SetUp();
    migrate_and_sync();
  }

  json list(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"--config", config_, "changes", "list", "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    ProcessResult result = valtuusctl(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return json::parse(result.out);
  }

  std::string ref(const std::string& account, const std::string& mandate) {
    for (const json& item : list({"--state", "proposed", "approved", "applied"})) {
      if (item["account"] == account && item["mandate"] == mandate) {
        return std::to_string(item["id"].get<long long>()) + "@" +
               std::to_string(item["version"].get<int>());
      }
    }
    ADD_FAILURE() << "no open item " << account << " " << mandate;
    return "0";
  }

  ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", config_});
    return valtuusctl(args);
  }
};

TEST_F(ReviewCommandsTest, ShowGivesWhoWhatWhyAndTheStepsInSuomiFi) {
  const std::string item = ref("mmakinen", "te-tyonhakija");
  ProcessResult shown = ctl({"show", item});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const char* fragment :
       {"Item ", "grant, proposed", "Matti Mäkinen (mmakinen), Elinkeinoasiat / Omavalmentaja",
        "identity code: not recorded", "te-tyonhakija", "Why:   Advises and supports job seekers",
        "map omavalmentaja", "maps/elinkeinoasiat.yaml:", "matched department=Elinkeinoasiat",
        "Path:  1", "Give a mandate (anna valtuus) to a person: surname Mäkinen, first name Matti",
        "valtuusctl approve "}) {
    EXPECT_NE(shown.out.find(fragment), std::string::npos) << fragment << "\n" << shown.out;
  }
}

TEST_F(ReviewCommandsTest, ApproveIsBoundToTheVersionSeenAndDoneWritesTheLedger) {
  const std::string item = ref("mmakinen", "te-tyonhakija");
  const std::string id = item.substr(0, item.find('@'));
  ProcessResult approved = ctl({"approve", item});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_EQ(approved.out, "approved " + id + "@2\n");
  ProcessResult stale = ctl({"approve", item});
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_NE(stale.err.find("changed since you saw it"), std::string::npos) << stale.err;
  EXPECT_EQ(std::count(stale.err.begin(), stale.err.end(), '\n'), 1) << stale.err;

  ProcessResult done = ctl({"done", id + "@2", "--note", "annettu Suomi.fi:ssä"});
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(count("SELECT count(*) FROM grant_ledger g JOIN employee e ON e.key = g.employee_key "
                  "WHERE e.account = 'mmakinen' AND g.mandate_id = 'te-tyonhakija' "
                  "AND g.revoked_at IS NULL AND g.valid_until > current_date"),
            1);
  // The next sync sees the grant as held: nothing new for it.
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  for (const json& open : list()) {
    EXPECT_FALSE(open["account"] == "mmakinen" && open["mandate"] == "te-tyonhakija");
  }
  ProcessResult audit = ctl({"audit", "verify"});
  EXPECT_EQ(audit.exit_code, 0) << audit.out;
  EXPECT_NE(audit.out.find("audit trail intact"), std::string::npos);
}

TEST_F(ReviewCommandsTest, ApprovingManyIsAllOrNothing) {
  const std::string good = ref("aastrom", "kela-etuustiedot");
  const std::string other = ref("johman", "vero-veroasiat");
  const std::string stale = other.substr(0, other.find('@')) + "@9";
  ProcessResult refused = ctl({"approve", good, stale});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'approved'"), 0);
  ProcessResult both = ctl({"approve", good, other});
  ASSERT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'approved'"), 2);
}

TEST_F(ReviewCommandsTest, RejectedChangeIsNotProposedAgain) {
  const std::string item = ref("johman", "vero-veroasiat");
  EXPECT_EQ(ctl({"reject", item}).exit_code, 64);  // a reason is required
  ProcessResult rejected = ctl({"reject", item, "--reason", "Handled by the city's tax unit"});
  ASSERT_EQ(rejected.exit_code, 0) << rejected.err;
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE mandate_id = 'vero-veroasiat'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state = 'rejected' AND decision_note = "
                  "'Handled by the city''s tax unit'"),
            1);
}

// A date `days` from today, YYYY-MM-DD (UTC, as the database's current_date in the tests).
std::string days_from_today(int days) {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day date{today + std::chrono::days(days)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

TEST_F(ReviewCommandsTest, OrderFormNeedsAnotherPersonToApprove) {
  const std::string next_year = days_from_today(365);
  ProcessResult requested =
      ctl({"request", "--account", "johman", "--mandate", "te-tyonhakija", "--why",
           "Covers for a job coach in spring", "--until", next_year});
  ASSERT_EQ(requested.exit_code, 0) << requested.err;
  // The same rules as the web console's order form: one open order a theme, 25 years at most.
  ProcessResult again = ctl({"request", "--account", "johman", "--mandate", "te-tyonhakija",
                             "--why", "Asked twice", "--until", next_year});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.err.find("an order of te-tyonhakija for johman is already open"),
            std::string::npos)
      << again.err;
  ProcessResult far = ctl({"request", "--account", "johman", "--mandate", "vero-veroasiat", "--why",
                           "For ever", "--until", days_from_today(9132)});
  EXPECT_NE(far.exit_code, 0);
  EXPECT_NE(far.err.find("more than 25 years ahead"), std::string::npos) << far.err;
  EXPECT_EQ(count("SELECT count(*) FROM manual_request WHERE employee_key IN "
                  "(SELECT key FROM employee WHERE account = 'johman')"),
            1);
  ASSERT_EQ(valtuusd({"--config", config_, "--once"}).exit_code, 0);
  json items = list();
  const json* grant = nullptr;
  for (const json& item : items)
    if (item["account"] == "johman" && item["mandate"] == "te-tyonhakija") grant = &item;
  ASSERT_NE(grant, nullptr) << items.dump(2);
  EXPECT_EQ((*grant)["reason"], "Covers for a job coach in spring");
  ProcessResult own = ctl({"approve", std::to_string((*grant)["id"].get<long long>())});
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_NE(own.err.find("another person must approve it"), std::string::npos) << own.err;
}

TEST_F(ReviewCommandsTest, BadItemReferencesAreUsageOrDataErrors) {
  EXPECT_EQ(ctl({"approve", "twelve"}).exit_code, 64);
  EXPECT_EQ(ctl({"approve"}).exit_code, 64);
  ProcessResult missing = ctl({"show", "999999"});
  EXPECT_EQ(missing.exit_code, 65);
  EXPECT_NE(missing.err.find("item 999999 does not exist"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace valtuus::testing

namespace valtuus::testing {
namespace {

class ListFiltersTest : public ReviewCommandsTest {};

TEST_F(ListFiltersTest, FiltersByDepartmentThemeAndAge) {
  json department = list({"--department", " elinkeinoasiat"});
  ASSERT_EQ(department.size(), 5u) << department.dump(2);  // mmakinen 3, aastrom 2
  for (const json& item : department) EXPECT_NE(item["account"], "johman");
  json theme = list({"--mandate", "vero-veroasiat"});
  ASSERT_EQ(theme.size(), 1u);
  EXPECT_EQ(theme[0]["account"], "johman");
  EXPECT_TRUE(list({"--older-than", "1"}).empty());
  EXPECT_EQ(list({"--older-than", "0"}).size(), 7u);
  EXPECT_EQ(ctl({"changes", "list", "--older-than", "-1"}).exit_code, 64);
}

}  // namespace
}  // namespace valtuus::testing
