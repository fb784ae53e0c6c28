// The console end to end over HTTP: the real server and pages, the real database (as a login
// in valtuus_console), and a directory replaced by a fixed list of people. A reviewer logs in,
// approves an item, records it done and sees it leave the queue; a stale approve, a POST
// without the CSRF token and a wrong password are refused; no page holds an identity code.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <regex>

#include "common/identity_crypto.h"
#include "connectors/postgres/migrations.h"
#include "core/calendar.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_database.h"
#include "tests/support/test_env.h"
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

const std::string kReviewers = "CN=Reviewers,OU=Groups,DC=kunta,DC=example";
const std::string kSecurity = "CN=Security,OU=Groups,DC=kunta,DC=example";
const std::string kAdmins = "CN=Admins,OU=Groups,DC=kunta,DC=example";

class FixedDirectory : public Authenticator {
 public:
  std::optional<DirectoryPerson> authenticate(const std::string& account,
                                              const std::string& password) override {
    if (account == "rauno" && password == "right horse") {
      return DirectoryPerson{"rauno", "Rauno Reviewer", "en", {kReviewers}};
    }
    if (account == "aino" && password == "admin horse") {
      return DirectoryPerson{"aino", "Aino Admin", "en", {kAdmins}};
    }
    if (account == "sanna" && password == "security horse") {
      return DirectoryPerson{"sanna", "Sanna Security", "en", {kSecurity}};
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
  explicit ConsoleTest(const std::string& trusted_proxy = "",
                       const std::function<void(ConsoleOptions&)>& configure = nullptr,
                       const std::string& socket_path = "")
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
        "  VALUES ('k-anna', 'anna', 'Anna Aalto', 'Elinkeinoasiat'),"
        "  ('k-ville', 'ville', 'Ville', 'Tekninen');"  // an employee: logs in without a group
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
    options.role_groups.security = kSecurity;
    options.role_groups.admin = kAdmins;
    options.login_max_failures = 3;
    if (!trusted_proxy.empty()) {
      options.trusted_header = "X-Remote-User";
      options.trusted_proxy = trusted_proxy;
    }
    if (configure) configure(options);
    console_ = std::make_unique<Console>(options, directory_, *store_);
    WebOptions web;
    web.port = 0;
    web.socket_path = socket_path;
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
    EXPECT_FALSE(testing::shows_identity_code(reply.body)) << target;
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
  testing::MigratedDatabase db_;
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

TEST_F(ConsoleTest, ARejectionKeepsItsUntilDate) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const HttpReply item = get("/items/2");
  EXPECT_NE(item.body.find("name=\"until\""), std::string::npos) << item.body;
  const HttpReply rejected = post(
      "/items/2/reject", "csrf=" + csrf_of(item) + "&version=1&reason=agreed&until=2031-03-01");
  ASSERT_EQ(rejected.status, 303) << rejected.body;
  pqxx::read_transaction txn(admin_);
  const auto row = txn.exec1(
      "SELECT state, decided_by, (exception_until AT TIME ZONE 'UTC')::date::text "
      "FROM change_item WHERE id = 2");
  EXPECT_EQ(row[0].as<std::string>(), "rejected");
  EXPECT_EQ(row[1].as<std::string>(), "rauno");
  EXPECT_EQ(row[2].as<std::string>(), "2031-03-01");
}

TEST_F(ConsoleTest, AnApplicationIsRecordedAppliedThenFailed) {
  {
    pqxx::work txn(admin_);  // path 2: the organisation applies to DVV for the right to grant
    txn.exec(
        "INSERT INTO change_item (id, run_id, kind, state, mandate_id, reason, fingerprint) "
        "VALUES (3, 1, 'org_apply', 'proposed', 'te', 'path 2', 'f3')");
    txn.commit();
  }
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const std::string csrf = csrf_of(get("/items/3"));
  ASSERT_EQ(post("/items/3/approve", "csrf=" + csrf + "&version=1").status, 303);
  HttpReply item = get("/items/3");
  EXPECT_NE(item.body.find("id=\"applied\""), std::string::npos) << item.body;
  ASSERT_EQ(post("/items/3/applied", "csrf=" + csrf + "&version=2&note=sent").status, 303);
  item = get("/items/3");
  EXPECT_EQ(item.body.find("id=\"applied\""), std::string::npos);  // applied once only
  EXPECT_NE(item.body.find("id=\"failed\""), std::string::npos);
  // A failure needs its reason: refused, and the item stays applied.
  EXPECT_EQ(post("/items/3/failed", "csrf=" + csrf + "&version=3&reason=").status, 422);
  // The page of version 2 is stale now.
  EXPECT_EQ(post("/items/3/failed", "csrf=" + csrf + "&version=2&reason=DVV+refused").status, 409);
  ASSERT_EQ(post("/items/3/failed", "csrf=" + csrf + "&version=3&reason=DVV+refused").status, 303);
  pqxx::read_transaction txn(admin_);
  const auto row = txn.exec1(
      "SELECT state, applied_by, executed_by, execution_note FROM change_item WHERE id = 3");
  EXPECT_EQ(row[0].as<std::string>(), "failed");
  EXPECT_EQ(row[1].as<std::string>(), "rauno");
  EXPECT_EQ(row[2].as<std::string>(), "rauno");
  EXPECT_EQ(row[3].as<std::string>(), "DVV refused");
  EXPECT_EQ(
      txn.exec1("SELECT count(*) FROM audit_event WHERE item_id = 3 AND actor = 'rauno' "
                "AND action IN ('item_applied', 'item_failed') AND details->>'via' = 'web'")[0]
          .as<int>(),
      2);
}

TEST_F(ConsoleTest, AGrantOffersNoApplied) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const std::string csrf = csrf_of(get("/items/1"));
  ASSERT_EQ(post("/items/1/approve", "csrf=" + csrf + "&version=1").status, 303);
  const HttpReply item = get("/items/1");
  EXPECT_EQ(item.body.find("id=\"applied\""), std::string::npos);
  EXPECT_NE(item.body.find("id=\"failed\""), std::string::npos);
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

TEST_F(ConsoleTest, BulkApproveShowsTheSelectionOnceThenApprovesItAll) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const HttpReply queue = get("/");
  EXPECT_NE(queue.body.find("name=\"item-1\" value=\"1\""), std::string::npos) << queue.body;
  const std::string csrf = csrf_of(queue);
  // Nothing selected, or no comment: refused before any confirmation.
  EXPECT_EQ(post("/bulk/approve", "csrf=" + csrf + "&comment=ok").status, 422);
  EXPECT_EQ(post("/bulk/approve", "csrf=" + csrf + "&item-1=1&comment=+").status, 422);

  const HttpReply confirm =
      post("/bulk/approve", "csrf=" + csrf + "&item-1=1&item-2=1&comment=HR+list");
  ASSERT_EQ(confirm.status, 200) << confirm.body;
  EXPECT_NE(confirm.body.find("these 2 items"), std::string::npos) << confirm.body;
  EXPECT_NE(confirm.body.find("id=\"bulk-confirm\""), std::string::npos);
  {
    pqxx::read_transaction txn(admin_);  // the first step changes nothing
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM change_item WHERE state = 'approved'")[0].as<int>(),
              0);
  }
  const HttpReply done =
      post("/bulk/approve", "csrf=" + csrf + "&confirm=1&item-1=1&item-2=1&comment=HR+list");
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_NE(get(done.header("location")).body.find("Approved: 2 items."), std::string::npos);
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM change_item WHERE state = 'approved' "
                      "AND decided_by = 'rauno'")[0]
                .as<int>(),
            2);
}

