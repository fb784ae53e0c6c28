// The order form end to end over HTTP: the real server and pages, the real database as a login
// in valtuus_console, and a directory replaced by a fixed list of people. Employees order
// themes on both paths and see each path's expected time; duplicates, held themes, a missing
// justification and a far end date are refused field by field with everything typed kept;
// the orderer never approves their own order; a manager orders for a direct report and nobody
// else may; a theme missing from the catalog goes to the reviewers' list, who close it; an
// identity code typed on the form is stored sealed and shown masked only.
// Anna and Ville have no console role (plain employees); Rauno is a reviewer and Anna's
// manager, so everything an employee does here holds for people without a role.
#include <gtest/gtest.h>

#include <regex>

#include "common/identity_crypto.h"
#include "connectors/postgres/migrations.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"
#include "tests/web/http_test_client.h"
#include "tests/web/identity_code_check.h"
#include "web/console.h"
#include "web/http_forms.h"
#include "web/http_server.h"

namespace valtuus {
namespace {

using testing::http_request;
using testing::HttpReply;

const std::string kOrderReviewers = "CN=Reviewers,OU=Groups,DC=kunta,DC=example";
const std::string kOrderAdmins = "CN=Admins,OU=Groups,DC=kunta,DC=example";
const std::string kRaunoDn = "CN=Rauno Reviewer,OU=Staff,DC=kunta,DC=example";

class Directory : public Authenticator {
 public:
  std::optional<DirectoryPerson> authenticate(const std::string& account,
                                              const std::string& password) override {
    if (password != account + " horse") return std::nullopt;
    return lookup(account);
  }
  std::optional<DirectoryPerson> lookup(const std::string& account) override {
    if (account == "rauno")
      return DirectoryPerson{"rauno", "Rauno Reviewer", "en", {kOrderReviewers}};
    if (account == "aino") return DirectoryPerson{"aino", "Aino Admin", "en", {kOrderAdmins}};
    if (account == "anna") return DirectoryPerson{"anna", "Anna Aalto", "en", {}};
    if (account == "ville") return DirectoryPerson{"ville", "Ville Virta", "en", {}};
    return std::nullopt;
  }
};

class OrderTest : public ::testing::Test {
 protected:
  OrderTest() : db_("weborders"), admin_(db_.conninfo()) {
    migrate(admin_);
    const std::string login = logins_.make("console", "valtuus_console");
    pqxx::work txn(admin_);
    // kela: path 1; te: path 2 (the organisation must apply to DVV); okm: Anna holds it.
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (1, now(), 'test', true, 4, 0, 0);"
        "INSERT INTO mandate_issue (id, name_fi, name_sv, name_en, service, organisation_holds, "
        "  max_validity_days, renewal_notice_days) VALUES "
        "  ('kela', 'Etuustietojen katselu', 'Visning av förmånsuppgifter', "
        "   'Viewing benefit data', 'Kela', true, 730, 60),"
        "  ('te', 'Palkkatuen hakeminen', 'Ansökan om lönesubvention', "
        "   'Applying for pay subsidy', 'TE', false, 730, 60),"
        "  ('okm', 'Avustushakemukset', 'Understödsansökningar', 'Grant applications', "
        "   'OKM', true, 730, 60);"
        "INSERT INTO employee (key, account, display_name, department, title, dn, manager_dn) "
        "  VALUES ('k-anna', 'anna', 'Anna Aalto', 'Elinkeinoasiat', 'Omavalmentaja', "
        "    'CN=Anna Aalto,OU=Staff,DC=kunta,DC=example', 'cn=rauno reviewer,ou=staff,"
        "dc=kunta,dc=example'),"
        "  ('k-rauno', 'rauno', 'Rauno Reviewer', 'Hallinto', '', '" +
        kRaunoDn +
        "', ''),"
        "  ('k-aino', 'aino', 'Aino Admin', 'Hallinto', '', 'CN=Aino,DC=kunta,DC=example', ''),"
        "  ('k-ville', 'ville', 'Ville Virta', 'Tekninen', '', 'CN=Ville,DC=kunta,DC=example', "
        "    '');"
        "INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked) "
        "  SELECT k, '\\x00', '\\x00', '\\x00', '010190-****' "
        "  FROM unnest(ARRAY['k-anna', 'k-rauno', 'k-aino']) k;"
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source) "
        "  VALUES ('k-anna', 'okm', current_date - 10, current_date + 300, 'import');");
    txn.commit();
    store_ = std::make_unique<WebStore>(DatabaseOptions{db_.conninfo() + " user=" + login, ""});
    ConsoleOptions options;
    options.role_groups.reviewer = kOrderReviewers;
    options.role_groups.admin = kOrderAdmins;
    options.orders.sla = {3, 42};
    options.orders.maps_give = [](const std::string& account, const std::string& mandate) {
      return account == "ville" && mandate == "okm";  // Ville's maps give him okm
    };
    options.orders.ask_identity_code = true;
    options.orders.identity_crypto = std::make_shared<IdentityCrypto>(
        std::array<unsigned char, IdentityCrypto::kKeyBytes>{1, 2, 3});
    console_ = std::make_unique<Console>(options, directory_, *store_);
    WebOptions web;
    web.port = 0;
    server_ = std::make_unique<HttpServer>(
        web, [this](const HttpRequest& r, const RequestInfo& i) { return console_->handle(r, i); });
    server_->start();
  }
  ~OrderTest() override { server_->stop(); }

