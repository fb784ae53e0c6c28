// Sends a notification mail through libcurl's SMTP: smtp:// with STARTTLS required, or
// smtps://; the server's certificate is always verified.
#pragma once

#include <string>

#include "notify/curl_handle.h"
#include "notify/mail_format.h"

namespace valtuus {

struct SmtpSettings {
  std::string url;       // smtp://host[:port] (STARTTLS required) or smtps://host[:port]
  std::string ca_file;   // CA certificates (PEM); empty: the system's
  std::string user;      // empty: no AUTH
  std::string password;  // from notify.smtp_password_file
  // Only for test rigs: smtp:// without STARTTLS (and then without AUTH, which would send the
  // password in the clear).
  bool insecure_plaintext = false;
  CurlTimeouts timeouts;
};

class SmtpTransport {
 public:
  explicit SmtpTransport(SmtpSettings settings);

  // Formats (format_mail) and sends `mail` to every address in mail.to, from mail.from.
  // Invalid content or an SMTP 5xx reply is permanent (except authentication replies, which
  // a person fixes in the configuration); connection failures, timeouts and 4xx replies are
  // retried.
  DeliveryResult send(const MailContent& mail) const;

  const SmtpSettings& settings() const { return settings_; }

 private:
  SmtpSettings settings_;
};

}  // namespace valtuus
