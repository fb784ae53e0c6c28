// Templates and rendering of outbox rows: pure, no servers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "messages/console_link.h"
#include "messages/message.h"
#include "messages/template.h"

namespace valtuus {
namespace {

namespace fs = std::filesystem;

const fs::path kShipped = VALTUUS_SOURCE_TEMPLATE_DIR;

nlohmann::json item_payload() {
  return {{"item_id", 42},
          {"kind", "grant"},
          {"employee_name", "Åsa Österberg"},
          {"account", "asaost"},
          {"recipient_name", "Bertta Esimies"},
          {"mandate_id", "kela-etuustiedot"},
          {"mandate_name", "Förmånsuppgifter"},
          {"service", "Kela"},
          {"reason", "map elinkeinoasiat"},
          {"path", 2},
          {"handling_time", "4–6 veckor"},
          {"valid_until", "2028-11-23"},
          {"executed_at", "2026-11-24"}};
}

TEST(Template, ParsesSubjectBodyAndPlaceholders) {
  const Template t =
      Template::parse("Subject: Run {{run_id}}: {{ items }} items\n\nLine {{grants}}\nend\n",
                      "run_items", "x/run_items.txt");
  const nlohmann::json payload = {{"run_id", 7}, {"items", 3}, {"grants", "2"}};
  EXPECT_EQ(t.subject(payload), "Run 7: 3 items");
  EXPECT_EQ(t.body(payload), "Line 2\nend\n");
  EXPECT_EQ(t.placeholders(), (std::vector<std::string>{"run_id", "items", "grants"}));
}

TEST(Template, UnknownPlaceholderNamesFileAndLine) {
  try {
    Template::parse("Subject: s\n\nok\nHello {{hetu}}\n", "grant_done", "fi/grant_done.txt");
    FAIL() << "accepted an unknown placeholder";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find("fi/grant_done.txt:4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("{{hetu}}"), std::string::npos) << e.what();
  }
  // A placeholder of another event is unknown too.
  EXPECT_THROW(Template::parse("Subject: {{run_id}}\n\n", "grant_done", "f"), TemplateError);
}

TEST(Template, MalformedTemplatesAreRefusedWithTheLine) {
  auto message = [](const std::string& text) -> std::string {
    try {
      Template::parse(text, "run_items", "t.txt");
    } catch (const TemplateError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message("Hello\n\nbody\n").find("t.txt:1"), std::string::npos);
  EXPECT_NE(message("Subject: x\nbody\n").find("t.txt:2"), std::string::npos);
  EXPECT_NE(message("Subject: x\n\nok\n\nopen {{items\n").find("t.txt:5"), std::string::npos);
  EXPECT_NE(message("Subject:   \n\n").find("t.txt:1"), std::string::npos);
  EXPECT_THROW(Template::parse("Subject: x\n\n", "no_such_event", "t"), TemplateError);
}

TEST(Template, MissingPayloadValueNamesThePlaceholder) {
  const Template t =
      Template::parse("Subject: {{run_id}}\n\n{{grants}} and {{revokes}}\n", "run_items", "r.txt");
  try {
    t.body({{"run_id", 1}, {"grants", 2}, {"revokes", nullptr}});
    FAIL() << "rendered without a value";
  } catch (const RenderError& e) {
    EXPECT_NE(std::string(e.what()).find("{{revokes}}"), std::string::npos) << e.what();
  }
  EXPECT_THROW(t.subject(nlohmann::json::object()), RenderError);
}

TEST(Template, MustacheSectionsAndCommentsWorkAndValuesAreNotHtmlEscaped) {
  const Template t = Template::parse(
      "Subject: {{service}} <{{mandate_name}}>\n\n{{! for the reviewer }}"
      "{{#reason}}Why: {{reason}}{{/reason}}{{^reason}}no reason{{/reason}}\n",
      "grant_done", "s.txt");
  nlohmann::json payload = item_payload();
  payload["service"] = "Kela & TE <b>";
  EXPECT_EQ(t.subject(payload), "Kela & TE <b> <Förmånsuppgifter>");
  EXPECT_EQ(t.body(payload), "Why: map elinkeinoasiat\n");
  payload["reason"] = "";
  EXPECT_EQ(t.body(payload), "no reason\n");
  EXPECT_EQ(t.placeholders(), (std::vector<std::string>{"service", "mandate_name", "reason"}));
}

TEST(Template, MustacheErrorsNameTheLine) {
  auto message = [](const std::string& text) -> std::string {
    try {
      Template::parse(text, "run_items", "m.txt");
    } catch (const TemplateError& e) {
      return e.what();
    }
    return "";
  };
  // A section opened on line 4 and never closed.
  EXPECT_NE(message("Subject: x\n\nok\n{{#items}} open\nmore\n").find("m.txt:4"), std::string::npos)
      << message("Subject: x\n\nok\n{{#items}} open\nmore\n");
  EXPECT_NE(message("Subject: x\n\nok\nclose {{/items}}\n").find("m.txt:4"), std::string::npos);
  // A section of a name the event does not have is unknown like a placeholder.
  EXPECT_NE(message("Subject: x\n\n{{#hetu}}x{{/hetu}}\n").find("m.txt:3"), std::string::npos);
  // No partials (they would read other files) and no delimiter changes.
  EXPECT_NE(message("Subject: x\n\n{{> other}}\n").find("m.txt:3: partials"), std::string::npos);
  EXPECT_NE(message("Subject: x\n\n{{=<% %>=}}\n").find("m.txt:3"), std::string::npos);
}

TEST(Template, ValuesCannotAddHeaderLinesToTheSubject) {
  const Template t =
      Template::parse("Subject: Held: {{held_reason}}\n\n{{held_reason}}\n", "run_held", "h");
  const nlohmann::json payload = {{"held_reason", "many\r\nBcc: x@evil.example"}};
  EXPECT_EQ(t.subject(payload).find('\n'), std::string::npos);
  EXPECT_EQ(t.subject(payload).find('\r'), std::string::npos);
  EXPECT_NE(t.body(payload).find("many\r\nBcc"), std::string::npos);  // the body keeps it
}

TEST(TemplateSet, ShippedTemplatesLoadForEveryEventAndLanguage) {
  const TemplateSet set = TemplateSet::load({kShipped});
  for (const auto& language : template_languages()) {
    for (const auto& event : outbox_events()) {
      const Template& t = set.get(event, language);
      EXPECT_FALSE(t.placeholders().empty()) << language << "/" << event;
      // Every shipped template renders with a payload of its event's placeholders.
      nlohmann::json payload = nlohmann::json::object();
      for (const auto& name : template_placeholders(event)) payload[name] = "«" + name + "»";
      EXPECT_FALSE(t.subject(payload).empty());
      EXPECT_FALSE(t.body(payload).empty());
    }
  }
  EXPECT_THROW(set.get("grant_done", "de"), TemplateError);
}

class TemplateDirs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("valtuus-templates-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sv");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_ / relative) << text;
  }
  fs::path dir_;
};

TEST_F(TemplateDirs, AnOverrideReplacesOneFileAndTheRestComesFromTheShippedSet) {
  write("sv/grant_done.txt", "Subject: Klart {{mandate_name}}\n\nEget: {{employee_name}}\n");
  const TemplateSet set = TemplateSet::load({dir_, kShipped});
  EXPECT_EQ(set.get("grant_done", "sv").subject(item_payload()), "Klart Förmånsuppgifter");
  EXPECT_EQ(set.get("grant_done", "sv").source(), (dir_ / "sv/grant_done.txt").string());
  EXPECT_EQ(set.get("grant_done", "fi").source(), (kShipped / "fi/grant_done.txt").string());
}

TEST_F(TemplateDirs, ABadOverrideFailsTheLoadNamingItsFileAndLine) {
  write("sv/revoke_done.txt", "Subject: x\n\n{{identity_code}}\n");
  try {
    TemplateSet::load({dir_, kShipped});
    FAIL() << "loaded a template with an unknown placeholder";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "sv/revoke_done.txt").string() + ":3"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(TemplateDirs, AMissingTemplateIsNamed) {
  try {
    TemplateSet::load({dir_});
    FAIL() << "loaded from an empty folder";
  } catch (const TemplateError& e) {
    EXPECT_NE(std::string(e.what()).find(".txt"), std::string::npos) << e.what();
  }
}

OutboxRow row(const std::string& event, const std::string& audience, const std::string& channel) {
  OutboxRow r;
  r.id = 9;
  r.event = event;
  r.audience = audience;
  r.channel = channel;
  r.idempotency_key = "valtuus.abc." + event + ".9";
  return r;
}

TEST(Render, MailToAPersonUsesTheirAddressAndLanguage) {
  const TemplateSet set = TemplateSet::load({kShipped});
  OutboxRow r = row("grant_proposed", "employee", "mail");
  r.recipient = "asa.osterberg@porvoo.example";
  r.language = "sv";
  r.language_from_person = true;
  r.payload = item_payload();
  const Message m = render(r, set, {{"rev@x"}, {"sec@x"}, "en"});  // the person's language wins
  EXPECT_EQ(m.language, "sv");
  EXPECT_EQ(m.to, std::vector<std::string>{"asa.osterberg@porvoo.example"});
  EXPECT_NE(m.subject.find("Förmånsuppgifter"), std::string::npos) << m.subject;
  EXPECT_NE(m.body.find("Beräknad handläggningstid: 4–6 veckor"), std::string::npos) << m.body;
  EXPECT_EQ(m.idempotency_key, r.idempotency_key);
  EXPECT_EQ(m.channel, "mail");
}

TEST(Render, ReviewersMailGoesToTheConfiguredAddressesInTheConfiguredDefaultLanguage) {
  const TemplateSet set = TemplateSet::load({kShipped});
  OutboxRow r = row("run_items", "reviewers", "mail");
  r.language = "fi";  // the database's default
  r.payload = {
      {"run_id", 5},  {"items", 4},  {"grants", 2},      {"org_applies", 0},
      {"revokes", 1}, {"renews", 1}, {"source", "ldap"}, {"command", "valtuusctl changes list"}};
  const Message fi = render(r, set, {{"a@x", "b@x"}, {}, ""});
  EXPECT_EQ(fi.language, "fi");
  EXPECT_EQ(fi.to, (std::vector<std::string>{"a@x", "b@x"}));
  EXPECT_NE(fi.subject.find("4 muutosta"), std::string::npos) << fi.subject;
  const Message en = render(r, set, {{"a@x"}, {}, "en"});
  EXPECT_EQ(en.language, "en");
  EXPECT_NE(en.subject.find("4 changes"), std::string::npos) << en.subject;
  // No configured address: the row cannot be sent (it fails and ends dead, visibly).
  EXPECT_THROW(render(r, set, {{}, {"sec@x"}, ""}), RenderError);
}

TEST(Render, WebhookJsonIsThePayloadPlusEventSubjectAndText) {
  const TemplateSet set = TemplateSet::load({kShipped});
  OutboxRow r = row("leavers_digest", "security", "webhook");
  r.language = "en";
  r.payload = {{"day", "2026-11-24"},
               {"leavers", 1},
               {"mandates", 2},
               {"list", "- A (a), D, 2026-11-01: 23 days, x, y"},
               {"command", "c"}};
  const Message m = render(r, set, {});  // a webhook needs no address
  EXPECT_TRUE(m.to.empty());
  EXPECT_EQ(m.json["event"], "leavers_digest");
  EXPECT_EQ(m.json["audience"], "security");
  EXPECT_EQ(m.json["leavers"], 1);
  EXPECT_EQ(m.json["subject"], m.subject);
  EXPECT_EQ(m.json["text"], m.body);
  EXPECT_NE(m.body.find("- A (a), D, 2026-11-01"), std::string::npos);
}

TEST(Render, AMissingPayloadValueFailsTheMessage) {
  const TemplateSet set = TemplateSet::load({kShipped});
  OutboxRow r = row("grant_done", "manager", "mail");
  r.recipient = "boss@x";
  r.payload = item_payload();
  r.payload.erase("valid_until");
  try {
    render(r, set, {});
    FAIL();
  } catch (const RenderError& e) {
    EXPECT_NE(std::string(e.what()).find("{{valid_until}}"), std::string::npos) << e.what();
  }
}

// Each message links to its page of the console; without an address, to the command.
TEST(Render, MessagesLinkToTheirConsolePage) {
  const TemplateSet set = TemplateSet::load({kShipped});
  const Recipients configured{{"rev@x"}, {"sec@x"}, "", "https://valtuus.kunta.example"};
  OutboxRow employee = row("grant_proposed", "employee", "mail");
  employee.recipient = "asa@x";
  employee.language = "en";
  employee.payload = item_payload();
  EXPECT_NE(render(employee, set, configured)
                .body.find("See the details in Valtuus: https://valtuus.kunta.example/me\n"),
            std::string::npos)
      << render(employee, set, configured).body;
  OutboxRow manager = employee;
  manager.audience = "manager";
  EXPECT_NE(render(manager, set, configured).body.find("https://valtuus.kunta.example/reports"),
            std::string::npos);
  OutboxRow held = row("run_held", "reviewers", "mail");
  held.payload = {{"run_id", 7},  {"held_reason", "r"}, {"items", 9},
                  {"revokes", 9}, {"source", "ldap"},   {"command", "valtuusctl runs show 7"}};
  const Message m = render(held, set, configured);
  EXPECT_NE(m.body.find("https://valtuus.kunta.example/runs/7"), std::string::npos) << m.body;
  EXPECT_EQ(m.body.find("valtuusctl"), std::string::npos) << m.body;
  EXPECT_EQ(m.json["link"], "https://valtuus.kunta.example/runs/7");
  // No console address: the command, as before.
  EXPECT_NE(render(held, set, {{"rev@x"}, {}, ""}).body.find("valtuusctl runs show 7"),
            std::string::npos);
}

TEST(ConsoleLink, EachEventHasItsPage) {
  OutboxRow r = row("leavers_digest", "security", "mail");
  EXPECT_EQ(console_link(r, "https://v.example"), "https://v.example/security/leavers");
  r = row("items_overdue", "reviewers", "mail");
  r.payload = {{"path1_days", 3}};
  EXPECT_EQ(console_link(r, "https://v.example"), "https://v.example/?older=3");
  r = row("grant_done", "reviewers", "webhook");
  r.payload = {{"item_id", "42"}};
  EXPECT_EQ(console_link(r, "https://v.example"), "https://v.example/items/42");
  r.payload = {{"item_id", "42/../x"}};  // not a number: no path from it
  EXPECT_EQ(console_link(r, "https://v.example"), "https://v.example/");
  EXPECT_EQ(console_url_problem("https://v.example"), "");
  EXPECT_NE(console_url_problem("https://v.example/"), "");
  EXPECT_NE(console_url_problem("ftp://v.example"), "");
}

}  // namespace
}  // namespace valtuus
