// The staff pages end to end over HTTP: the real server, console and database (as a login in
// valtuus_console), a small policy in a folder, and a directory replaced by a fixed list.
// Every active employee logs in and sees what their job needs and why, their mandates, and
// the organisation's maps; the reviewers' pages stay closed to them; nobody but the person
// and the reviewers opens a person's pages, whatever the address says.
#include <gtest/gtest.h>

#include <regex>

#include "connectors/postgres/migrations.h"
#include "core/calendar.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
#include "tests/support/test_logins.h"
#include "tests/web/http_test_client.h"
#include "web/console.h"
#include "web/http_forms.h"
#include "web/http_server.h"

namespace valtuus {
namespace {

using testing::http_request;
using testing::HttpReply;

const std::string kStaffReviewers = "CN=Reviewers,OU=Groups,DC=kunta,DC=example";

// kela: path 1 (the organisation holds it); te: path 2; vero: path 1, in no map.
const char* kCatalog = R"(mandates:
  - id: kela
    name: {fi: "Kela-asiat", sv: "FPA-ärenden", en: "Kela matters"}
    service: Kela
    organisation_holds: true
    grant_right: {holders: [kirsi], until: 2099-12-31}
  - id: te
    name: {fi: "TE-asiat", sv: "TE-ärenden", en: "TE matters"}
    service: TE-palvelut
    organisation_holds: false
  - id: vero
    name: {fi: "Veroasiat", sv: "Skatteärenden", en: "Tax matters"}
    service: Verohallinto
    organisation_holds: true
)";
const char* kMaps = R"(maps:
  - id: elinkeino
    description: "Business services"
    match: {department: ["Elinkeinoasiat"]}
    grants:
      - {mandate: kela, why: "Checks clients' Kela benefits."}
  - id: omavalmentaja
    match: {department: ["Elinkeinoasiat"], title: ["Omavalmentaja"]}
    grants:
      - {mandate: te, why: "Supports job seekers in the TE services."}
  - id: hallinto
    match: {department: ["Hallinto"]}
    grants:
      - {mandate: vero, why: "Files the unit's tax returns."}
)";

class StaffDirectory : public Authenticator {
 public:
  std::optional<DirectoryPerson> authenticate(const std::string& account,
                                              const std::string& password) override {
    if (password != account + " horse") return std::nullopt;
    if (account == "rauno")
      return DirectoryPerson{"rauno", "Rauno Reviewer", "en", {kStaffReviewers}};
    // Everyone else by the directory alone: the database decides who is an employee.
    return DirectoryPerson{account, account, "en", {}};
  }
  std::optional<DirectoryPerson> lookup(const std::string&) override { return std::nullopt; }
};