TEST_F(ConsoleTest, AStaleBulkConfirmationApprovesNothing) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const std::string csrf = csrf_of(get("/"));
  {
    pqxx::work txn(admin_);  // someone rejected item 2 after the queue was shown
    txn.exec("UPDATE change_item SET state = 'rejected', version = 2 WHERE id = 2");
    txn.commit();
  }
  const HttpReply stale =
      post("/bulk/approve", "csrf=" + csrf + "&confirm=1&item-1=1&item-2=1&comment=ok");
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body.find("Nothing was approved"), std::string::npos) << stale.body;
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT state FROM change_item WHERE id = 1")[0].as<std::string>(),
            "proposed");
}

// Run 3 is held with one held revoke (item 10) and one entry its read refused.
class HeldRunTest : public ConsoleTest {
 protected:
  HeldRunTest() {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded, held_reason, held_at) "
        "  VALUES (3, now(), 'test', true, 5, 1, 0, 'revokes 40% of grants', now());"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint) VALUES (10, 3, 'revoke', 'held', 'k-anna', 'te', 'left', 'f10');"
        "SELECT record_refused_entries(3, ARRAY['CN=Bo,OU=Staff,DC=kunta,DC=example'], "
        "  ARRAY['bo'], ARRAY['title'], ARRAY['longer than 1024 characters']);");
    txn.commit();
  }
};

TEST_F(HeldRunTest, TheHeldRunIsListedAndShownWithItsRefusedEntries) {
  ASSERT_EQ(log_in("sanna", "security horse").status, 303);
  const HttpReply list = get("/runs");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("href=\"/runs/3\""), std::string::npos) << list.body;
  EXPECT_EQ(list.body.find("href=\"/runs/1\""), std::string::npos);  // not held
  const HttpReply run = get("/runs/3");
  ASSERT_EQ(run.status, 200);
  EXPECT_NE(run.body.find("revokes 40% of grants"), std::string::npos);
  EXPECT_NE(run.body.find("longer than 1024 characters"), std::string::npos) << run.body;
  EXPECT_NE(run.body.find("href=\"/items/10\""), std::string::npos);
  // The held item says which run holds it, and why.
  const HttpReply held = get("/items/10");
  EXPECT_NE(held.body.find("<a href=\"/runs/3\">Run 3</a>: revokes 40% of grants"),
            std::string::npos)
      << held.body;
  // Security reads only: no form, and a hand-made POST is refused by the database.
  EXPECT_EQ(run.body.find("id=\"release\""), std::string::npos);
  EXPECT_EQ(run.body.find("id=\"discard\""), std::string::npos);
  EXPECT_EQ(post("/runs/3/discard", "csrf=" + csrf_of(run) + "&reason=no").status, 403);
  EXPECT_EQ(get("/runs/99").status, 404);
}

