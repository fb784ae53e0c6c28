#include "notify/notify_options.h"

#include <fmt/format.h>

#include "common/secret_file.h"
#include "common/sla_options.h"
#include "core/errors.h"
#include "messages/console_link.h"
#include "notify/mail_format.h"

namespace po = boost::program_options;

namespace valtuus {

namespace {

std::string text(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

int in_range(const po::variables_map& vm, const char* name, int low, int high) {
  const int value = vm[name].as<int>();
  if (value < low || value > high) {
    throw ConfigError(fmt::format("{}: {} is out of range ({} to {})", name, value, low, high));
  }
  return value;
}

// A URL with user:password@ would put a secret in the configuration file (and in
// --print-config): refused, naming the option but never repeating the URL.
void refuse_userinfo(const std::string& url, const char* option, const char* instead) {
  if (scrub_credentials(url) != url) {
    throw ConfigError(
        fmt::format("{}: must not contain a user or password; use {}", option, instead));
  }
}

}  // namespace

po::options_description notify_command_line_options() {
  po::options_description options("valtuus-notify");
  options.add_options()("help,h", "show this help and exit")("version",
                                                             "show the version and exit")(
      "config,c", po::value<std::string>(),
      "configuration file (default /etc/valtuus/valtuus-notify.conf)")(
      "once", "send what is due (and the daily messages when due), then exit")(
      "check-config", "validate the configuration, secrets and templates, then exit")(
      "print-config", "print the effective configuration (secrets redacted) and exit");
  return options;
}

po::options_description notify_shared_options() {
  po::options_description options("Notifications");
  options.add_options()
      // Mail
      ("notify.smtp_url", po::value<std::string>(),
       "SMTP server: smtp://host[:port] (STARTTLS required) or smtps://host[:port]; "
       "unset: no mail")("notify.smtp_ca_file", po::value<std::string>(),
                         "CA certificates (PEM) for the SMTP server; default: the system's")(
          "notify.smtp_user", po::value<std::string>(), "SMTP login; unset: no authentication")(
          "notify.smtp_password_file", po::value<std::string>(),
          "file holding the SMTP password (relative: in $CREDENTIALS_DIRECTORY)")(
          "notify.smtp_insecure_plaintext", po::value<bool>()->default_value(false),
          "test rigs only: smtp:// without STARTTLS (refused together with notify.smtp_user)")(
          "notify.mail_from", po::value<std::string>(), "sender address of the mails")(
          "notify.reviewers_mail", po::value<std::string>(),
          "reviewers' addresses, separated by commas")(
          "notify.security_mail", po::value<std::string>(),
          "security's addresses (the leavers digest), separated by commas")
      // Webhook
      ("notify.webhook_url", po::value<std::string>(),
       "HTTPS URL that receives the webhook channel's JSON; unset: no webhook")(
          "notify.webhook_ca_file", po::value<std::string>(),
          "CA certificates (PEM) for the webhook; default: the system's")(
          "notify.webhook_token_file", po::value<std::string>(),
          "file holding a bearer token for the webhook (relative: in $CREDENTIALS_DIRECTORY)")
      // Delivery
      ("notify.connect_timeout", po::value<int>()->default_value(10),
       "seconds to wait for a connection (1 to 300)")(
          "notify.timeout", po::value<int>()->default_value(60),
          "seconds one delivery may take in all (1 to 600)")(
          "notify.max_attempts", po::value<int>()->default_value(10),
          "failed attempts after which a message is dead (1 to 100)")(
          "notify.retry_base", po::value<int>()->default_value(60),
          "seconds before the first retry; each further one waits twice as long (1 to 86400)")(
          "notify.retry_cap", po::value<int>()->default_value(3600),
          "longest wait between retries, seconds (at least notify.retry_base)")(
          "notify.interval", po::value<int>()->default_value(30),
          "seconds between looks at the outbox (1 to 3600)")
      // Content
      ("notify.language", po::value<std::string>()->default_value(""),
       "language (fi, sv, en) of messages to reviewers, security and people whose own language "
       "is unknown; empty: the database's default")(
          "notify.template_dir", po::value<std::string>(),
          "templates tried before /etc/valtuus/templates and the installed ones")(
          "notify.console_url", po::value<std::string>()->default_value(""),
          "address of the web console (e.g. https://valtuus.kunta.fi): each message links to "
          "its page there; empty: messages give the valtuusctl command instead")
      // Daily messages
      ("notify.daily_jobs", po::value<bool>()->default_value(true),
       "enqueue the daily overdue-items and leavers messages")(
          "notify.daily_hour", po::value<int>()->default_value(6),
          "UTC hour (0 to 23) from which the daily messages are enqueued");
  // When an item is overdue: the same sla.path1_days and sla.path2_days that
  // `valtuusctl report sla` measures against, so the mail and the report never disagree.
  options.add(sla_options_description());
  return options;
}

std::vector<std::string> mail_list(const std::string& list, const std::string& option) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    std::string item = list.substr(start, end - start);
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    item = first == std::string::npos ? "" : item.substr(first, last - first + 1);
    if (!item.empty()) {
      if (!valid_mail_address(item)) {
        throw ConfigError(fmt::format("{}: '{}' is not a mail address", option, item));
      }
      out.push_back(item);
    }
    start = end + 1;
  }
  return out;
}

