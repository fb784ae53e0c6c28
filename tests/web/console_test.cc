// The console end to end over HTTP: the real server and pages, the real database (as a login
// in valtuus_console), and a directory replaced by a fixed list of people. A reviewer logs in,
// approves an item, records it done and sees it leave the queue; a stale approve, a POST
// without the CSRF token and a wrong password are refused; no page holds an identity code.
#include <gtest/gtest.h>

#include <regex>

#include "connectors/postgres/migrations.h"
#include "core/calendar.h"
#include "tests/support/test_database.h"
#include "tests/support/test_logins.h"
#include "tests/web/http_test_client.h"
#include "web/console.h"
#include "web/http_forms.h"
#include "web/http_server.h"

namespace valtuus {
namespace {

using testing::http_request;
using testing::HttpReply;

const std::string kReviewers = "CN=Reviewers,OU=Groups,DC=kunta,DC=example";

class FixedDirectory : public Authenticator {
 public:
  std::optional<DirectoryPerson> authenticate(const std::string& account,
                                              const std::string& password) override {
    if (account == "rauno" && password == "right horse") {
      return DirectoryPerson{"rauno", "Rauno Reviewer", "en", {kReviewers}};
    }
    if (account == "ville" && password == "no groups") {
      return DirectoryPerson{"ville", "Ville", "fi", {}};
    }
    return std::nullopt;
  }
  std::optional<DirectoryPerson> lookup(const std::string& account) override {
    if (account == "rauno") return DirectoryPerson{"rauno", "Rauno Reviewer", "en", {kReviewers}};
    return std::nullopt;
  }
};

class ConsoleTest : public ::testing::Test {
 protected:
  explicit ConsoleTest(const std::string& trusted_proxy = "")
      : db_("webconsole"), admin_(db_.conninfo()) {
    migrate(admin_);
    const std::string login = logins_.make("console", "valtuus_console");
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (1, now(), 'test', true, 1, 2, 0);"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('kela', 'Kela-asiat', 'Kela', true, 730, 60),"
        "  ('te', 'TE-asiat', 'TE', true, 730, 60);"
        "INSERT INTO employee (key, account, display_name, department) "
        "  VALUES ('k-anna', 'anna', 'Anna Aalto', 'Elinkeinoasiat');"
        "INSERT INTO identity_code (employee_key, ciphertext, nonce, match_hash, masked) "
        "  VALUES ('k-anna', '\\x00', '\\x00', '\\x00', '131052-****');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint) VALUES (1, 1, 'grant', 'proposed', 'k-anna', 'kela', 'map', 'f1'),"
        "  (2, 1, 'grant', 'proposed', 'k-anna', 'te', 'map', 'f2');"
        "SELECT setval('change_item_id_seq', 2);");
    txn.commit();
    store_ = std::make_unique<WebStore>(DatabaseOptions{db_.conninfo() + " user=" + login, ""});
    ConsoleOptions options;
    options.role_groups.reviewer = kReviewers;
    options.login_max_failures = 3;
    if (!trusted_proxy.empty()) {
      options.trusted_header = "X-Remote-User";
      options.trusted_proxy = trusted_proxy;
    }
    console_ = std::make_unique<Console>(options, directory_, *store_);
    WebOptions web;
    web.port = 0;
    server_ = std::make_unique<HttpServer>(
        web, [this](const HttpRequest& r, const RequestInfo& i) { return console_->handle(r, i); });
    server_->start();
  }
  ~ConsoleTest() override { server_->stop(); }

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

  // Every answer: no identity code anywhere, and pages are never cached.
  void check_page(const HttpReply& reply, const std::string& target) {
    static const std::regex code(R"(\d{6}[-+A]\d{3}[0-9A-Y])");
    EXPECT_FALSE(std::regex_search(reply.body, code)) << target;
    if (reply.header("content-type").starts_with("text/html")) {
      EXPECT_EQ(reply.header("cache-control"), "no-store") << target;
    }
  }