TEST_F(HeldRunTest, AReviewerMayDiscardButNotRelease) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const HttpReply run = get("/runs/3");
  EXPECT_EQ(run.body.find("id=\"release\""), std::string::npos);
  EXPECT_NE(run.body.find("id=\"discard\""), std::string::npos);
  const std::string csrf = csrf_of(run);
  EXPECT_EQ(post("/runs/3/release", "csrf=" + csrf + "&note=x").status, 403);
  EXPECT_EQ(post("/runs/3/discard", "csrf=" + csrf + "&reason=").status, 422);
  const HttpReply discarded = post("/runs/3/discard", "csrf=" + csrf + "&reason=wrong+OU");
  EXPECT_EQ(discarded.status, 200) << discarded.body;
  EXPECT_EQ(discarded.body.find("id=\"discard\""), std::string::npos);  // resolved now
  EXPECT_EQ(get("/runs").body.find("href=\"/runs/3\""), std::string::npos);
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT state FROM change_item WHERE id = 10")[0].as<std::string>(),
            "discarded");
}

TEST_F(HeldRunTest, AnAdministratorReleasesAndTheItemsGoToTheQueue) {
  ASSERT_EQ(log_in("aino", "admin horse").status, 303);
  const HttpReply run = get("/runs/3");
  ASSERT_NE(run.body.find("id=\"release\""), std::string::npos) << run.body;
  const HttpReply released = post("/runs/3/release", "csrf=" + csrf_of(run) + "&note=checked");
  EXPECT_EQ(released.status, 200) << released.body;
  EXPECT_NE(released.body.find("1 items moved"), std::string::npos) << released.body;
  // A second release (another tab) is refused and changes nothing.
  EXPECT_EQ(post("/runs/3/release", "csrf=" + csrf_of(run) + "&note=again").status, 422);
  pqxx::read_transaction txn(admin_);
  const auto row = txn.exec1(
      "SELECT i.state, r.released_by FROM change_item i JOIN sync_run r ON r.id = i.run_id "
      "WHERE i.id = 10");
  EXPECT_EQ(row[0].as<std::string>(), "proposed");
  EXPECT_EQ(row[1].as<std::string>(), "aino");
}

// Leo left 12 days ago and still holds Kela-asiat, ending in 30 days; his name starts as a
// spreadsheet formula would.
class SecurityPagesTest : public ConsoleTest {
 protected:
  explicit SecurityPagesTest(const std::string& policy_dir = "")
      : ConsoleTest("",
                    [policy_dir](ConsoleOptions& options) { options.policy_dir = policy_dir; }) {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO employee (key, account, display_name, department, status, left_at, "
        "  last_seen_run) VALUES ('k-leo', 'leo', '=Leo, Lahtinen', 'Tekninen', 'left', "
        "  now() - interval '12 days 1 hour', 1);"
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source) "
        "  VALUES ('k-leo', 'kela', current_date - 100, current_date + 30, 'import');");
    txn.commit();
  }
};

