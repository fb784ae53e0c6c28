// Options of valtuus-notify, declared once here with their help text and defaults.
// Secrets (SMTP password, webhook token) come only from files (common/secret_file.h).
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "notify/smtp_transport.h"
#include "notify/webhook_transport.h"

namespace valtuus {

struct NotifyOptions {
  bool once = false;       // --once: drain what is due, run the daily jobs when due, exit
  int interval_s = 30;     // notify.interval: seconds between drains
  int max_attempts = 10;   // notify.max_attempts: failed attempts before a row is dead
  BackoffPolicy backoff;   // notify.retry_base / notify.retry_cap (seconds), jitter 0.5
  int daily_hour = 6;      // notify.daily_hour: UTC hour from which the daily jobs run
  bool daily_jobs = true;  // notify.daily_jobs
  int path1_days = 3;      // sla.path1_days
  int path2_days = 42;     // sla.path2_days
  std::string language;    // notify.language: fi | sv | en | "" (the database's default)
  std::vector<std::string> reviewers;      // notify.reviewers_mail
  std::vector<std::string> security;       // notify.security_mail
  std::string mail_from;                   // notify.mail_from
  std::string template_dir;                // notify.template_dir: tried before the defaults
  std::string console_url;                 // notify.console_url: messages link to its pages
  std::optional<SmtpSettings> smtp;        // when notify.smtp_url is set
  std::optional<WebhookSettings> webhook;  // when notify.webhook_url is set
};

boost::program_options::options_description notify_command_line_options();
boost::program_options::options_description notify_shared_options();

// Validates every option and reads the secret files; throws ConfigError naming the option.
NotifyOptions notify_options_from(const boost::program_options::variables_map& vm);

// Splits "a@x.fi, b@x.fi" into addresses; throws ConfigError naming `option` for an invalid one.
std::vector<std::string> mail_list(const std::string& text, const std::string& option);

}  // namespace valtuus
