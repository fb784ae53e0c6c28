// The console's parts that need no server: sessions, the login rate limit, form and cookie
// parsing, roles from groups and what the navigation offers them, an item's reason and audit
// events in the page's language. The templates and catalogues are tested in tests/pages.
#include <gtest/gtest.h>

#include "pages/i18n.h"
#include "tests/web/identity_code_check.h"
#include "web/execution_steps_text.h"
#include "web/http_forms.h"
#include "web/item_audit_view.h"
#include "web/login_limiter.h"
#include "web/page_viewer.h"
#include "web/random_token.h"
#include "web/reason_text.h"
#include "web/session_store.h"
#include "web/web_roles.h"

namespace valtuus {
namespace {

using namespace std::chrono_literals;
using Time = std::chrono::steady_clock::time_point;

struct FakeClock {
  Time now{std::chrono::hours{1000}};
  auto function() {
    return [this] { return now; };
  }
};

// The pages' tests look for identity codes with this check; it must find a code wherever a page
// could show one, and never in a person reference.
TEST(IdentityCodeCheck, FindsACodeStandingAloneButNotInsideAReference) {
  using testing::shows_identity_code;
  EXPECT_TRUE(shows_identity_code("010190-123A"));
  EXPECT_TRUE(shows_identity_code("<td>010190-123A</td>"));
  EXPECT_TRUE(shows_identity_code("value=\"010105A123B\""));
  EXPECT_TRUE(shows_identity_code("born 010199Y9876 in"));
  EXPECT_FALSE(shows_identity_code("010190-****"));
  EXPECT_FALSE(shows_identity_code("/people/4f123456-7890-4abc-8def-0123456789ab/map"));
  EXPECT_FALSE(shows_identity_code("x0101901234567"));
}

TEST(SessionStore, TokensAreRandomAndTheSessionIsFoundByItsToken) {
  FakeClock clock;
  SessionStore store({30min, 8h, 100}, clock.function());
  const WebSession a = store.create("anna", "Anna", {"reviewer"}, "fi");
  const WebSession b = store.create("anna", "Anna", {"reviewer"}, "fi");
  EXPECT_EQ(a.token.size(), 43u);
  EXPECT_NE(a.token, b.token);
  EXPECT_NE(a.csrf, a.token);
  ASSERT_TRUE(store.find(a.token));
  EXPECT_EQ(store.find(a.token)->account, "anna");
  EXPECT_FALSE(store.find(a.token + "x"));
  store.erase(a.token);
  EXPECT_FALSE(store.find(a.token));
  EXPECT_TRUE(store.find(b.token));
}

TEST(SessionStore, AnIdleSessionEndsAndAnActiveOneEndsAtItsLifetime) {
  FakeClock clock;
  SessionStore store({30min, 2h, 100}, clock.function());
  const WebSession idle = store.create("a", "", {}, "fi");
  const WebSession busy = store.create("b", "", {}, "fi");
  for (int i = 0; i < 3; ++i) {
    clock.now += 20min;
    EXPECT_TRUE(store.find(busy.token));
  }
  EXPECT_FALSE(store.find(idle.token));  // 60 minutes without a request
  clock.now += 20min;                    // 80 minutes
  EXPECT_TRUE(store.find(busy.token));
  clock.now += 41min;  // past two hours since login, though used 41 minutes ago
  EXPECT_FALSE(store.find(busy.token));
}

TEST(SessionStore, TheLeastRecentlyUsedGoesWhenFull) {
  FakeClock clock;
  SessionStore store({30min, 8h, 2}, clock.function());
  const WebSession first = store.create("a", "", {}, "fi");
  clock.now += 1s;
  const WebSession second = store.create("b", "", {}, "fi");
  clock.now += 1s;
  store.find(first.token);
  store.create("c", "", {}, "fi");
  EXPECT_TRUE(store.find(first.token));
  EXPECT_FALSE(store.find(second.token));
  EXPECT_EQ(store.size(), 2u);
}

TEST(RandomToken, ComparesOnlyEqualNonEmptyTokens) {
  const std::string token = random_token();
  EXPECT_TRUE(tokens_equal(token, std::string(token)));
  EXPECT_FALSE(tokens_equal(token, random_token()));
  EXPECT_FALSE(tokens_equal("", ""));
  EXPECT_FALSE(tokens_equal(token, token.substr(1)));
}

TEST(LoginLimiter, BlocksAnAccountAfterTheFailuresUntilTheyRunOut) {
  FakeClock clock;
  LoginLimiter limiter(3, 15min, clock.function());
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.allowed("Anna", "10.0.0.1"));
    limiter.record_failure("anna", "10.0.0.1");
    clock.now += 1min;
  }
  EXPECT_FALSE(limiter.allowed("ANNA", "10.0.0.2"));  // the account, from anywhere
  EXPECT_TRUE(limiter.allowed("bert", "10.0.0.1"));   // not yet the address
  clock.now += 13min;                                 // the first failure runs out
  EXPECT_TRUE(limiter.allowed("anna", "10.0.0.1"));
}

