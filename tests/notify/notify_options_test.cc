// valtuus-notify's options: defaults, and every bad value refused naming its option.
#include "notify/notify_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {
namespace {

po::variables_map parse(const std::vector<std::string>& args) {
  po::options_description all;
  all.add(notify_command_line_options()).add(notify_shared_options());
  std::vector<const char*> argv{"valtuus-notify"};
  for (const auto& a : args) argv.push_back(a.c_str());
  po::variables_map vm;
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(), all), vm);
  po::notify(vm);
  return vm;
}

std::string secret_file(const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("notify-options-test-" + std::to_string(::getpid()));
  std::ofstream(path) << content << '\n';
  return path.string();
}

// The ConfigError's text for these arguments, "" when they are accepted.
std::string refusal(const std::vector<std::string>& args) {
  try {
    notify_options_from(parse(args));
    return "";
  } catch (const ConfigError& e) {
    return e.what();
  }
}

const std::vector<std::string> kMinimal{"--notify.smtp_url=smtp://mail.example",
                                        "--notify.mail_from=valtuus@kunta.example"};

std::vector<std::string> with(std::vector<std::string> extra) {
  std::vector<std::string> args = kMinimal;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST(NotifyOptions, DefaultsAreSafe) {
  const NotifyOptions options = notify_options_from(parse(kMinimal));
  ASSERT_TRUE(options.smtp.has_value());
  EXPECT_FALSE(options.smtp->insecure_plaintext);
  EXPECT_FALSE(options.webhook.has_value());
  EXPECT_EQ(options.max_attempts, 10);
  EXPECT_EQ(options.backoff.base, std::chrono::seconds{60});
  EXPECT_EQ(options.backoff.cap, std::chrono::seconds{3600});
  EXPECT_EQ(options.smtp->timeouts.connect, std::chrono::seconds{10});
  EXPECT_EQ(options.smtp->timeouts.total, std::chrono::seconds{60});
  EXPECT_FALSE(options.once);
}

TEST(NotifyOptions, BadValuesNameTheirOption) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{}, "notify.smtp_url"},
      {{"--notify.smtp_url=http://mail.example"}, "notify.smtp_url"},
      {{"--notify.smtp_url=smtp://mail.example"}, "notify.mail_from"},
      {with({"--notify.max_attempts=0"}), "notify.max_attempts"},
      {with({"--notify.retry_base=100", "--notify.retry_cap=10"}), "notify.retry_cap"},
      {with({"--notify.interval=0"}), "notify.interval"},
      {with({"--notify.timeout=0"}), "notify.timeout"},
      {with({"--notify.daily_hour=24"}), "notify.daily_hour"},
      {with({"--notify.language=de"}), "notify.language"},
      {with({"--notify.reviewers_mail=a@b.example, not an address"}), "notify.reviewers_mail"},
      {with({"--notify.security_mail=x@y.example\r\nBcc: z@evil.example"}), "notify.security_mail"},
      {with({"--notify.smtp_user=valtuus"}), "notify.smtp_password_file"},
      {with({"--notify.smtp_password_file=/nonexistent/smtp"}), "notify.smtp_password_file"},
      {with({"--notify.smtp_user=valtuus", "--notify.smtp_password_file=/nonexistent/smtp"}),
       "notify.smtp_password_file"},
      {with({"--notify.webhook_url=http://hook.example/"}), "notify.webhook_url"},
      {with({"--notify.console_url=valtuus.kunta.example"}), "notify.console_url"},
      {with({"--notify.console_url=https://valtuus.kunta.example/?x=1"}), "notify.console_url"},
      {with({"--notify.console_url=https://me:Hunter2@valtuus.kunta.example"}),
       "notify.console_url"},
      {with({"--notify.webhook_url=https://me:Hunter2@hook.example/"}), "notify.webhook_url"},
      {{"--notify.smtp_url=smtp://me:Hunter2@mail.example", "--notify.mail_from=a@b.example"},
       "notify.smtp_url"},
      {with({"--notify.webhook_url=https://hook.example/",
             "--notify.webhook_token_file=/nonexistent/token"}),
       "notify.webhook_token_file"},
  };
  for (const auto& [args, option] : cases) {
    const std::string text = refusal(args);
    EXPECT_NE(text.find(option), std::string::npos)
        << "expected a refusal naming " << option << ", got: '" << text << "'";
    EXPECT_EQ(text.find("Hunter2"), std::string::npos) << text;
  }
}

TEST(NotifyOptions, ReadsSecretsFromFilesAndListsOfAddresses) {
  const std::string file = secret_file("pa55word");
  const NotifyOptions options = notify_options_from(
      parse(with({"--notify.smtp_user=valtuus", "--notify.smtp_password_file=" + file,
                  "--notify.reviewers_mail= a@kunta.example ,b@kunta.example,,",
                  "--notify.webhook_url=https://hook.example/x",
                  "--notify.webhook_token_file=" + file, "--notify.language=sv", "--once"})));
  std::filesystem::remove(file);
  EXPECT_EQ(options.smtp->password, "pa55word");
  EXPECT_EQ(options.webhook->token, "pa55word");
  EXPECT_EQ(options.reviewers, (std::vector<std::string>{"a@kunta.example", "b@kunta.example"}));
  EXPECT_EQ(options.language, "sv");
  EXPECT_TRUE(options.once);
}

TEST(NotifyOptions, WebhookAloneIsEnough) {
  const NotifyOptions options =
      notify_options_from(parse({"--notify.webhook_url=https://h.example/"}));
  EXPECT_FALSE(options.smtp.has_value());
  EXPECT_TRUE(options.webhook.has_value());
}

}  // namespace
}  // namespace valtuus