NotifyOptions notify_options_from(const po::variables_map& vm) {
  NotifyOptions options;
  options.once = vm.count("once") > 0;
  options.interval_s = in_range(vm, "notify.interval", 1, 3600);
  options.max_attempts = in_range(vm, "notify.max_attempts", 1, 100);
  const int base = in_range(vm, "notify.retry_base", 1, 86400);
  const int cap = in_range(vm, "notify.retry_cap", 1, 7 * 86400);
  if (cap < base) {
    throw ConfigError(
        fmt::format("notify.retry_cap: {} is below notify.retry_base ({})", cap, base));
  }
  options.backoff.base = std::chrono::seconds{base};
  options.backoff.cap = std::chrono::seconds{cap};
  options.daily_jobs = vm["notify.daily_jobs"].as<bool>();
  options.daily_hour = in_range(vm, "notify.daily_hour", 0, 23);
  const SlaTargets sla = sla_targets_from(vm);
  options.path1_days = sla.path1_days;
  options.path2_days = sla.path2_days;
  options.language = text(vm, "notify.language");
  if (!options.language.empty() && options.language != "fi" && options.language != "sv" &&
      options.language != "en") {
    throw ConfigError("notify.language: '" + options.language + "' is not fi, sv or en");
  }
  options.reviewers = mail_list(text(vm, "notify.reviewers_mail"), "notify.reviewers_mail");
  options.security = mail_list(text(vm, "notify.security_mail"), "notify.security_mail");
  options.template_dir = text(vm, "notify.template_dir");
  options.console_url = text(vm, "notify.console_url");
  if (const std::string problem = console_url_problem(options.console_url); !problem.empty())
    throw ConfigError("notify.console_url: the address " + problem);  // it may hold a password

  CurlTimeouts timeouts;
  timeouts.connect = std::chrono::seconds{in_range(vm, "notify.connect_timeout", 1, 300)};
  timeouts.total = std::chrono::seconds{in_range(vm, "notify.timeout", 1, 600)};

  if (const std::string url = text(vm, "notify.smtp_url"); !url.empty()) {
    refuse_userinfo(url, "notify.smtp_url", "notify.smtp_user and notify.smtp_password_file");
    SmtpSettings smtp;
    smtp.url = url;
    smtp.ca_file = text(vm, "notify.smtp_ca_file");
    smtp.user = text(vm, "notify.smtp_user");
    smtp.insecure_plaintext = vm["notify.smtp_insecure_plaintext"].as<bool>();
    smtp.timeouts = timeouts;
    const std::string password_file = text(vm, "notify.smtp_password_file");
    if (!smtp.user.empty()) {
      if (password_file.empty()) {
        throw ConfigError("notify.smtp_password_file: needed with notify.smtp_user");
      }
      smtp.password = read_secret_file(password_file, "notify.smtp_password_file");
    } else if (!password_file.empty()) {
      throw ConfigError("notify.smtp_password_file: set, but notify.smtp_user is not");
    }
    options.mail_from = text(vm, "notify.mail_from");
    if (!valid_mail_address(options.mail_from)) {
      throw ConfigError("notify.mail_from: '" + options.mail_from +
                        "' is not a mail address (needed with notify.smtp_url)");
    }
    SmtpTransport check(smtp);  // the URL's scheme and the plaintext rule
    options.smtp = std::move(smtp);
  }
  if (const std::string url = text(vm, "notify.webhook_url"); !url.empty()) {
    refuse_userinfo(url, "notify.webhook_url", "notify.webhook_token_file");
    WebhookSettings webhook;
    webhook.url = url;
    webhook.ca_file = text(vm, "notify.webhook_ca_file");
    webhook.timeouts = timeouts;
    if (const std::string file = text(vm, "notify.webhook_token_file"); !file.empty()) {
      webhook.token = read_secret_file(file, "notify.webhook_token_file");
    }
    WebhookTransport check(webhook);  // https only
    options.webhook = std::move(webhook);
  }
  if (!options.smtp && !options.webhook) {
    throw ConfigError(
        "notify.smtp_url: neither it nor notify.webhook_url is set: nothing to send with");
  }
  return options;
}

}  // namespace valtuus
