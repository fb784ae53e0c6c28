#include "notify/webhook_transport.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "core/errors.h"

namespace valtuus {

namespace {

constexpr std::size_t kMaxKeptReply = 200;

// Keeps the start of the reply for the error text; the rest is read and dropped.
std::size_t keep_reply(char* data, std::size_t size, std::size_t count, void* user) {
  auto* reply = static_cast<std::string*>(user);
  const std::size_t n = size * count;
  if (reply->size() < kMaxKeptReply) {
    reply->append(data, std::min(n, kMaxKeptReply - reply->size()));
  }
  return n;
}

bool header_safe(const std::string& value) {
  return std::none_of(value.begin(), value.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
  });
}

std::string printable(std::string text) {
  for (char& ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) ch = ' ';
  }
  return text;
}

}  // namespace

WebhookTransport::WebhookTransport(WebhookSettings settings) : settings_(std::move(settings)) {
  std::string scheme = settings_.url.substr(0, 8);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "https://") throw ConfigError("notify.webhook_url: must start with https://");
  if (!header_safe(settings_.token)) {
    throw ConfigError("notify.webhook_token_file: the token contains control characters");
  }
}

DeliveryResult WebhookTransport::send(const std::string& json,
                                      const std::string& idempotency_key) const {
  if (idempotency_key.empty() || !header_safe(idempotency_key)) {
    return {DeliveryOutcome::kPermanent, "webhook: the idempotency key is empty or unsafe"};
  }
  CurlEasy easy(settings_.timeouts, {settings_.token});
  CURL* h = easy.get();
  CurlList headers;
  headers.append("Content-Type: application/json; charset=utf-8");
  headers.append("Accept: application/json");
  headers.append("Idempotency-Key: " + idempotency_key);
  headers.append("Expect:");  // no 100-continue round trip
  if (!settings_.token.empty()) headers.append("Authorization: Bearer " + settings_.token);
  std::string reply;

  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_URL, settings_.url.c_str()), "notify.webhook_url");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https"), "CURLOPT_PROTOCOLS_STR");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L), "CURLOPT_FOLLOWLOCATION");
  if (!settings_.ca_file.empty()) {
    curl_set_or_throw(curl_easy_setopt(h, CURLOPT_CAINFO, settings_.ca_file.c_str()),
                      "notify.webhook_ca_file");
  }
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()), "CURLOPT_HTTPHEADER");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_USERAGENT, "valtuus-notify"), "CURLOPT_USERAGENT");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_POSTFIELDS, json.data()), "CURLOPT_POSTFIELDS");
  curl_set_or_throw(
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json.size())),
      "CURLOPT_POSTFIELDSIZE_LARGE");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_reply),
                    "CURLOPT_WRITEFUNCTION");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply), "CURLOPT_WRITEDATA");

  const CURLcode code = easy.perform();
  if (code != CURLE_OK) return {DeliveryOutcome::kRetry, "webhook: " + easy.error_text(code)};
  const long status = easy.response_code();
  if (status >= 200 && status < 300) return {DeliveryOutcome::kSent, ""};
  const std::string detail = fmt::format("webhook: HTTP {}{}{}", status, reply.empty() ? "" : ": ",
                                         scrub_credentials(printable(reply), {settings_.token}));
  if (status == 408 || status == 429 || status >= 500) return {DeliveryOutcome::kRetry, detail};
  return {DeliveryOutcome::kPermanent, detail};
}

}  // namespace valtuus