class StaffPagesTest : public ::testing::Test {
 protected:
  StaffPagesTest() : db_("staffpages"), admin_(db_.conninfo()) {
    migrate(admin_);
    const std::string login = logins_.make("console", "valtuus_console");
    policy_dir_ = testing::scratch_dir("staff-policy");
    testing::write_file(policy_dir_ + "/catalog.yaml", kCatalog);
    testing::write_file(policy_dir_ + "/maps.yaml", kMaps);
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (1, now(), 'test', true, 3, 1, 0);"
        "INSERT INTO mandate_issue (id, name_fi, name_sv, name_en, service, organisation_holds, "
        "  max_validity_days, renewal_notice_days) VALUES "
        "  ('kela', 'Kela-asiat', 'FPA-ärenden', 'Kela matters', 'Kela', true, 730, 60),"
        "  ('te', 'TE-asiat', 'TE-ärenden', 'TE matters', 'TE-palvelut', false, 730, 60),"
        "  ('vero', 'Veroasiat', 'Skatteärenden', 'Tax matters', 'Verohallinto', true, 730, 60);"
        "INSERT INTO employee (key, account, display_name, department, title, status) VALUES "
        "  ('k-anna', 'anna', 'Anna Aalto', 'Elinkeinoasiat', 'Omavalmentaja', 'active'),"
        "  ('k-bert', 'bert', 'Bert Berg', 'Talous', 'Controller', 'active'),"
        "  ('k-cecilia', 'cecilia', 'Cecilia Carlsson', 'Hallinto', 'Sihteeri', 'active'),"
        "  ('k-leo', 'leo', 'Leo Lahtinen', 'Elinkeinoasiat', 'Omavalmentaja', 'left');"
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source) "
        "  VALUES ('k-anna', 'kela', '2025-01-02', '2030-01-01', 'import'),"
        "         ('k-anna', 'vero', '2025-01-02', NULL, 'import');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint, waits_for_org_apply, created_at) VALUES (1, 1, 'grant', 'proposed', "
        "  'k-anna', 'te', 'map omavalmentaja', 'f1', true, '2026-03-02 10:00+00');"
        "INSERT INTO manual_request (id, employee_key, mandate_id, why, state, requested_by, "
        "  requested_at) VALUES (1, 'k-anna', 'vero', 'Tax returns of the unit', 'rejected', "
        "  'anna', '2026-01-05 09:00+00');"
        "SELECT setval(pg_get_serial_sequence('manual_request', 'id'), 1);");
    txn.commit();
    store_ = std::make_unique<WebStore>(DatabaseOptions{db_.conninfo() + " user=" + login, ""});
    ConsoleOptions options;
    options.role_groups.reviewer = kStaffReviewers;
    options.policy_dir = policy_dir_;
    options.sla.path1_days = 3;
    options.sla.path2_days = 42;
    console_ = std::make_unique<Console>(options, directory_, *store_);
    WebOptions web;
    web.port = 0;
    server_ = std::make_unique<HttpServer>(
        web, [this](const HttpRequest& r, const RequestInfo& i) { return console_->handle(r, i); });
    server_->start();
  }
  ~StaffPagesTest() override { server_->stop(); }

  std::string ref_of(const std::string& key) {
    pqxx::read_transaction txn(admin_);
    return txn.exec_params1("SELECT web_ref::text FROM employee WHERE key = $1", key)[0]
        .as<std::string>();
  }

  HttpReply get(const std::string& target) {
    return http_request(server_->port(), "GET", target, cookies_);
  }
  HttpReply post(const std::string& target, const std::string& form) {
    return http_request(server_->port(), "POST", target, cookies_, form);
  }
  static std::string csrf_of(const HttpReply& page) {
    std::smatch match;
    static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
    return std::regex_search(page.body, match, field) ? match[1].str() : "";
  }
  HttpReply log_in(const std::string& account) {
    cookies_.clear();
    const HttpReply form = get("/login");
    cookies_ = "valtuus_login_csrf=" + form.set_cookie("valtuus_login_csrf").value_or("");
    HttpReply reply = post("/login", "csrf=" + csrf_of(form) + "&account=" + account +
                                         "&password=" + account + "+horse");
    if (auto session = reply.set_cookie("valtuus_session"))
      cookies_ = "valtuus_session=" + *session;
    return reply;
  }

  testing::TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  std::string policy_dir_;
  StaffDirectory directory_;
  std::unique_ptr<WebStore> store_;
  std::unique_ptr<Console> console_;
  std::unique_ptr<HttpServer> server_;
  std::string cookies_;
};

