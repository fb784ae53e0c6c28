// libcurl handles owned by RAII, with the settings every transfer of the notifier needs:
// connect and total timeouts, no signals, an error buffer, and error texts that never carry
// credentials (libcurl's messages can quote a URL with user:password@ in it).
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// What became of one delivery attempt.
enum class DeliveryOutcome {
  kSent,       // the receiver accepted it
  kRetry,      // may succeed later: server down, timeout, 4xx SMTP reply, HTTP 5xx/408/429
  kPermanent,  // will never succeed as it is: invalid address, HTTP 4xx, SMTP 5xx
};

struct DeliveryResult {
  DeliveryOutcome outcome = DeliveryOutcome::kRetry;
  std::string detail;  // why, for logs and outbox.last_error; never a credential
};

// curl_global_init, once per process (thread-safe); throws std::runtime_error when it fails.
void curl_global_once();

// A list of strings for CURLOPT_HTTPHEADER or CURLOPT_MAIL_RCPT.
class CurlList {
 public:
  void append(const std::string& item);  // throws std::bad_alloc when libcurl cannot
  curl_slist* get() const { return list_.get(); }

 private:
  CurlSlistPtr list_;
};

struct CurlTimeouts {
  std::chrono::milliseconds connect{std::chrono::seconds{10}};
  std::chrono::milliseconds total{std::chrono::seconds{60}};
};

// One easy handle, set up with the timeouts, CURLOPT_NOSIGNAL and an error buffer.
class CurlEasy {
 public:
  // `secrets` (passwords, tokens) are removed from every error text, whatever libcurl says.
  CurlEasy(const CurlTimeouts& timeouts, std::vector<std::string> secrets);
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* get() const { return handle_.get(); }

  // Runs the transfer; returns its code. The error buffer is cleared first.
  CURLcode perform();

  // What went wrong, for logs and outbox.last_error: libcurl's error buffer (or the code's
  // text), with user information stripped from URLs and the secrets removed.
  std::string error_text(CURLcode code) const;

  // CURLINFO_RESPONSE_CODE: the last HTTP status or SMTP reply code; 0 when none.
  long response_code() const;

 private:
  CurlEasyPtr handle_;
  std::vector<std::string> secrets_;
  char error_[CURL_ERROR_SIZE] = {};
};

// Text with "scheme://user:password@host" turned into "scheme://host", and every occurrence of
// a non-empty secret replaced by "***". Pure; for anything that may end up in a log.
std::string scrub_credentials(std::string_view text, const std::vector<std::string>& secrets = {});

// Throws ConfigError naming `option` when libcurl refuses a setting (an unsupported protocol or
// option in this libcurl build).
void curl_set_or_throw(CURLcode code, const char* option);

}  // namespace valtuus