TEST_F(SecurityPagesTest, SecuritySeesLeaversWithDaysOpenAndDownloadsTheCsv) {
  ASSERT_EQ(log_in("sanna", "security horse").status, 303);
  const HttpReply page = get("/security/leavers");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<td>leo</td>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<td>12</td>"), std::string::npos) << page.body;  // days open
  EXPECT_NE(page.body.find("Days open"), std::string::npos);
  // The department filter is the report's: another department shows no one.
  EXPECT_EQ(get("/security/leavers?department=Muu").body.find("<td>leo</td>"), std::string::npos);

  const HttpReply csv = get("/security/leavers?format=csv&department=tekninen");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(csv.header("cache-control"), "no-store");
  EXPECT_TRUE(csv.body.starts_with(
      "account,name,department,why,left_at,days_open,mandate,mandate_name_fi,valid_until,"
      "revoke_item,revoke_state,revoke_age_days\r\n"))
      << csv.body;
  // Quoted for the comma, and not a formula for a spreadsheet.
  EXPECT_NE(csv.body.find("leo,\"'=Leo, Lahtinen\",Tekninen,left,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(",12,kela,"), std::string::npos) << csv.body;
}

TEST_F(SecurityPagesTest, ExpiringAndSlaShowTheReportsRows) {
  ASSERT_EQ(log_in("aino", "admin horse").status, 303);  // administrators see them too
  HttpReply expiring = get("/security/expiring?within=45");
  ASSERT_EQ(expiring.status, 200);
  EXPECT_NE(expiring.body.find("<td>leo</td>"), std::string::npos) << expiring.body;
  EXPECT_NE(expiring.body.find("<td>30</td>"), std::string::npos);  // days left
  expiring = get("/security/expiring?within=10");
  EXPECT_EQ(expiring.body.find("<td>leo</td>"), std::string::npos);
  EXPECT_EQ(get("/security/expiring?within=-1").status, 400);

  const HttpReply sla = get("/security/sla");
  ASSERT_EQ(sla.status, 200);
  // Items 1 and 2 are open on path 1, target 3 days by default.
  EXPECT_NE(sla.body.find("<a href=\"/security/sla?format=csv\""), std::string::npos);
  const HttpReply csv = get("/security/sla?format=csv");
  EXPECT_TRUE(csv.body.starts_with("id,kind,state,path,"));
  EXPECT_NE(csv.body.find("1,grant,proposed,1,anna,Elinkeinoasiat,kela,0,3,false"),
            std::string::npos)
      << csv.body;
}

TEST_F(SecurityPagesTest, AReviewerDoesNotSeeTheSecurityPages) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  EXPECT_EQ(get("/").body.find("/security/leavers"), std::string::npos);
  EXPECT_EQ(get("/security/leavers").status, 403);
  EXPECT_EQ(get("/security/leavers?format=csv").status, 403);
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

TEST_F(ConsoleTest, TheQueueFiltersByPath) {
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('dvv', 'DVV-asiat', 'DVV', false, 730, 60);"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint, waits_for_org_apply) VALUES "
        "  (8, 1, 'grant', 'proposed', 'k-anna', 'dvv', 'map', 'f8', true),"
        "  (9, 1, 'org_apply', 'proposed', NULL, 'dvv', 'path 2', 'f9', false);");
    txn.commit();
  }
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const HttpReply path2 = get("/?path=2");
  EXPECT_NE(path2.body.find("href=\"/items/8\""), std::string::npos) << path2.body;
  EXPECT_NE(path2.body.find("href=\"/items/9\""), std::string::npos);
  EXPECT_EQ(path2.body.find("href=\"/items/1\""), std::string::npos);
  EXPECT_NE(path2.body.find("<option value=\"2\" selected>"), std::string::npos);
  // Grouped by department and person: one heading for the organisation's application, one for
  // Anna's grant.
  EXPECT_NE(path2.body.find("<th scope=\"rowgroup\" colspan=\"8\">The organisation</th>"),
            std::string::npos)
      << path2.body;
  EXPECT_NE(path2.body.find(">Elinkeinoasiat: Anna Aalto (anna)</th>"), std::string::npos);
  const HttpReply path1 = get("/?path=1");
  EXPECT_NE(path1.body.find("href=\"/items/1\""), std::string::npos);
  EXPECT_EQ(path1.body.find("href=\"/items/8\""), std::string::npos);
  EXPECT_EQ(path1.body.find("href=\"/items/9\""), std::string::npos);
  // Anna's two grants under one heading.
  const auto heading = path1.body.find(">Elinkeinoasiat: Anna Aalto (anna)</th>");
  ASSERT_NE(heading, std::string::npos);
  EXPECT_EQ(path1.body.find(">Elinkeinoasiat: Anna Aalto (anna)</th>", heading + 1),
            std::string::npos);
}

// The item page: the reason in the page's language, and the item's audit events.
TEST_F(ConsoleTest, TheItemPageSaysWhyInThePagesLanguageAndListsItsAuditEvents) {
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint) VALUES (5, 1, 'revoke', 'proposed', 'k-anna', 'kela', "
        "  'The person has left: the account is disabled', 'f5');"
        "INSERT INTO mandate_issue (id, name_fi, service, organisation_holds, max_validity_days, "
        "  renewal_notice_days) VALUES ('avustus', 'Avustukset', 'ELY', true, 730, 60);"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  map_id, fingerprint) VALUES (6, 1, 'grant', 'proposed', 'k-anna', 'avustus', "
        "  'Checks the Kela benefits of clients', 'elinkeinoasiat', 'f6');");
    txn.commit();
  }
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  EXPECT_EQ(get("/language?lang=fi").status, 303);
  HttpReply item = get("/items/5");
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_NE(item.body.find("Henkilö on lähtenyt: hänen tunnuksensa on poistettu käytöstä."),
            std::string::npos)
      << item.body;
  EXPECT_EQ(item.body.find("The person has left"), std::string::npos);
  item = get("/items/6");
  EXPECT_NE(item.body.find("Työ edellyttää tätä valtuusasiaa (kartta elinkeinoasiat): Checks the "
                           "Kela benefits of clients"),
            std::string::npos)
      << item.body;
  EXPECT_NE(item.body.find("Ei tapahtumia."), std::string::npos);  // nothing decided yet

  item = get("/items/1");
  ASSERT_EQ(post("/items/1/approve", "csrf=" + csrf_of(item) + "&version=1").status, 303);
  EXPECT_EQ(get("/language?lang=en").status, 303);
  item = get("/items/1");
  // Who did what when, from the audit trail: the approval, in the person's name, via the web.
  std::smatch row;
  const std::regex approved(
      R"(<tr data-event="\d+"><td>\d+</td><td>\d{4}-\d\d-\d\d \d\d:\d\d UTC</td><td>rauno</td>)"
      R"(<td>Approved</td><td>web console</td>)");
  EXPECT_TRUE(std::regex_search(item.body, row, approved)) << item.body;
  // A run's own event is the item's too: the run that proposed it.
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO sync_run (id, started_at, directory_source, snapshot_complete, "
        "  entries_read, items_added, items_superseded) VALUES (2, now(), 'test', true, 1, 0, 0);"
        "INSERT INTO audit_event (action, run_id, details) VALUES ('items_added', 1, '{}');"
        "INSERT INTO audit_event (action, run_id, details) VALUES ('items_added', 2, '{}')");
    txn.commit();
  }
  item = get("/items/1");
  EXPECT_NE(item.body.find("<td>Proposed by a sync run</td>"), std::string::npos) << item.body;
  EXPECT_EQ(get("/items/2").body.find("<td>Approved</td>"), std::string::npos);
  // A bulk approval names the item among others, with its comment.
  ASSERT_EQ(
      post("/bulk/approve", "csrf=" + csrf_of(item) + "&confirm=1&item-6=1&comment=HR+list").status,
      303);
  item = get("/items/6");
  EXPECT_NE(item.body.find("<td>Approved together with other items</td><td>web console</td>"
                           "<td>HR list</td>"),
            std::string::npos)
      << item.body;
}