TEST(LoginLimiter, BlocksAnAddressTryingManyAccounts) {
  FakeClock clock;
  LoginLimiter limiter(3, 15min, clock.function());
  for (int i = 0; i < 30; ++i) limiter.record_failure("user" + std::to_string(i), "10.0.0.9");
  EXPECT_FALSE(limiter.allowed("someone-else", "10.0.0.9"));
  EXPECT_TRUE(limiter.allowed("someone-else", "10.0.0.8"));
}

TEST(LoginLimiter, ASuccessClearsTheAccountButNotTheAddress) {
  FakeClock clock;
  LoginLimiter limiter(2, 15min, clock.function());
  limiter.record_failure("anna", "p");
  limiter.record_failure("anna", "p");
  EXPECT_FALSE(limiter.allowed("anna", "q"));
  limiter.record_success("anna");
  EXPECT_TRUE(limiter.allowed("anna", "q"));
}

TEST(HttpForms, DecodesFormsAndRefusesMalformedEscapes) {
  const FormFields fields = parse_form("a=1&b=two+words&c=%C3%A4%26&bad=%zz&=x&nul=%00&d");
  EXPECT_EQ(fields.at("a"), "1");
  EXPECT_EQ(fields.at("b"), "two words");
  EXPECT_EQ(fields.at("c"), "ä&");
  EXPECT_FALSE(fields.count("bad"));
  EXPECT_FALSE(fields.count("nul"));
  EXPECT_FALSE(fields.count("d"));
  EXPECT_EQ(url_decode("%4"), std::nullopt);
  EXPECT_EQ(parse_query("/?page=2&kind=grant").at("page"), "2");
  EXPECT_EQ(target_path("/items/3?x=1"), "/items/3");
  EXPECT_EQ(url_encode("Elinkeino asiat/ä"), "Elinkeino%20asiat%2F%C3%A4");
}

TEST(HttpForms, FindsACookieByExactName) {
  EXPECT_EQ(cookie_value("a=1; valtuus_session=abc; b=2", "valtuus_session"), "abc");
  EXPECT_EQ(cookie_value("xvaltuus_session=abc", "valtuus_session"), std::nullopt);
  EXPECT_EQ(cookie_value("", "a"), std::nullopt);
}

TEST(WebRoles, GroupsGiveRolesComparedAsDns) {
  const RoleGroups groups{"CN=Reviewers,OU=Groups,DC=kunta,DC=example",
                          "CN=Security,OU=Groups,DC=kunta,DC=example", ""};
  EXPECT_EQ(roles_from_groups({"cn=reviewers, ou=groups, dc=kunta, dc=example"}, groups),
            std::vector<std::string>{"reviewer"});
  EXPECT_TRUE(roles_from_groups({"CN=Reviewers2,OU=Groups,DC=kunta,DC=example"}, groups).empty());
  // An unset group gives its role to nobody, even someone in no group at all.
  EXPECT_TRUE(roles_from_groups({""}, groups).empty());
}

TEST(PageViewer, TheRolesDecideWhichPartsTheNavigationOffers) {
  WebSession session{"token", "csrf-token", "anna", "Anna", {"reviewer"}, "fi", {}, {}};
  PageViewer viewer = page_viewer(session);
  EXPECT_EQ(viewer.display_name, "Anna");
  EXPECT_EQ(viewer.csrf, "csrf-token");
  EXPECT_TRUE(viewer.is_staff);
  EXPECT_FALSE(viewer.sees_reports);
  EXPECT_FALSE(viewer.is_employee);
  EXPECT_TRUE(viewer.decides);
  session.roles = {"security"};
  viewer = page_viewer(session);
  EXPECT_TRUE(viewer.is_staff);
  EXPECT_TRUE(viewer.sees_reports);
  EXPECT_FALSE(viewer.decides);
  session.roles = {"admin"};
  viewer = page_viewer(session);
  EXPECT_TRUE(viewer.is_staff && viewer.sees_reports && viewer.decides);
  session.roles = {"employee"};
  session.employee_ref = "r-1";
  viewer = page_viewer(session);
  EXPECT_FALSE(viewer.is_staff || viewer.sees_reports || viewer.decides);
  EXPECT_TRUE(viewer.is_employee);
}

