// Rate limit of failed logins, per account and per client address, so that nobody can try
// passwords at speed against one account, nor many accounts from one place. A failure counts
// for `window`; `max_failures` within it blocks further attempts until the oldest runs out.
// Thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace valtuus {

class LoginLimiter {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  LoginLimiter(int max_failures, std::chrono::seconds window,
               Now now = std::chrono::steady_clock::now);

  // Whether an attempt for `account` from `peer` may go to the directory at all.
  bool allowed(const std::string& account, const std::string& peer);
  void record_failure(const std::string& account, const std::string& peer);
  // A success clears the account's failures (not the address's: a guesser who also knows one
  // password must not reset their count).
  void record_success(const std::string& account);

 private:
  bool blocked(std::deque<std::chrono::steady_clock::time_point>& failures,
               std::chrono::steady_clock::time_point now) const;

  int max_failures_;
  std::chrono::seconds window_;
  Now now_;
  std::mutex mutex_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> by_account_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> by_peer_;
};

}  // namespace valtuus