TEST_F(ConsoleTest, TheItemCardShowsWhatValtuusctlShowShows) {
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO mandate_issue (id, suomifi_code, name_fi, name_sv, service, "
        "  organisation_holds, max_validity_days, renewal_notice_days) VALUES ('avustus', "
        "  'http://valtuusrekisteri.suomi.fi/avustus', 'Avustukset', 'Bidrag', 'ELY', false, "
        "  730, 60);"
        "UPDATE employee SET title = 'Neuvoja' WHERE key = 'k-anna';"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  map_id, matched, fingerprint, waits_for_org_apply) VALUES (11, 1, 'grant', "
        "  'proposed', 'k-anna', 'avustus', 'Applies for grants', 'avustukset', "
        "  '[{\"attribute\": \"department\", \"value\": \"Elinkeinoasiat\"}]', 'f11', true);");
    txn.commit();
  }
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  EXPECT_EQ(get("/language?lang=sv").status, 303);
  const HttpReply item = get("/items/11");
  ASSERT_EQ(item.status, 200);
  EXPECT_NE(item.body.find("<dd>Bidrag (avustus)</dd>"), std::string::npos) << item.body;
  EXPECT_NE(item.body.find("<dd>http://valtuusrekisteri.suomi.fi/avustus</dd>"), std::string::npos);
  EXPECT_NE(item.body.find("<dd>Neuvoja</dd>"), std::string::npos);
  EXPECT_NE(item.body.find("<dd>2: först DVV:s fullmaktsrätt"), std::string::npos);
  EXPECT_NE(item.body.find("<dd>department=Elinkeinoasiat</dd>"), std::string::npos);
  // Item 1: path 1, a theme whose URI is not known yet, nothing matched recorded.
  const HttpReply first = get("/items/1");
  EXPECT_NE(first.body.find("<dd>1: organisationen ger"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("ännu okänd"), std::string::npos);
  EXPECT_EQ(first.body.find("Matchade i katalogen"), std::string::npos);
}

TEST_F(ConsoleTest, TheExecutionStepsSayRevealNotAValtuusctlCommand) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  for (const char* lang : {"fi", "sv", "en"}) {
    EXPECT_EQ(get(std::string("/language?lang=") + lang).status, 303);
    const HttpReply item = get("/items/1");
    EXPECT_EQ(item.body.find("valtuusctl"), std::string::npos) << lang << item.body;
  }
  EXPECT_NE(get("/items/1").body.find("personal identity code (reveal it on this page"),
            std::string::npos);
}

// The console holds the identity key (identity.key_file); Anna's code is sealed with it.
class RevealTest : public ConsoleTest {
 protected:
  static constexpr const char* kCode = "131052-308T";

  RevealTest()
      : ConsoleTest("", [](ConsoleOptions& options) {
          options.identity_crypto = load_identity_key_file(key_file(), "identity.key_file");
        }) {
    const auto crypto = load_identity_key_file(key_file(), "identity.key_file");
    const SealedIdentityCode sealed = crypto->seal("k-anna", kCode);
    auto hex = [](const Bytes& bytes) {
      static const char* digits = "0123456789abcdef";
      std::string text = "\\x";
      for (unsigned char b : bytes) {
        text += digits[b >> 4];
        text += digits[b & 15];
      }
      return text;
    };
    pqxx::work txn(admin_);
    txn.exec_params(
        "UPDATE identity_code SET ciphertext = $1::bytea, nonce = $2::bytea "
        "WHERE employee_key = 'k-anna'",
        hex(sealed.ciphertext), hex(sealed.nonce));
    txn.commit();
  }