  HttpReply get(const std::string& target) {
    HttpReply reply = http_request(server_->port(), "GET", target, cookies_);
    check_page(reply, target);
    return reply;
  }
  HttpReply post(const std::string& target, const std::string& form) {
    HttpReply reply = http_request(server_->port(), "POST", target, cookies_, form);
    check_page(reply, target);
    return reply;
  }
  // No identity code anywhere in a page or an address.
  static void check_page(const HttpReply& reply, const std::string& target) {
    EXPECT_FALSE(testing::shows_identity_code(reply.body)) << target;
    EXPECT_FALSE(testing::shows_identity_code(reply.header("location"))) << target;
  }
  static std::string csrf_of(const HttpReply& page) {
    std::smatch match;
    static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
    return std::regex_search(page.body, match, field) ? match[1].str() : "";
  }
  void log_in(const std::string& account) {
    cookies_.clear();
    const HttpReply form = get("/login");
    cookies_ = "valtuus_login_csrf=" + form.set_cookie("valtuus_login_csrf").value_or("");
    const HttpReply reply = post("/login", "csrf=" + csrf_of(form) + "&account=" + account +
                                               "&password=" + account + "+horse");
    ASSERT_EQ(reply.status, 303) << reply.body;
    cookies_ = "valtuus_session=" + reply.set_cookie("valtuus_session").value_or("");
    csrf_ = csrf_of(get("/order"));
  }
  HttpReply order(const std::string& fields) {
    return post("/order", "csrf=" + csrf_ + "&" + fields);
  }
  long long count(const std::string& sql) {
    pqxx::read_transaction txn(admin_);
    return txn.exec1(sql)[0].as<long long>();
  }

  testing::TestLogins logins_;
  testing::MigratedDatabase db_;
  pqxx::connection admin_;
  Directory directory_;
  std::unique_ptr<WebStore> store_;
  std::unique_ptr<Console> console_;
  std::unique_ptr<HttpServer> server_;
  std::string cookies_;
  std::string csrf_;
};

