// The loopback SMTP and HTTPS receivers started by scripts/test-receivers (CTest fixture
// "receivers"): their settings, what they received, and their failure controls.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace valtuus::testing {

class Receivers {
 public:
  // Reads $VALTUUS_TEST_RECEIVERS_ENV; throws std::runtime_error saying why not.
  static const Receivers& get();

  const std::string& value(const std::string& key) const;  // e.g. VALTUUS_TEST_SMTP_URL
  std::string smtp_password() const;
  std::string webhook_token() const;

  // A fresh name for one scenario: a mail domain ("t12-34.test") or a webhook path segment.
  static std::string unique_name(const std::string& hint);

  // Every message received for the domain / path segment so far (JSON objects; see
  // scripts/receivers/receivers.py).
  std::vector<nlohmann::json> mails(const std::string& domain) const;
  std::vector<nlohmann::json> posts(const std::string& segment) const;

  // Makes the receiver answer `code` for the next `count` transactions (-1: always) or be
  // "down" (code 0: drop the connection); clear() undoes it.
  void control_smtp(const std::string& domain, int code, int count) const;
  void control_webhook(const std::string& segment, int code, int count) const;
  void clear_smtp(const std::string& domain) const;
  void clear_webhook(const std::string& segment) const;

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace valtuus::testing