  static std::string key_file() {
    static const std::string path = [] {
      const std::string file = testing::scratch_dir("web-reveal") + "/identity.key";
      testing::write_file(file, std::string(64, 'a') + "\n");
      return file;
    }();
    return path;
  }

  // The reveal's answer, read without check_page: it is the one answer that holds a code.
  HttpReply reveal(long long item, const std::string& csrf) {
    return http_request(server_->port(), "POST", "/items/" + std::to_string(item) + "/reveal",
                        cookies_, "csrf=" + csrf);
  }

  int reveals() {
    pqxx::read_transaction txn(admin_);
    return txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed'")[0]
        .as<int>();
  }
};

TEST_F(RevealTest, AReviewerRevealsTheCodeOnceAuditedAndNeverCached) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const HttpReply item = get("/items/1");
  EXPECT_NE(item.body.find("131052-****"), std::string::npos) << item.body;
  ASSERT_NE(item.body.find("action=\"/items/1/reveal\""), std::string::npos) << item.body;
  // Without the session's CSRF token: refused, nothing recorded.
  EXPECT_EQ(reveal(1, "").status, 403);
  EXPECT_EQ(reveal(1, std::string(43, 'A')).status, 403);
  EXPECT_EQ(reveals(), 0);
  // Never by GET: a link could be followed, cached or logged.
  EXPECT_EQ(get("/items/1/reveal").status, 404);

  const HttpReply shown = reveal(1, csrf_of(item));
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_NE(shown.body.find(kCode), std::string::npos) << shown.body;
  EXPECT_EQ(shown.header("cache-control"), "no-store");
  EXPECT_EQ(shown.header("location"), "");
  EXPECT_EQ(reveals(), 1);
  {
    pqxx::read_transaction txn(admin_);
    const auto event = txn.exec1(
        "SELECT actor, item_id, details->>'via' FROM audit_event "
        "WHERE action = 'identity_code_revealed'");
    EXPECT_EQ(event[0].as<std::string>(), "rauno");
    EXPECT_EQ(event[1].as<long long>(), 1);
    EXPECT_EQ(event[2].as<std::string>(), "web");
  }
  // Shown once: the item page, now listing the reveal, holds no code (check_page).
  const HttpReply after = get("/items/1");
  EXPECT_NE(after.body.find("<td>Personal identity code revealed</td>"), std::string::npos)
      << after.body;
  // Each reveal is recorded again.
  EXPECT_EQ(reveal(1, csrf_of(item)).status, 200);
  EXPECT_EQ(reveals(), 2);
}

TEST_F(RevealTest, SecurityCannotRevealAndAClosedItemOffersNoReveal) {
  ASSERT_EQ(log_in("sanna", "security horse").status, 303);
  const HttpReply item = get("/items/1");
  ASSERT_EQ(item.status, 200);
  EXPECT_EQ(item.body.find("/reveal\""), std::string::npos) << item.body;
  const HttpReply refused = reveal(1, csrf_of(item));  // a hand-made POST: the database refuses
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body.find(kCode), std::string::npos);
  EXPECT_EQ(reveals(), 0);

  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  {
    pqxx::work txn(admin_);
    txn.exec("UPDATE change_item SET state = 'rejected', version = 2 WHERE id = 2");
    txn.commit();
  }
  const HttpReply closed = get("/items/2");
  EXPECT_EQ(closed.body.find("/reveal\""), std::string::npos);
  const HttpReply refused_closed = reveal(2, csrf_of(closed));
  EXPECT_EQ(refused_closed.status, 409) << refused_closed.body;
  EXPECT_EQ(refused_closed.body.find(kCode), std::string::npos);
  EXPECT_EQ(reveals(), 0);
}

TEST_F(ConsoleTest, WithoutTheKeyFileNoRevealIsOffered) {
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const HttpReply item = get("/items/1");
  EXPECT_EQ(item.body.find("/reveal\""), std::string::npos);
  EXPECT_EQ(post("/items/1/reveal", "csrf=" + csrf_of(item)).status, 503);
  pqxx::read_transaction txn(admin_);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM audit_event WHERE action = 'identity_code_revealed'")[0]
                .as<int>(),
            0);
}