TEST_F(OrderTest, AnEmployeeOrdersOnBothPathsAndSeesEachPathsExpectedTime) {
  log_in("anna");
  // Before sending: each theme says its path and time.
  const HttpReply search = get("/order?q=benefit");
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_NE(search.body.find("Viewing benefit data"), std::string::npos) << search.body;
  EXPECT_NE(search.body.find("Path 1: the organisation can grant this itself. Handling takes "
                             "about 3 days."),
            std::string::npos);
  EXPECT_EQ(search.body.find("Applying for pay subsidy"), std::string::npos);  // not matched
  const HttpReply te = get("/order?q=subsidy");
  EXPECT_NE(te.body.find("Path 2: the organisation must first apply to DVV for the right to "
                         "grant this. Handling takes about 42 days."),
            std::string::npos)
      << te.body;

  HttpReply sent = order("mandate=kela&why=Kela+claims+for+job+seekers");
  ASSERT_EQ(sent.status, 303) << sent.body;
  HttpReply page = get(sent.header("location"));
  EXPECT_NE(page.body.find("was received"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("about 3 days"), std::string::npos);
  sent = order("mandate=te&why=Pay+subsidy+applications&until=2030-12-31");
  ASSERT_EQ(sent.status, 303) << sent.body;
  page = get(sent.header("location"));
  EXPECT_NE(page.body.find("about 42 days"), std::string::npos) << page.body;
  // Both listed as the person's orders, waiting.
  EXPECT_NE(page.body.find("<td>Viewing benefit data</td><td>Waiting</td>"), std::string::npos)
      << page.body;

  pqxx::read_transaction txn(admin_);
  const auto row = txn.exec1(
      "SELECT employee_key, requested_by, why, valid_until::text, state FROM manual_request "
      "WHERE mandate_id = 'te'");
  EXPECT_EQ(row[0].as<std::string>(), "k-anna");
  EXPECT_EQ(row[1].as<std::string>(), "anna");
  EXPECT_EQ(row[2].as<std::string>(), "Pay subsidy applications");
  EXPECT_EQ(row[3].as<std::string>(), "2030-12-31");
  EXPECT_EQ(row[4].as<std::string>(), "pending");
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'request_created' "
                      "AND actor = 'anna' AND details->>'via' = 'web'")[0]
                .as<int>(),
            2);
}

TEST_F(OrderTest, TheCatalogIsSearchedInThePersonsLanguage) {
  log_in("anna");
  ASSERT_EQ(get("/language?lang=sv").status, 303);
  const HttpReply page = get("/order?q=f%C3%B6rm%C3%A5ns");  // "förmåns"
  EXPECT_NE(page.body.find("Visning av förmånsuppgifter"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Stig 1"), std::string::npos);
  EXPECT_EQ(page.body.find("Understödsansökningar"), std::string::npos);
  // A pattern character is a letter: "%" matches no theme rather than all.
  EXPECT_NE(get("/order?q=%25").body.find("Sökningen hittade inga"), std::string::npos);
}

TEST_F(OrderTest, RefusalsNameTheFieldAndKeepWhatWasTyped) {
  log_in("anna");
  // No justification, an end date beyond 25 years: both in the summary, linked to the fields.
  HttpReply refused = order("q=benefit&mandate=kela&why=+&until=2090-01-01");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("There is a problem"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("<a href=\"#why\">Say why the work needs the mandate</a>"),
            std::string::npos)
      << refused.body;
  EXPECT_NE(refused.body.find("<a href=\"#until\">A mandate ends at most 25 years ahead</a>"),
            std::string::npos);
  EXPECT_NE(refused.body.find("id=\"until-error\""), std::string::npos);
  EXPECT_NE(refused.body.find("value=\"2090-01-01\""), std::string::npos);  // kept
  EXPECT_NE(refused.body.find("value=\"kela\" checked"), std::string::npos);
  EXPECT_NE(refused.body.find("<title>Error: Order a mandate"), std::string::npos);
  // A date in the past, and no theme chosen.
  refused = order("why=needed&until=2001-01-01");
  EXPECT_NE(refused.body.find("<a href=\"#mandate\">Choose a theme</a>"), std::string::npos);
  EXPECT_NE(refused.body.find("The end date cannot be in the past"), std::string::npos);
  EXPECT_NE(refused.body.find(">needed</textarea>"), std::string::npos);

  // Held already (okm), and an order already open.
  refused = order("mandate=okm&why=again");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("This mandate is held already."), std::string::npos);
  ASSERT_EQ(order("mandate=kela&why=first").status, 303);
  refused = order("mandate=kela&why=second");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("<a href=\"#mandate\">An order for this mandate is already open."),
            std::string::npos)
      << refused.body;
  EXPECT_EQ(count("SELECT count(*) FROM manual_request"), 1);
}

