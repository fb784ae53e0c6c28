#include "notify/smtp_transport.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "core/errors.h"

namespace valtuus {

namespace {

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

}  // namespace

SmtpTransport::SmtpTransport(SmtpSettings settings) : settings_(std::move(settings)) {
  const bool smtps = starts_with(settings_.url, "smtps://");
  if (!smtps && !starts_with(settings_.url, "smtp://")) {
    throw ConfigError("notify.smtp_url: must start with smtp:// or smtps://");
  }
  if (settings_.insecure_plaintext && !settings_.user.empty()) {
    throw ConfigError(
        "notify.smtp_insecure_plaintext: refusing to send notify.smtp_user's password without "
        "TLS");
  }
}

DeliveryResult SmtpTransport::send(const MailContent& mail) const {
  std::string text;
  try {
    text = format_mail(mail);
  } catch (const DataError& e) {
    return {DeliveryOutcome::kPermanent, e.what()};
  }
  CurlEasy easy(settings_.timeouts, {settings_.password});
  CURL* h = easy.get();
  CurlList recipients;
  for (const std::string& to : mail.to) recipients.append("<" + to + ">");
  const std::string from = "<" + mail.from + ">";
  Upload upload{text};

  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str()), "notify.smtp_url");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps"),
                    "CURLOPT_PROTOCOLS_STR");
  if (!settings_.insecure_plaintext) {
    curl_set_or_throw(curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL)),
                      "CURLOPT_USE_SSL");
  }
  if (!settings_.ca_file.empty()) {
    curl_set_or_throw(curl_easy_setopt(h, CURLOPT_CAINFO, settings_.ca_file.c_str()),
                      "notify.smtp_ca_file");
  }
  if (!settings_.user.empty()) {
    curl_set_or_throw(curl_easy_setopt(h, CURLOPT_USERNAME, settings_.user.c_str()),
                      "notify.smtp_user");
    curl_set_or_throw(curl_easy_setopt(h, CURLOPT_PASSWORD, settings_.password.c_str()),
                      "notify.smtp_password_file");
  }
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str()), "notify.mail_from");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get()), "CURLOPT_MAIL_RCPT");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_UPLOAD, 1L), "CURLOPT_UPLOAD");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload), "CURLOPT_READFUNCTION");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_READDATA, &upload), "CURLOPT_READDATA");
  curl_set_or_throw(
      curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(text.size())),
      "CURLOPT_INFILESIZE_LARGE");

  const CURLcode code = easy.perform();
  if (code == CURLE_OK) return {DeliveryOutcome::kSent, ""};
  const long reply = easy.response_code();
  std::string detail = "smtp: " + easy.error_text(code);
  if (reply != 0 && detail.find(std::to_string(reply)) == std::string::npos) {
    detail += fmt::format(" (reply {})", reply);
  }
  // 530/534/535/538: authentication; a person fixes the configuration, the row waits.
  const bool auth_reply = reply == 530 || reply == 534 || reply == 535 || reply == 538;
  if (reply >= 500 && reply < 600 && !auth_reply && code != CURLE_LOGIN_DENIED) {
    return {DeliveryOutcome::kPermanent, detail};
  }
  return {DeliveryOutcome::kRetry, detail};
}

}  // namespace valtuus