TEST_F(SecurityPagesTest, ALeaversPageListsTheirMandatesWithTheRevokeItems) {
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO grant_ledger (employee_key, mandate_id, valid_from, valid_until, source) "
        "  VALUES ('k-leo', 'te', current_date - 50, NULL, 'import');"
        "INSERT INTO change_item (id, run_id, kind, state, employee_key, mandate_id, reason, "
        "  fingerprint, created_at) VALUES (7, 1, 'revoke', 'proposed', 'k-leo', 'kela', "
        "  'The person has left: the account is disabled', 'f7', now() - interval '4 days');"
        // The grants were recorded before the revoke was proposed.
        "UPDATE grant_ledger SET recorded_at = now() - interval '30 days' "
        "  WHERE employee_key = 'k-leo';");
    txn.commit();
  }
  ASSERT_EQ(log_in("sanna", "security horse").status, 303);
  const HttpReply report = get("/security/leavers");
  EXPECT_NE(report.body.find("<td>leo</td>"), std::string::npos);
  ASSERT_NE(report.body.find("href=\"/security/leavers/leo\""), std::string::npos) << report.body;
  const HttpReply page = get("/security/leavers/leo");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("=Leo, Lahtinen (leo)"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<dd>12</dd>"), std::string::npos);  // days open
  EXPECT_NE(page.body.find("selection basket"), std::string::npos);
  // Both mandates in force: Kela with its revoke item 7, four days old; TE with none yet.
  EXPECT_NE(page.body.find("<td>Kela-asiat (kela)</td>"), std::string::npos);
  EXPECT_NE(page.body.find("<a href=\"/items/7\">7</a></td><td>Proposed</td><td>4</td>"),
            std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("<td>TE-asiat (te)</td>"), std::string::npos);
  EXPECT_NE(page.body.find("no revoke item yet"), std::string::npos);
  // Someone who has not left, or no one: no such page.
  EXPECT_EQ(get("/security/leavers/anna").status, 404);
  EXPECT_EQ(get("/security/leavers/%2e%2e%2fx").status, 404);
  EXPECT_EQ(page.body.find("id=\"approve-revokes\""), std::string::npos);  // security reads
  // A reviewer opens it too, from the revoke's page, and approves the proposed revokes together
  // through the bulk approval's one confirmation; nobody without a role opens it.
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  const HttpReply revoke = get("/items/7");
  EXPECT_NE(revoke.body.find("href=\"/security/leavers/leo\""), std::string::npos) << revoke.body;
  const HttpReply reviewer_page = get("/security/leavers/leo");
  ASSERT_EQ(reviewer_page.status, 200);
  ASSERT_NE(reviewer_page.body.find("id=\"approve-revokes\""), std::string::npos)
      << reviewer_page.body;
  EXPECT_NE(reviewer_page.body.find("name=\"item-7\" value=\"1\""), std::string::npos);
  const HttpReply confirm =
      post("/bulk/approve", "csrf=" + csrf_of(reviewer_page) + "&item-7=1&comment=Leaver+leo");
  EXPECT_EQ(confirm.status, 200);
  EXPECT_NE(confirm.body.find("these 1 items"), std::string::npos) << confirm.body;
  ASSERT_EQ(log_in("ville", "no groups").status, 303);
  EXPECT_EQ(get("/security/leavers/leo").status, 403);
}

// The catalog: kela can be granted and its only right holder, Leo, has left; te is path 2.
class CoverageTest : public SecurityPagesTest {
 protected:
  CoverageTest() : SecurityPagesTest(policy_dir()) {}

  static std::string policy_dir() {
    static const std::string dir = [] {
      const std::string d = testing::scratch_dir("web-coverage");
      testing::write_file(d + "/catalog.yaml",
                          "mandates:\n"
                          "  - id: kela\n"
                          "    suomifi_code: \"\"\n"
                          "    name: {fi: \"Kela-asiat\", sv: \"FPA\", en: \"Kela\"}\n"
                          "    service: Kela\n"
                          "    type: asiointivaltuus\n"
                          "    organisation_holds: true\n"
                          "    grant_right: {holders: [leo, anna], until: 2099-12-31}\n"
                          "    max_validity_days: 730\n"
                          "    renewal_notice_days: 60\n"
                          "  - id: te\n"
                          "    suomifi_code: \"\"\n"
                          "    name: {fi: \"TE-asiat\", sv: \"TE\", en: \"TE\"}\n"
                          "    service: TE\n"
                          "    type: asiointivaltuus\n"
                          "    organisation_holds: false\n"
                          "    max_validity_days: 730\n"
                          "    renewal_notice_days: 60\n");
      testing::write_file(d + "/maps/maps.yaml",
                          "maps:\n"
                          "  - id: elinkeinoasiat\n"
                          "    match: {department: [\"Elinkeinoasiat\"]}\n"
                          "    grants:\n"
                          "      - {mandate: kela, why: \"Kela benefits of clients\"}\n");
      return d;
    }();
    return dir;
  }
};