TEST_F(OrderTest, AThemeTheMapsGiveOrOneBeingGrantedIsRefused) {
  {
    pqxx::work txn(admin_);  // the daemon proposed te for Anna from her maps
    txn.exec(
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint) VALUES (1, 1, 'grant', 'proposed', 'k-anna', 'te', 'map', 'f1')");
    txn.commit();
  }
  log_in("anna");
  const HttpReply refused = order("mandate=te&why=x");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("This mandate is already being granted."), std::string::npos);
  log_in("ville");
  // The page's map check (the hook), before the database is asked.
  const HttpReply maps = order("mandate=okm&why=x&identity_code=131052-308T");
  EXPECT_EQ(maps.status, 422);
  EXPECT_NE(maps.body.find("The authorisation maps already give this mandate"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM manual_request"), 0);
}

TEST_F(OrderTest, TheOrdererNeverApprovesTheirOwnOrder) {
  log_in("rauno");  // a reviewer ordering for himself
  ASSERT_EQ(order("mandate=kela&why=covering+a+colleague").status, 303);
  {
    pqxx::work txn(admin_);  // the next sync proposes the grant of the order
    txn.exec(
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint, request_id) SELECT 5, 1, 'grant', 'proposed', 'k-rauno', 'kela', "
        "  'order', 'f5', id FROM manual_request");
    txn.commit();
  }
  const HttpReply item = get("/items/5");
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(post("/items/5/approve", "csrf=" + csrf_of(item) + "&version=1").status, 403);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE id = 5 AND state = 'proposed'"), 1);
  log_in("aino");  // another person may
  EXPECT_EQ(post("/items/5/approve", "csrf=" + csrf_ + "&version=1").status, 303);
  EXPECT_EQ(count("SELECT count(*) FROM manual_request WHERE state = 'approved'"), 1);
}

TEST_F(OrderTest, AManagerOrdersForADirectReportAndNobodyElseMay) {
  log_in("rauno");
  const HttpReply reports = get("/reports");
  ASSERT_EQ(reports.status, 200);
  EXPECT_NE(reports.body.find("Anna Aalto (anna)"), std::string::npos) << reports.body;
  EXPECT_NE(reports.body.find("href=\"/order?for=anna\""), std::string::npos);
  const HttpReply form = get("/order?for=anna");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_NE(form.body.find("Order a mandate for Anna Aalto"), std::string::npos);
  const HttpReply sent = order("for=anna&mandate=kela&why=her+new+duties");
  ASSERT_EQ(sent.status, 303) << sent.body;
  EXPECT_NE(sent.header("location").find("for=anna"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM manual_request WHERE employee_key = 'k-anna' "
                  "AND requested_by = 'rauno'"),
            1);

  // Ville is nobody's manager: refused by the page, and by the database for a hand-made form.
  log_in("ville");
  EXPECT_EQ(get("/order?for=anna").status, 403);
  EXPECT_EQ(get("/reports").body.find("anna"), std::string::npos);
  EXPECT_EQ(order("for=anna&mandate=te&why=x").status, 403);
  EXPECT_EQ(get("/order/theme?for=anna").status, 403);
  const std::string console_login =
      db_.conninfo() + " user=" + logins_.make("web", "valtuus_console");
  const std::string refusal = testing::try_sql(
      console_login, "SELECT web_create_request('ville', 'anna', 'te', 'x', NULL)");
  EXPECT_NE(refusal.find("only for themselves and their direct reports"), std::string::npos)
      << refusal;
  // The database holds the end date to 25 years whatever a page let through.
  const std::string far = testing::try_sql(
      console_login, "SELECT web_create_request('rauno', 'anna', 'te', 'x', current_date + 9200)");
  EXPECT_NE(far.find("more than 25 years ahead"), std::string::npos) << far;
  EXPECT_EQ(count("SELECT count(*) FROM manual_request WHERE mandate_id = 'te'"), 0);
}