  // The hidden CSRF field of the page.
  static std::string csrf_of(const HttpReply& page) {
    std::smatch match;
    static const std::regex field(R"re(name="csrf" value="([^"]+)")re");
    return std::regex_search(page.body, match, field) ? match[1].str() : "";
  }

  HttpReply log_in(const std::string& account, const std::string& password) {
    cookies_.clear();
    const HttpReply form = get("/login");
    const auto login_cookie = form.set_cookie("valtuus_login_csrf");
    EXPECT_TRUE(login_cookie);
    cookies_ = "valtuus_login_csrf=" + login_cookie.value_or("");
    HttpReply reply = post("/login", "csrf=" + csrf_of(form) + "&account=" + account +
                                         "&password=" + url_encode(password));
    if (auto session = reply.set_cookie("valtuus_session")) {
      cookies_ = "valtuus_session=" + *session;
    }
    return reply;
  }

  testing::TestLogins logins_;
  testing::TestDatabase db_;
  pqxx::connection admin_;
  FixedDirectory directory_;
  std::unique_ptr<WebStore> store_;
  std::unique_ptr<Console> console_;
  std::unique_ptr<HttpServer> server_;
  std::string cookies_;
};

TEST_F(ConsoleTest, AReviewerApprovesRecordsDoneAndTheItemLeavesTheQueue) {
  EXPECT_EQ(get("/").status, 303);  // not logged in: to the login page
  const HttpReply login = log_in("rauno", "right horse");
  ASSERT_EQ(login.status, 303) << login.body;
  const std::string cookie = login.header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;

  HttpReply queue = get("/");
  ASSERT_EQ(queue.status, 200) << queue.body;
  EXPECT_NE(queue.body.find("href=\"/items/1\""), std::string::npos) << queue.body;
  EXPECT_NE(queue.body.find("lang=\"en\""), std::string::npos);  // the directory's language

  HttpReply item = get("/items/1");
  ASSERT_EQ(item.status, 200);
  EXPECT_NE(item.body.find("Anna Aalto"), std::string::npos);
  // The execution steps in the person's language, with the concrete end date to type.
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  EXPECT_NE(item.body.find("type the end date " + format_iso_date(today + std::chrono::days{730})),
            std::string::npos)
      << item.body;
  EXPECT_NE(item.body.find("Sign in to Suomi.fi e-Authorizations"), std::string::npos);
  const std::string csrf = csrf_of(item);
  ASSERT_FALSE(csrf.empty());
  HttpReply approved = post("/items/1/approve", "csrf=" + csrf + "&version=1");
  ASSERT_EQ(approved.status, 303) << approved.body;

  item = get("/items/1");
  EXPECT_NE(item.body.find("id=\"done\""), std::string::npos) << item.body;
  HttpReply done = post("/items/1/done", "csrf=" + csrf + "&version=2&note=granted");
  ASSERT_EQ(done.status, 303) << done.body;
  queue = get("/");
  EXPECT_EQ(queue.body.find("href=\"/items/1\""), std::string::npos);
  EXPECT_NE(queue.body.find("href=\"/items/2\""), std::string::npos);

  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT executed_by FROM change_item WHERE id = 1")[0].as<std::string>(),
            "rauno");
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_event WHERE item_id = 1 AND actor = 'rauno' "
                      "AND details->>'via' = 'web'")[0]
                .as<int>(),
            2);
}

TEST_F(ConsoleTest, AStaleApproveIsRefusedWithAClearMessageAndChangesNothing) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const std::string csrf = csrf_of(get("/items/2"));
  {
    pqxx::work txn(admin_);  // someone else rejected it meanwhile
    txn.exec("UPDATE change_item SET state = 'rejected', version = 2 WHERE id = 2");
    txn.commit();
  }
  const HttpReply stale = post("/items/2/approve", "csrf=" + csrf + "&version=1");
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body.find("changed since you opened the page"), std::string::npos) << stale.body;
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT state FROM change_item WHERE id = 2")[0].as<std::string>(),
            "rejected");
}