TEST_F(CoverageTest, SecuritySeesWhichThemesCanBeGrantedAndWhoseHolderLeft) {
  ASSERT_EQ(log_in("sanna", "security horse").status, 303);
  const HttpReply page = get("/security/coverage");
  ASSERT_EQ(page.status, 200) << page.body;
  const auto kela = page.body.find("<tr data-theme=\"kela\" class=\"console-attention\">");
  ASSERT_NE(kela, std::string::npos) << page.body;
  const std::string kela_row = page.body.substr(kela, page.body.find("</tr>", kela) - kela);
  EXPECT_NE(kela_row.find("<td>yes</td>"), std::string::npos) << kela_row;
  EXPECT_NE(kela_row.find("=Leo, Lahtinen (leo): left"), std::string::npos) << kela_row;
  EXPECT_NE(kela_row.find("a holder has left"), std::string::npos) << kela_row;
  EXPECT_NE(kela_row.find("only one holder"), std::string::npos) << kela_row;
  const auto te = page.body.find("<tr data-theme=\"te\">");
  ASSERT_NE(te, std::string::npos) << page.body;
  const std::string te_row = page.body.substr(te, page.body.find("</tr>", te) - te);
  EXPECT_NE(te_row.find("<td>no</td>"), std::string::npos) << te_row;
  EXPECT_NE(te_row.find("right to grant (path 2)"), std::string::npos) << te_row;
  // Once path 2 is done for te, the organisation can grant it.
  {
    pqxx::work txn(admin_);
    txn.exec(
        "INSERT INTO organisation_holding (mandate_id, obtained_at, recorded_by) "
        "VALUES ('te', now(), 'aino')");
    txn.commit();
  }
  const HttpReply csv = get("/security/coverage?format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("cache-control"), "no-store");
  EXPECT_TRUE(csv.body.starts_with(
      "mandate,mandate_name_fi,service,can_grant,right_until,holders,flags\r\n"))
      << csv.body;
  EXPECT_NE(csv.body.find("kela,Kela-asiat,Kela,true,2099-12-31,\"leo (left), anna (active)\","
                          "\"one_holder, holder_left\""),
            std::string::npos)
      << csv.body;
  EXPECT_NE(csv.body.find("te,TE-asiat,TE,true,,,no_holder"), std::string::npos) << csv.body;
  EXPECT_NE(get("/security/coverage?theme=te").body.find("data-theme=\"te\""), std::string::npos);
  EXPECT_EQ(get("/security/coverage?theme=te").body.find("data-theme=\"kela\""), std::string::npos);
  // Reviewers do not see the security pages.
  ASSERT_EQ(log_in("rauno", "right horse").status, 303);
  EXPECT_EQ(get("/security/coverage").status, 403);
}

TEST_F(SecurityPagesTest, WithoutTheMapsTheCoveragePageSaysItIsNotSetUp) {
  ASSERT_EQ(log_in("sanna", "security horse").status, 303);
  const HttpReply page = get("/security/coverage");
  EXPECT_EQ(page.status, 503);
  EXPECT_NE(page.body.find("policy.dir"), std::string::npos) << page.body;
}

// nginx on the same machine, through /run/valtuus-web/web.sock, with web.trusted_proxy = unix.
class SocketProxyLoginTest : public ConsoleTest {
 protected:
  SocketProxyLoginTest() : ConsoleTest(kUnixSocketPeer, nullptr, socket_path()) {}
  ~SocketProxyLoginTest() override { std::filesystem::remove(socket_path()); }
  static std::string socket_path() {
    return (std::filesystem::temp_directory_path() /
            ("vw-console-" + std::to_string(::getpid()) + ".sock"))
        .string();
  }
};

TEST_F(SocketProxyLoginTest, TheHeaderFromTheSocketLogsThePersonIn) {
  const HttpReply first =
      testing::http_request_unix(socket_path(), "GET", "/items/1", "", "X-Remote-User: rauno\r\n");
  ASSERT_EQ(first.status, 303) << first.body;
  EXPECT_EQ(first.header("location"), "/items/1");
  const auto session = first.set_cookie("valtuus_session");
  ASSERT_TRUE(session);
  const HttpReply item =
      testing::http_request_unix(socket_path(), "GET", "/items/1", "valtuus_session=" + *session);
  EXPECT_EQ(item.status, 200);
  EXPECT_NE(item.body.find("Kela-asiat"), std::string::npos);
  check_page(item, "/items/1");
  EXPECT_EQ(testing::http_request_unix(socket_path(), "GET", "/", "", "X-Remote-User: mallory\r\n")
                .status,
            403);
  // Without the header the socket is no login: the password form, as over TCP.
  EXPECT_EQ(testing::http_request_unix(socket_path(), "GET", "/").header("location"), "/login");
}

// `unix` names the socket only: a TCP client (here from loopback) that sends the header is
// not believed.
class UnixTrustOverTcpTest : public ConsoleTest {
 protected:
  UnixTrustOverTcpTest() : ConsoleTest(kUnixSocketPeer) {}
};

TEST_F(UnixTrustOverTcpTest, TheHeaderOverTcpIsIgnored) {
  const HttpReply reply =
      http_request(server_->port(), "GET", "/", "", "", "X-Remote-User: rauno\r\n");
  EXPECT_EQ(reply.status, 303);
  EXPECT_EQ(reply.header("location"), "/login");
  EXPECT_FALSE(reply.set_cookie("valtuus_session"));
}

}  // namespace
}  // namespace valtuus
