// Server-side sessions of the console. The browser holds only a random token (the cookie);
// who the person is, their roles and their CSRF token stay here. A session ends when it was
// idle too long, when it reaches its absolute lifetime, or at logout, whichever comes first.
// Held in memory: a restart logs everyone out, which is the safe direction. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace valtuus {

struct WebSession {
  std::string token;  // the cookie value
  std::string csrf;   // every form carries it back
  std::string account;
  std::string display_name;
  std::vector<std::string> roles;  // "reviewer", "security", "admin", "employee"
  std::string language;            // fi, sv, en
  std::chrono::steady_clock::time_point created;
  std::chrono::steady_clock::time_point last_seen;
  // Who the person is as an employee (role "employee"): the directory key, for the access
  // checks, and the random reference their pages' addresses carry. Empty for staff who are
  // not employees in the last directory read.
  std::string employee_key{};
  std::string employee_ref{};

  bool has_role(std::string_view role) const;
  // Reviewer, security or administrator: the pages of the mandate administration.
  bool is_staff() const;
};

struct SessionLimits {
  std::chrono::seconds idle{30 * 60};
  std::chrono::seconds absolute{8 * 3600};
  std::size_t max_sessions = 10000;  // beyond this the least recently used is dropped
};

class SessionStore {
 public:
  using Now = std::function<std::chrono::steady_clock::time_point()>;
  explicit SessionStore(SessionLimits limits, Now now = std::chrono::steady_clock::now);

  // A new session with fresh random tokens (never reusing one from before the login).
  WebSession create(const std::string& account, const std::string& display_name,
                    const std::vector<std::string>& roles, const std::string& language,
                    const std::string& employee_key = "", const std::string& employee_ref = "");

  // The live session of `token`, marked as used now; an expired one is removed.
  std::optional<WebSession> find(const std::string& token);

  void set_language(const std::string& token, const std::string& language);
  void erase(const std::string& token);
  std::size_t size() const;

  const SessionLimits& limits() const { return limits_; }

 private:
  bool expired(const WebSession& session, std::chrono::steady_clock::time_point now) const;

  SessionLimits limits_;
  Now now_;
  mutable std::mutex mutex_;
  std::map<std::string, WebSession> sessions_;
};

}  // namespace valtuus