TEST_F(StaffPagesTest, AnActiveEmployeeLogsInAndTheReviewersPagesStayClosed) {
  const HttpReply login = log_in("anna");
  ASSERT_EQ(login.status, 303) << login.body;
  EXPECT_EQ(login.header("location"), "/me");
  const HttpReply me = get("/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_NE(me.body.find("Employee"), std::string::npos) << me.body;
  EXPECT_NE(me.body.find("href=\"/me/map\""), std::string::npos);
  EXPECT_EQ(me.body.find("href=\"/runs\""), std::string::npos);  // no staff links
  for (const char* page : {"/", "/items/1", "/runs", "/runs/1"}) {
    const HttpReply refused = get(page);
    EXPECT_EQ(refused.status, 403) << page;
    EXPECT_NE(refused.body.find("for the mandate administrators"), std::string::npos) << page;
  }
  EXPECT_EQ(get("/security/leavers").status, 403);
  EXPECT_EQ(get("/security/sla").status, 403);
  // Not even the confirmation step of bulk approve, which would show other people's items.
  EXPECT_EQ(post("/bulk/approve", "csrf=" + csrf_of(me) + "&item-1=1&comment=x").status, 403);
  EXPECT_EQ(post("/items/1/approve", "csrf=" + csrf_of(me) + "&version=1").status, 403);
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(
      txn.exec1("SELECT roles::text FROM web_person WHERE account = 'anna'")[0].as<std::string>(),
      "{employee}");
  EXPECT_EQ(txn.exec1("SELECT state FROM change_item WHERE id = 1")[0].as<std::string>(),
            "proposed");
}

TEST_F(StaffPagesTest, NeitherALeaverNorAStrangerLogsIn) {
  EXPECT_EQ(log_in("leo").status, 403);  // left: no longer an employee, and in no group
  EXPECT_FALSE(get("/me").status == 200);
  EXPECT_EQ(log_in("mallory").status, 403);  // the directory knows her, the last read does not
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM web_person WHERE roles <> '{}'")[0].as<int>(), 0);
}

TEST_F(StaffPagesTest, MyMapShowsEachThemeWithItsWhyPathAndWhetherIHoldIt) {
  ASSERT_EQ(log_in("anna").status, 303);
  const HttpReply map = get("/me/map");
  ASSERT_EQ(map.status, 200) << map.body;
  EXPECT_NE(map.body.find("id=\"map-elinkeino\""), std::string::npos) << map.body;
  EXPECT_NE(map.body.find("id=\"map-omavalmentaja\""), std::string::npos);
  EXPECT_NE(map.body.find("<tr data-theme=\"kela\" data-held=\"yes\"><td>Kela matters</td>"),
            std::string::npos);
  EXPECT_NE(map.body.find("Checks clients&apos; Kela benefits."), std::string::npos) << map.body;
  EXPECT_NE(map.body.find("Yes, until 2030-01-01"), std::string::npos);
  EXPECT_NE(map.body.find("<tr data-theme=\"te\" data-held=\"no\">"), std::string::npos);
  EXPECT_NE(map.body.find("Path 2: the organisation must first apply to DVV for the right to "
                          "grant it, about 42 days"),
            std::string::npos);
  // Held, but no map requires it and the order for it was rejected: it will be revoked.
  EXPECT_NE(map.body.find("<tr data-unrequired=\"vero\" data-revoke=\"yes\">"), std::string::npos)
      << map.body;
  // Not before the movers' grace period (14 days by default) from her role's last change.
  const auto grace_ends = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
                          std::chrono::days{14};
  EXPECT_NE(map.body.find("Will be revoked, not before " + format_iso_date(grace_ends)),
            std::string::npos);
  // The same page in Swedish.
  ASSERT_EQ(get("/language?lang=sv").status, 303);
  EXPECT_NE(get("/me/map").body.find("<td>FPA-ärenden</td>"), std::string::npos);
}

// The order form refuses a theme the maps already give: the same rule as the map page.
TEST_F(StaffPagesTest, TheOrderFormRefusesAThemeMyMapsAlreadyGiveMe) {
  // Cecilia's department's map gives her vero; te is in none of her maps.
  ASSERT_EQ(log_in("cecilia").status, 303);
  ASSERT_NE(get("/me/map").body.find("id=\"map-hallinto\""), std::string::npos);
  const std::string csrf = csrf_of(get("/order"));
  const HttpReply refused = post("/order", "csrf=" + csrf + "&mandate=vero&why=Tax+returns");
  EXPECT_NE(refused.body.find("The authorisation maps already give this mandate"),
            std::string::npos)
      << refused.body;
  // te is in none of his maps: that order goes through.
  const HttpReply sent = post("/order", "csrf=" + csrf + "&mandate=te&why=Covering+for+Anna");
  EXPECT_EQ(sent.status, 303) << sent.body;
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM manual_request WHERE employee_key = 'k-cecilia' "
                      "  AND mandate_id = 'vero'")[0]
                .as<int>(),
            0);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM manual_request WHERE employee_key = 'k-cecilia' "
                      "  AND mandate_id = 'te' AND state = 'pending'")[0]
                .as<int>(),
            1);
}

TEST_F(StaffPagesTest, MyMandatesShowEndDatesExpectedDatesAndMyOrders) {
  ASSERT_EQ(log_in("anna").status, 303);
  const HttpReply page = get("/me/mandates");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(
      page.body.find("<td>Kela matters</td><td>Kela</td><td class=\"console-date\">2025-01-02</td>"
                     "<td class=\"console-date\">2030-01-01"),
      std::string::npos)
      << page.body;
  EXPECT_NE(
      page.body.find(
          "<td>Tax matters</td><td>Verohallinto</td><td class=\"console-date\">2025-01-02</td>"
          "<td class=\"console-date\">no end date"),
      std::string::npos);
  // The grant waits for the organisation's application to DVV: path 2, 42 days from its start.
  EXPECT_NE(page.body.find("<tr data-item=\"1\" data-path=\"2\">"), std::string::npos);
  EXPECT_NE(page.body.find("<td class=\"console-date\">2026-04-13</td>"), std::string::npos)
      << page.body;
  EXPECT_NE(
      page.body.find(
          "<tr data-order=\"1\"><td class=\"console-date\">2026-01-05</td><td>Tax matters</td>"),
      std::string::npos);
  EXPECT_NE(page.body.find("Rejected"), std::string::npos);
}

