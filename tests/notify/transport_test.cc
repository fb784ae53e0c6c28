// The SMTP and webhook transports against the real loopback receivers (scripts/test-receivers):
// TLS is required and verified, credentials are used and never shown, failures are classified
// as the outbox needs (retry or dead).
#include <gtest/gtest.h>

#include "core/errors.h"
#include "notify/smtp_transport.h"
#include "notify/webhook_transport.h"
#include "tests/notify/receivers_env.h"

namespace valtuus {
namespace {

using testing::Receivers;

SmtpSettings smtp_settings(const std::string& url_key = "VALTUUS_TEST_SMTP_URL") {
  const Receivers& r = Receivers::get();
  SmtpSettings s;
  s.url = r.value(url_key);
  s.ca_file = r.value("VALTUUS_TEST_RECEIVERS_CA_FILE");
  s.user = r.value("VALTUUS_TEST_SMTP_USER");
  s.password = r.smtp_password();
  s.timeouts.connect = std::chrono::seconds{5};
  s.timeouts.total = std::chrono::seconds{15};
  return s;
}

MailContent mail_to(const std::string& domain, const std::string& key) {
  MailContent mail;
  mail.from = "valtuus@kunta.example";
  mail.to = {"matti@" + domain, "esihenkilo@" + domain};
  mail.subject = "Valtuus käytössä – Åsa";
  mail.body = "Hei,\nvaltuus on nyt käytössä.\n";
  mail.idempotency_key = key;
  mail.date = std::chrono::system_clock::now();
  return mail;
}

WebhookSettings webhook_settings(const std::string& segment) {
  const Receivers& r = Receivers::get();
  WebhookSettings s;
  s.url = r.value("VALTUUS_TEST_WEBHOOK_URL") + "/hooks/" + segment;
  s.ca_file = r.value("VALTUUS_TEST_RECEIVERS_CA_FILE");
  s.token = r.webhook_token();
  s.timeouts.connect = std::chrono::seconds{5};
  s.timeouts.total = std::chrono::seconds{15};
  return s;
}

TEST(SmtpTransport, SendsOverStartTlsWithLoginToEveryRecipient) {
  const std::string domain = Receivers::unique_name("starttls");
  const DeliveryResult result = SmtpTransport(smtp_settings()).send(mail_to(domain, "k.1"));
  ASSERT_EQ(result.outcome, DeliveryOutcome::kSent) << result.detail;
  const auto mails = Receivers::get().mails(domain);
  ASSERT_EQ(mails.size(), 1u);
  const auto& m = mails[0];
  EXPECT_EQ(m["listener"], "starttls");
  EXPECT_TRUE(m["tls"].get<bool>());
  EXPECT_EQ(m["login"], "valtuus-notify");
  EXPECT_EQ(m["mail_from"], "valtuus@kunta.example");
  EXPECT_EQ(m["rcpt_tos"], (nlohmann::json{"matti@" + domain, "esihenkilo@" + domain}));
  EXPECT_EQ(m["message_id"], "<k.1@valtuus>");
  const std::string data = m["data"];
  EXPECT_NE(data.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(data.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(data.find("k=C3=A4yt=C3=B6ss=C3=A4"), std::string::npos);  // käytössä
}

TEST(SmtpTransport, SendsOverImplicitTls) {
  const std::string domain = Receivers::unique_name("smtps");
  const DeliveryResult result =
      SmtpTransport(smtp_settings("VALTUUS_TEST_SMTPS_URL")).send(mail_to(domain, "k.2"));
  ASSERT_EQ(result.outcome, DeliveryOutcome::kSent) << result.detail;
  const auto mails = Receivers::get().mails(domain);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0]["listener"], "smtps");
}

TEST(SmtpTransport, RefusesAServerWithoutStartTlsAndSendsNothing) {
  const std::string domain = Receivers::unique_name("plain");
  const DeliveryResult result =
      SmtpTransport(smtp_settings("VALTUUS_TEST_SMTP_PLAIN_URL")).send(mail_to(domain, "k.3"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kRetry);
  EXPECT_EQ(Receivers::get().mails(domain).size(), 0u);
  EXPECT_EQ(result.detail.find(Receivers::get().smtp_password()), std::string::npos);
}

TEST(SmtpTransport, RefusesAnUntrustedCertificate) {
  const std::string domain = Receivers::unique_name("untrusted");
  SmtpSettings settings = smtp_settings();
  settings.ca_file = "/etc/ssl/certs/ca-certificates.crt";  // the system's: not the test CA
  const DeliveryResult result = SmtpTransport(settings).send(mail_to(domain, "k.4"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kRetry);
  EXPECT_EQ(Receivers::get().mails(domain).size(), 0u);
}

TEST(SmtpTransport, WrongPasswordIsRetriedAndNeverShown) {
  const std::string domain = Receivers::unique_name("badpass");
  SmtpSettings settings = smtp_settings();
  settings.password = "wrong-Secret-4711";
  const DeliveryResult result = SmtpTransport(settings).send(mail_to(domain, "k.5"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kRetry) << result.detail;
  EXPECT_EQ(result.detail.find("wrong-Secret-4711"), std::string::npos) << result.detail;
  EXPECT_EQ(Receivers::get().mails(domain).size(), 0u);
}

TEST(SmtpTransport, TemporaryReplyIsRetriedPermanentReplyIsNot) {
  const Receivers& r = Receivers::get();
  const std::string domain = Receivers::unique_name("replies");
  SmtpTransport transport(smtp_settings());
  r.control_smtp(domain, 451, 1);
  DeliveryResult result = transport.send(mail_to(domain, "k.6"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kRetry) << result.detail;
  EXPECT_NE(result.detail.find("451"), std::string::npos) << result.detail;
  r.control_smtp(domain, 550, 1);
  result = transport.send(mail_to(domain, "k.6"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kPermanent) << result.detail;
  r.control_smtp(domain, 0, -1);  // down: the connection is dropped
  result = transport.send(mail_to(domain, "k.6"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kRetry) << result.detail;
  r.clear_smtp(domain);
  result = transport.send(mail_to(domain, "k.6"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kSent) << result.detail;
  EXPECT_EQ(r.mails(domain).size(), 1u);
}

TEST(SmtpTransport, InvalidAddressIsPermanentAndNothingIsSent) {
  const std::string domain = Receivers::unique_name("inject");
  MailContent mail = mail_to(domain, "k.7");
  mail.to = {"a@" + domain + "\r\nRCPT TO:<victim@" + domain + ">"};
  const DeliveryResult result = SmtpTransport(smtp_settings()).send(mail);
  EXPECT_EQ(result.outcome, DeliveryOutcome::kPermanent);
  EXPECT_EQ(Receivers::get().mails(domain).size(), 0u);
}

TEST(SmtpTransport, ClosedPortIsRetried) {
  SmtpSettings settings = smtp_settings();
  settings.url = "smtp://127.0.0.1:1";
  const DeliveryResult result =
      SmtpTransport(settings).send(mail_to(Receivers::unique_name("closed"), "k.8"));
  EXPECT_EQ(result.outcome, DeliveryOutcome::kRetry);
}

TEST(SmtpTransport, SettingsAreChecked) {
  SmtpSettings settings = smtp_settings();
  settings.url = "http://127.0.0.1:25";
  EXPECT_THROW(SmtpTransport{settings}, ConfigError);
  settings = smtp_settings();
  settings.insecure_plaintext = true;  // with a login: the password would travel in the clear
  EXPECT_THROW(SmtpTransport{settings}, ConfigError);
}

TEST(WebhookTransport, PostsJsonWithKeyAndToken) {
  const std::string segment = Receivers::unique_name("hook");
  const DeliveryResult result =
      WebhookTransport(webhook_settings(segment)).send(R"({"event":"run_items","items":3})", "w.1");
  ASSERT_EQ(result.outcome, DeliveryOutcome::kSent) << result.detail;
  const auto posts = Receivers::get().posts(segment);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["headers"]["Idempotency-Key"], "w.1");
  EXPECT_EQ(posts[0]["headers"]["Content-Type"], "application/json; charset=utf-8");
  EXPECT_EQ(nlohmann::json::parse(posts[0]["body"].get<std::string>())["items"], 3);
  EXPECT_FALSE(posts[0]["duplicate"].get<bool>());
}

TEST(WebhookTransport, StatusCodesDecideRetryOrDead) {
  const Receivers& r = Receivers::get();
  const std::string segment = Receivers::unique_name("codes");
  WebhookTransport transport(webhook_settings(segment));
  const std::pair<int, DeliveryOutcome> cases[] = {
      {500, DeliveryOutcome::kRetry},     {503, DeliveryOutcome::kRetry},
      {408, DeliveryOutcome::kRetry},     {429, DeliveryOutcome::kRetry},
      {400, DeliveryOutcome::kPermanent}, {404, DeliveryOutcome::kPermanent},
      {422, DeliveryOutcome::kPermanent}, {0, DeliveryOutcome::kRetry},  // down
  };
  for (const auto& [code, expected] : cases) {
    r.control_webhook(segment, code, 1);
    const DeliveryResult result = transport.send("{}", "w.2");
    EXPECT_EQ(result.outcome, expected) << code << ": " << result.detail;
  }
  r.clear_webhook(segment);
  EXPECT_EQ(transport.send("{}", "w.2").outcome, DeliveryOutcome::kSent);
}

TEST(WebhookTransport, WrongTokenIsPermanentAndNeverShown) {
  const std::string segment = Receivers::unique_name("token");
  WebhookSettings settings = webhook_settings(segment);
  settings.token = "not-the-Token-0815";
  const DeliveryResult result = WebhookTransport(settings).send("{}", "w.3");
  EXPECT_EQ(result.outcome, DeliveryOutcome::kPermanent);
  EXPECT_NE(result.detail.find("401"), std::string::npos) << result.detail;
  EXPECT_EQ(result.detail.find("not-the-Token-0815"), std::string::npos) << result.detail;
}

TEST(WebhookTransport, ReceiverDeduplicatesOnTheKey) {
  const std::string segment = Receivers::unique_name("dedupe");
  WebhookTransport transport(webhook_settings(segment));
  ASSERT_EQ(transport.send("{}", "w.4").outcome, DeliveryOutcome::kSent);
  ASSERT_EQ(transport.send("{}", "w.4").outcome, DeliveryOutcome::kSent);
  const auto posts = Receivers::get().posts(segment);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_FALSE(posts[0]["duplicate"].get<bool>());
  EXPECT_TRUE(posts[1]["duplicate"].get<bool>());
}

TEST(WebhookTransport, UnsafeKeyIsRefusedAndHttpIsNotAllowed) {
  const std::string segment = Receivers::unique_name("unsafe");
  WebhookTransport transport(webhook_settings(segment));
  EXPECT_EQ(transport.send("{}", "w\r\nX-Evil: 1").outcome, DeliveryOutcome::kPermanent);
  EXPECT_EQ(Receivers::get().posts(segment).size(), 0u);
  WebhookSettings settings = webhook_settings(segment);
  settings.url = "http://127.0.0.1:1/";
  EXPECT_THROW(WebhookTransport{settings}, ConfigError);
}

TEST(WebhookTransport, UntrustedCertificateIsNotSentTo) {
  const std::string segment = Receivers::unique_name("untrusted");
  WebhookSettings settings = webhook_settings(segment);
  settings.ca_file = "/etc/ssl/certs/ca-certificates.crt";
  EXPECT_EQ(WebhookTransport(settings).send("{}", "w.5").outcome, DeliveryOutcome::kRetry);
  EXPECT_EQ(Receivers::get().posts(segment).size(), 0u);
}

}  // namespace
}  // namespace valtuus
