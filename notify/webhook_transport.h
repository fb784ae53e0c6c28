// Posts a notification as JSON to an HTTPS webhook (a chat tool or a ticketing system) with
// libcurl; the server's certificate is always verified.
#pragma once

#include <string>

#include "notify/curl_handle.h"

namespace valtuus {

struct WebhookSettings {
  std::string url;      // https://...
  std::string ca_file;  // CA certificates (PEM); empty: the system's
  std::string token;    // from notify.webhook_token_file; sent as "Authorization: Bearer"
  CurlTimeouts timeouts;
};

class WebhookTransport {
 public:
  explicit WebhookTransport(WebhookSettings settings);  // ConfigError unless https://

  // POSTs `json` with "Idempotency-Key: <key>". 2xx: sent; 408, 429, 5xx, no answer,
  // timeouts: retry; any other status (4xx, an unfollowed 3xx): permanent.
  DeliveryResult send(const std::string& json, const std::string& idempotency_key) const;

 private:
  WebhookSettings settings_;
};

}  // namespace valtuus