ItemDetail item_with(const std::string& kind, const std::string& reason,
                     const std::string& map_id = "") {
  ItemDetail item;
  item.row.kind = kind;
  item.row.reason = reason;
  item.row.map_id = map_id;
  item.row.department = "Tekninen";
  item.row.title = "Insinööri";
  return item;
}

TEST(ReasonText, TheDaemonsSentencesAreSaidInThePagesLanguage) {
  EXPECT_EQ(reason_text(item_with("revoke", "The person has left: the account has expired"),
                        Language::kSv),
            "Personen har slutat: kontot har gått ut. Fullmakten ska ogiltigförklaras.");
  EXPECT_EQ(reason_text(item_with("revoke",
                                  "The person has left: the person is no longer in the "
                                  "directory"),
                        Language::kFi),
            "Henkilö on lähtenyt: hän ei ole enää hakemistossa. Hänen valtuutensa on mitätöitävä.");
  const std::string moved =
      reason_text(item_with("revoke",
                            "No authorisation map or request requires this theme for the person's "
                            "current department (Tekninen) and title (Insinööri)"),
                  Language::kFi);
  EXPECT_NE(moved.find("nykyisessä yksikössä (Tekninen) ja tehtävässä (Insinööri)"),
            std::string::npos)
      << moved;
  EXPECT_EQ(reason_text(item_with("renew",
                                  "The grant ends on 2027-01-31 and the work still needs it: "
                                  "Kela benefits",
                                  "kela-map"),
                        Language::kEn),
            "The current grant ends on 2027-01-31 and the work still needs it: a new grant is "
            "needed. Kela benefits");
  EXPECT_EQ(reason_text(item_with("grant", "Kela <benefits>", "kela-map"), Language::kEn),
            "The work needs this theme (map kela-map): Kela <benefits>");  // the page escapes
  EXPECT_EQ(reason_text(item_with("grant", "Pay subsidy", "request:12"), Language::kSv),
            "En beställningsblankett begär detta fullmaktsärende: Pay subsidy");
  EXPECT_NE(reason_text(item_with("org_apply", "anything"), Language::kFi).find("polku 2"),
            std::string::npos);
  // What it does not recognise is shown as stored, never lost.
  EXPECT_EQ(reason_text(item_with("revoke", "manual cleanup"), Language::kFi), "manual cleanup");
  EXPECT_EQ(reason_text(item_with("grant", "map"), Language::kFi), "map");
}

// The steps name the person as Suomi.fi asks for them; a name the directory lacks is said to
// be missing instead of leaving "etunimi ," for the administrator to puzzle over.
TEST(ExecutionStepsText, APersonsMissingNameIsSaidToBeMissing) {
  ItemDetail item = item_with("grant", "map", "kela-map");
  item.surname = "Mäkinen";
  const auto today = std::chrono::sys_days{std::chrono::year{2026} / 12 / 7};
  const auto person_step = [&](Language language) {
    for (const std::string& step : execution_steps_text(item, language, today)) {
      if (step.find("Mäkinen") != std::string::npos) return step;
    }
    return std::string("(no step names the person)");
  };
  EXPECT_NE(person_step(Language::kFi)
                .find("sukunimi Mäkinen, etunimi (puuttuu hakemistosta: kysy henkilöltä tai "
                      "henkilöstöhallinnosta), henkilötunnus"),
            std::string::npos)
      << person_step(Language::kFi);
  EXPECT_NE(person_step(Language::kSv).find("förnamn (saknas i katalogen"), std::string::npos)
      << person_step(Language::kSv);
  item.given_name = "Matti";
  EXPECT_NE(person_step(Language::kEn).find("surname Mäkinen, first name Matti, personal"),
            std::string::npos)
      << person_step(Language::kEn);
}

TEST(ItemAuditView, ActionsAndWaysAreInThePagesLanguage) {
  const std::vector<AuditEventRow> events{
      {1, "2026-12-01 10:00 UTC", "rauno", "item_approved", "web", ""},
      {2, "2026-12-01 11:00 UTC", "valtuus_daemon", "some_new_action", "", "note"}};
  kainjow::mustache::data list = audit_event_list(events, Language::kSv);
  kainjow::mustache::mustache tmpl{"{{#list}}{{action}}/{{via}}/{{note}};{{/list}}"};
  kainjow::mustache::data values;
  values.set("list", list);
  EXPECT_EQ(tmpl.render(values), "Godkänd/webbkonsolen/;some_new_action/direkt/note;");
}

}  // namespace
}  // namespace valtuus
