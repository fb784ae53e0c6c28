#include "notify/curl_handle.h"

#include <mutex>
#include <stdexcept>
#include <utility>

#include "core/errors.h"

namespace valtuus {

void curl_global_once() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    throw std::runtime_error(std::string("libcurl: global init failed: ") +
                             curl_easy_strerror(result));
  }
}

void CurlList::append(const std::string& item) {
  curl_slist* grown = curl_slist_append(list_.get(), item.c_str());
  if (grown == nullptr) throw std::bad_alloc();
  // curl_slist_append returns the same head when the list was not empty.
  (void)list_.release();
  list_.reset(grown);
}

void curl_set_or_throw(CURLcode code, const char* option) {
  if (code != CURLE_OK) {
    throw ConfigError(std::string("libcurl refused ") + option + ": " + curl_easy_strerror(code));
  }
}

CurlEasy::CurlEasy(const CurlTimeouts& timeouts, std::vector<std::string> secrets)
    : secrets_(std::move(secrets)) {
  curl_global_once();
  handle_.reset(curl_easy_init());
  if (!handle_) throw std::runtime_error("libcurl: cannot create a handle");
  CURL* h = handle_.get();
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_), "CURLOPT_ERRORBUFFER");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L), "CURLOPT_NOSIGNAL");
  curl_set_or_throw(
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect.count())),
      "CURLOPT_CONNECTTIMEOUT_MS");
  curl_set_or_throw(
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total.count())),
      "CURLOPT_TIMEOUT_MS");
  // A stalled server is a timeout too, however the total is set.
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L), "CURLOPT_LOW_SPEED_LIMIT");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L), "CURLOPT_LOW_SPEED_TIME");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2),
                    "CURLOPT_SSLVERSION");
  // Certificates are always verified; the transports only add a CA file.
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L), "CURLOPT_SSL_VERIFYPEER");
  curl_set_or_throw(curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L), "CURLOPT_SSL_VERIFYHOST");
}

CURLcode CurlEasy::perform() {
  error_[0] = '\0';
  return curl_easy_perform(handle_.get());
}

std::string CurlEasy::error_text(CURLcode code) const {
  std::string text = error_[0] != '\0' ? std::string(error_) : curl_easy_strerror(code);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return scrub_credentials(text, secrets_);
}

long CurlEasy::response_code() const {
  long code = 0;
  if (curl_easy_getinfo(handle_.get(), CURLINFO_RESPONSE_CODE, &code) != CURLE_OK) return 0;
  return code;
}

std::string scrub_credentials(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t scheme_end = text.find("://", i);
    if (scheme_end == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    const std::size_t authority = scheme_end + 3;
    out.append(text.substr(i, authority - i));
    // The authority ends at the first '/', '?', '#', white space or quote; user information
    // is everything up to its last '@'.
    std::size_t end = authority;
    while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
           text[end] != ' ' && text[end] != '\t' && text[end] != '\n' && text[end] != '"' &&
           text[end] != '\'' && text[end] != '>') {
      ++end;
    }
    const std::size_t at = text.substr(authority, end - authority).rfind('@');
    const std::size_t host = at == std::string_view::npos ? authority : authority + at + 1;
    out.append(text.substr(host, end - host));
    i = end;
  }
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + 3)) {
      out.replace(pos, secret.size(), "***");
    }
  }
  return out;
}

}  // namespace valtuus
