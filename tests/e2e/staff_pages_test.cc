// The staff pages on the demo municipality, through the real valtuusd and valtuusctl: what
// the "what my job needs" page concludes for every person (core/person_map.h, read as the
// console reads it) is what the sync planned for them, and `valtuusctl policy publish` writes
// the organisation's maps as linked static pages in three languages with nobody's data.
#include <fstream>
#include <pqxx/pqxx>
#include <set>

#include "connectors/postgres/web_store.h"
#include "core/person_map.h"
#include "policies/policy_loader.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/support/test_env.h"
#include "web/staff_pages.h"

namespace valtuus::testing {
namespace {

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The href values of a page that point to a file of the publication (not "#x" or "http:").
std::vector<std::string> local_links(const std::string& text) {
  std::vector<std::string> links;
  for (auto at = text.find("href=\""); at != std::string::npos; at = text.find("href=\"", at)) {
    at += 6;
    const std::string target = text.substr(at, text.find('"', at) - at);
    if (target.find_first_of("#:") == std::string::npos) links.push_back(target);
  }
  return links;
}

class StaffPagesE2eTest : public E2eTest {};

TEST_F(StaffPagesE2eTest, TheMapPageAndThePlanAgreeForEveryoneInTheDemoMunicipality) {
  migrate_and_sync();
  {
    // Matti's first path-1 grant is executed, and Jörgen holds a theme no map gives him.
    pqxx::connection c(db_->conninfo());
    pqxx::work txn(c);
    const auto item = txn.exec1(
        "SELECT i.id, i.version FROM change_item i JOIN employee e ON e.key = i.employee_key "
        "WHERE e.account = 'mmakinen' AND i.kind = 'grant' AND NOT i.waits_for_org_apply "
        "ORDER BY i.id LIMIT 1");
    const long long id = item[0].as<long long>();
    const int version = item[1].as<int>();
    txn.exec_params("SELECT approve_item_as('kirsi', NULL, $1, $2)", id, version);
    txn.exec_params("SELECT mark_item_done_as('kirsi', NULL, $1, $2, NULL, NULL, '')", id,
                    version + 1);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, source) "
        "SELECT key, 'kela-etuustiedot', current_date, 'import' FROM employee "
        "WHERE account = 'johman'");
    txn.commit();
  }
  // Without the movers' grace period (14 days by default), which defers a revoke the page
  // already announces.
  ProcessResult sync =
      valtuusd({"--config", write_config({{"reconcile.mover_grace_days", "0"}}), "--once"});
  ASSERT_EQ(sync.exit_code, 0) << sync.err;

  PolicyLoadResult loaded = load_policy_dir(VALTUUS_EXAMPLES_DIR);
  ASSERT_TRUE(loaded.policy);
  WebStore store(
      DatabaseOptions{db_->conninfo() + " user=" + logins_.make("web", "valtuus_console"), ""});
  pqxx::connection c(db_->conninfo());
  pqxx::read_transaction txn(c);
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  int grants = 0, revokes = 0, people = 0;
  for (const auto& person : txn.exec("SELECT key, account, web_ref::text FROM employee")) {
    const std::string key = person[0].as<std::string>(), account = person[1].as<std::string>();
    const auto view = store.staff_view(person[2].as<std::string>());
    ASSERT_TRUE(view) << account;
    const Employee employee = employee_of(view->person);
    const PersonMap map =
        person_map(*loaded.policy, employee, *standing_from_string(view->person.status),
                   view->requests, view->held, view->organisation_rights, now);
    // The page: needed and not held → a grant; held, required by nothing → a revoke.
    std::set<std::string> page_grants, page_revokes;
    for (const std::string& theme : map.needed) page_grants.insert(theme);
    for (const HeldMandate& held : view->held) page_grants.erase(held.mandate);
    for (const UnrequiredMandate& u : map.unrequired)
      if (u.will_be_revoked) page_revokes.insert(u.held->mandate);
    // The plan: the open items the two runs wrote for the person.
    std::set<std::string> plan_grants, plan_revokes;
    for (const auto& item :
         txn.exec_params("SELECT kind, mandate_id FROM change_item WHERE employee_key = $1 "
                         "AND state IN ('proposed', 'approved', 'applied', 'held')",
                         key)) {
      (item[0].as<std::string>() == "revoke" ? plan_revokes : plan_grants)
          .insert(item[1].as<std::string>());
    }
    EXPECT_EQ(page_grants, plan_grants) << account;
    EXPECT_EQ(page_revokes, plan_revokes) << account;
    grants += static_cast<int>(plan_grants.size());
    revokes += static_cast<int>(plan_revokes.size());
    ++people;
  }
  // Not a comparison of nothing: the demo has people, grants to propose and one to revoke.
  EXPECT_EQ(people, 4);
  EXPECT_GE(grants, 3);
  EXPECT_EQ(revokes, 1);
}

TEST_F(StaffPagesE2eTest, PolicyPublishWritesLinkedStaticPagesInThreeLanguagesWithoutPeople) {
  migrate_and_sync();
  const std::string out = dir_ + "/intranet";
  const std::string config = config_as(logins_.make("kirsi", "valtuus_reviewer"));
  ProcessResult published = valtuusctl({"--config", config, "policy", "publish", out});
  ASSERT_EQ(published.exit_code, 0) << published.err;
  EXPECT_NE(published.out.find("files to " + out), std::string::npos) << published.out;
  EXPECT_NE(read_whole_file(out + "/index.html").find("fi/index.html"), std::string::npos);
  int pages = 0;
  for (const std::string language : {"fi", "sv", "en"}) {
    const std::string index = read_whole_file(out + "/" + language + "/index.html");
    ASSERT_FALSE(index.empty()) << language;
    EXPECT_NE(index.find("<html lang=\"" + language + "\">"), std::string::npos);
    EXPECT_NE(index.find("department-elinkeinoasiat.html"), std::string::npos) << index;
    EXPECT_NE(index.find("title-omavalmentaja.html"), std::string::npos);
    // Every link of every page of the language leads to a file that exists.
    std::set<std::string> seen{"index.html"}, todo{"index.html"};
    while (!todo.empty()) {
      const std::string file = *todo.begin();
      todo.erase(todo.begin());
      const std::string text = read_whole_file(out + "/" + language + "/" + file);
      ASSERT_FALSE(text.empty()) << language << "/" << file;
      ++pages;
      for (const char* nobody : {"mmakinen", "mhyvonen", "hheikkila", "Mäkinen"})
        EXPECT_EQ(text.find(nobody), std::string::npos) << language << "/" << file;
      for (const std::string& target : local_links(text)) {
        const std::string path = target.starts_with("../") ? out + "/" + target.substr(3)
                                                           : out + "/" + language + "/" + target;
        EXPECT_FALSE(read_whole_file(path).empty())
            << language << "/" << file << " links " << target;
        if (!target.starts_with("../") && seen.insert(target).second) todo.insert(target);
      }
    }
  }
  EXPECT_GE(pages, 3 * 4);
  EXPECT_NE(read_whole_file(out + "/sv/department-elinkeinoasiat.html")
                .find("Granskning av förmånsuppgifter och registrering av betalningskrav"),
            std::string::npos);
  EXPECT_NE(read_whole_file(out + "/en/department-elinkeinoasiat.html")
                .find("Viewing benefit data and registering payment claims"),
            std::string::npos);
}

}  // namespace
}  // namespace valtuus::testing