TEST_F(OrderTest, AMissingThemeGoesToTheReviewersWhoCloseIt) {
  log_in("anna");
  const HttpReply form = get("/order/theme");
  ASSERT_EQ(form.status, 200);
  HttpReply refused = post("/order/theme", "csrf=" + csrf_ + "&description=&why=kept+text");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("<a href=\"#description\">Describe the theme</a>"), std::string::npos)
      << refused.body;
  EXPECT_NE(refused.body.find(">kept text</textarea>"), std::string::npos);
  const HttpReply sent =
      post("/order/theme", "csrf=" + csrf_ + "&description=Vero%3A+tulorekisteri&why=payroll");
  ASSERT_EQ(sent.status, 303) << sent.body;
  EXPECT_NE(get(sent.header("location")).body.find("was sent to the administrators"),
            std::string::npos);
  EXPECT_EQ(get("/theme-requests").status, 403);  // employees do not see the list

  log_in("rauno");
  HttpReply list = get("/theme-requests");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("Vero: tulorekisteri"), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("Anna Aalto (anna)"), std::string::npos);
  const long long id = count("SELECT id FROM theme_request");
  const std::string close = "/theme-requests/" + std::to_string(id) + "/close";
  EXPECT_EQ(post(close, "csrf=" + csrf_ + "&note=").status, 422);
  list = post(close, "csrf=" + csrf_ + "&note=added+to+catalog.yaml");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find("Vero: tulorekisteri"), std::string::npos);
  EXPECT_EQ(post(close, "csrf=" + csrf_ + "&note=again").status, 409);
  EXPECT_EQ(count("SELECT count(*) FROM theme_request WHERE state = 'closed' AND closed_by = "
                  "'rauno'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action IN ('theme_requested', "
                  "'theme_request_closed')"),
            2);
}

TEST_F(OrderTest, AnIdentityCodeTypedOnTheFormIsStoredSealedAndShownMaskedOnly) {
  log_in("ville");  // the directory holds no codes, and none is stored for Ville
  const HttpReply form = get("/order");
  EXPECT_NE(form.body.find("name=\"identity_code\""), std::string::npos);
  HttpReply refused = order("mandate=kela&why=x&identity_code=131052-308X");
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.body.find("<a href=\"#identity_code\">"), std::string::npos);
  EXPECT_EQ(refused.body.find("131052-308X"), std::string::npos);  // never shown back
  const HttpReply sent = order("mandate=kela&why=x&identity_code=131052-308T");
  ASSERT_EQ(sent.status, 303) << sent.body;
  const HttpReply page = get(sent.header("location"));
  EXPECT_EQ(page.body.find("name=\"identity_code\""), std::string::npos);  // not asked again
  EXPECT_NE(page.body.find("131052-****"), std::string::npos) << page.body;
  pqxx::read_transaction txn(admin_);
  const auto row = txn.exec1(
      "SELECT masked, length(ciphertext) > 10 FROM identity_code WHERE employee_key = "
      "'k-ville'");
  EXPECT_EQ(row[0].as<std::string>(), "131052-****");
  EXPECT_TRUE(row[1].as<bool>());
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'identity_code_entered' "
                      "AND details::text LIKE '%308T%'")[0]
                .as<int>(),
            0);
}

}  // namespace
}  // namespace valtuus