TEST_F(ConsoleTest, APostWithoutTheSessionsCsrfTokenIsRefused) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  EXPECT_EQ(post("/items/1/approve", "version=1").status, 403);
  EXPECT_EQ(post("/items/1/approve", "csrf=" + std::string(43, 'A') + "&version=1").status, 403);
  EXPECT_EQ(post("/logout", "").status, 403);
  // And the login form without its own token.
  cookies_.clear();
  EXPECT_EQ(post("/login", "account=rauno&password=right+horse").status, 403);
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT state FROM change_item WHERE id = 1")[0].as<std::string>(),
            "proposed");
}

TEST_F(ConsoleTest, AWrongPasswordIsRefusedAndRepeatedTriesAreLimited) {
  const HttpReply wrong = log_in("rauno", "wrong horse");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_FALSE(wrong.set_cookie("valtuus_session"));
  // Before login the pages are in Finnish, unless the person switched.
  EXPECT_NE(wrong.body.find("Väärä käyttäjätunnus tai salasana"), std::string::npos) << wrong.body;
  log_in("rauno", "wrong 2");
  log_in("rauno", "wrong 3");
  // Now even the right password is not tried against the directory.
  const HttpReply limited = log_in("rauno", "right horse");
  EXPECT_EQ(limited.status, 401);
  EXPECT_NE(limited.body.find("Liian monta epäonnistunutta yritystä"), std::string::npos);
}

TEST_F(ConsoleTest, LogoutEndsTheSession) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const std::string csrf = csrf_of(get("/"));
  EXPECT_EQ(post("/logout", "csrf=" + csrf).status, 303);
  EXPECT_EQ(get("/").status, 303);
  EXPECT_EQ(post("/items/1/approve", "csrf=" + csrf + "&version=1").status, 403);
}

TEST_F(ConsoleTest, SomeoneWithoutARoleSeesNoQueueAndCannotDecide) {
  ASSERT_EQ(log_in("ville", "no groups").status, 303);
  EXPECT_EQ(get("/").status, 403);
  const HttpReply me = get("/me");
  EXPECT_EQ(me.status, 200);
  const std::string csrf = csrf_of(me);
  // Even a hand-made POST: the database refuses a person whose login gave no role.
  EXPECT_EQ(post("/items/1/approve", "csrf=" + csrf + "&version=1").status, 403);
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT state FROM change_item WHERE id = 1")[0].as<std::string>(),
            "proposed");
}

TEST_F(ConsoleTest, TheLanguageSwitchChangesThePages) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  EXPECT_EQ(get("/language?lang=sv").status, 303);
  const HttpReply queue = get("/");
  EXPECT_NE(queue.body.find("lang=\"sv\""), std::string::npos);
  EXPECT_NE(queue.body.find("Öppna ändringar"), std::string::npos);
}

class ProxyLoginTest : public ConsoleTest {
 protected:
  ProxyLoginTest() : ConsoleTest("127.0.0.1") {}
};

TEST_F(ProxyLoginTest, TheTrustedProxysHeaderLogsThePersonIn) {
  const HttpReply first =
      http_request(server_->port(), "GET", "/items/1", "", "", "X-Remote-User: rauno\r\n");
  ASSERT_EQ(first.status, 303) << first.body;
  EXPECT_EQ(first.header("location"), "/items/1");
  const auto session = first.set_cookie("valtuus_session");
  ASSERT_TRUE(session);
  cookies_ = "valtuus_session=" + *session;
  EXPECT_EQ(get("/items/1").status, 200);
  // Someone the directory does not know is not let in, whatever the proxy says.
  EXPECT_EQ(http_request(server_->port(), "GET", "/", "", "", "X-Remote-User: mallory\r\n").status,
            403);
}

class UntrustedProxyTest : public ConsoleTest {
 protected:
  UntrustedProxyTest() : ConsoleTest("10.9.9.9") {}
};

TEST_F(UntrustedProxyTest, TheHeaderFromAnyOtherAddressIsIgnored) {
  const HttpReply reply =
      http_request(server_->port(), "GET", "/", "", "", "X-Remote-User: rauno\r\n");
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(reply.header("location"), "/login");
  EXPECT_FALSE(reply.set_cookie("valtuus_session"));
}

}  // namespace
}  // namespace valtuus