TEST_F(StaffPagesTest, AnotherEmployeesPagesAreRefusedWhateverTheAddress) {
  const std::string anna = ref_of("k-anna"), bert = ref_of("k-bert");
  ASSERT_EQ(log_in("bert").status, 303);
  const HttpReply own = get("/me/map");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_NE(own.body.find("id=\"no-maps\""), std::string::npos);  // Talous has no map here
  EXPECT_EQ(get("/people/" + bert + "/map").status, 200);
  EXPECT_EQ(get("/people/" + bert + "/mandates").status, 200);
  // Bert changes the person in the address: refused, and nothing of Anna's is shown.
  for (const std::string page : {"/map", "/mandates"}) {
    const HttpReply refused = get("/people/" + anna + page);
    EXPECT_EQ(refused.status, 403) << page;
    EXPECT_EQ(refused.body.find("Anna"), std::string::npos) << refused.body;
  }
  // Nor by the directory key, a made-up reference or anything else in its place.
  for (const std::string& ref :
       {std::string("k-anna"), std::string("00000000-0000-0000-0000-000000000000"),
        std::string("anna"), std::string("'; SELECT 1 --")}) {
    EXPECT_EQ(get("/people/" + url_encode(ref) + "/map").status, 403) << ref;
  }
  // A reviewer may open Anna's pages.
  ASSERT_EQ(log_in("rauno").status, 303);
  const HttpReply reviewer = get("/people/" + anna + "/map");
  EXPECT_EQ(reviewer.status, 200);
  EXPECT_NE(reviewer.body.find("Anna Aalto"), std::string::npos);
  EXPECT_EQ(get("/me/map").status, 403);  // the reviewer is no employee in this read
}

TEST_F(StaffPagesTest, TheOrganisationsMapsByDepartmentAndTitle) {
  ASSERT_EQ(log_in("bert").status, 303);
  EXPECT_EQ(get("/maps").header("location"), "/maps/index.html");
  const HttpReply index = get("/maps/index.html");
  ASSERT_EQ(index.status, 200) << index.body;
  EXPECT_NE(index.body.find("<a href=\"department-elinkeinoasiat.html\">Elinkeinoasiat</a> (2)"),
            std::string::npos)
      << index.body;
  EXPECT_NE(index.body.find("<a href=\"title-omavalmentaja.html\">Omavalmentaja</a> (1)"),
            std::string::npos);
  const HttpReply department = get("/maps/department-elinkeinoasiat.html");
  ASSERT_EQ(department.status, 200);
  EXPECT_NE(department.body.find("<tr data-theme=\"kela\" data-path=\"1\"><td>Kela matters</td>"),
            std::string::npos)
      << department.body;
  EXPECT_NE(department.body.find("<tr data-theme=\"te\" data-path=\"2\">"), std::string::npos);
  EXPECT_EQ(department.body.find("kirsi"), std::string::npos);  // no holders, no accounts
  const HttpReply title = get("/maps/title-omavalmentaja.html");
  EXPECT_EQ(title.body.find("id=\"map-elinkeino\""), std::string::npos);
  EXPECT_NE(title.body.find("id=\"map-omavalmentaja\""), std::string::npos);
  EXPECT_EQ(get("/maps/../../etc/passwd").status, 404);
  {
    pqxx::work txn(admin_);  // DVV granted the organisation the right: te is path 1 today
    txn.exec("INSERT INTO organisation_holding (mandate_id, obtained_at) VALUES ('te', now())");
    txn.commit();
  }
  EXPECT_NE(get("/maps/department-elinkeinoasiat.html")
                .body.find("<tr data-theme=\"te\" data-path=\"1\">"),
            std::string::npos);
}

}  // namespace
}  // namespace valtuus
