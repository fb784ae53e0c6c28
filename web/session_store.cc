#include "web/session_store.h"

#include <algorithm>

#include "web/random_token.h"

namespace valtuus {

bool WebSession::has_role(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool WebSession::is_staff() const {
  return has_role("reviewer") || has_role("security") || has_role("admin");
}

SessionStore::SessionStore(SessionLimits limits, Now now) : limits_(limits), now_(std::move(now)) {}

bool SessionStore::expired(const WebSession& session,
                           std::chrono::steady_clock::time_point now) const {
  return now - session.last_seen > limits_.idle || now - session.created > limits_.absolute;
}

WebSession SessionStore::create(const std::string& account, const std::string& display_name,
                                const std::vector<std::string>& roles, const std::string& language,
                                const std::string& employee_key, const std::string& employee_ref) {
  const auto now = now_();
  WebSession session{random_token(), random_token(), account, display_name,
                     roles,          language,       now,     now,
                     employee_key,   employee_ref};
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& entry) { return expired(entry.second, now); });
  if (sessions_.size() >= limits_.max_sessions) {
    sessions_.erase(std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_seen < b.second.last_seen;
    }));
  }
  sessions_.emplace(session.token, session);
  return session;
}

std::optional<WebSession> SessionStore::find(const std::string& token) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(token);
  if (found == sessions_.end()) return std::nullopt;
  if (expired(found->second, now)) {
    sessions_.erase(found);
    return std::nullopt;
  }
  found->second.last_seen = now;
  return found->second;
}

void SessionStore::set_language(const std::string& token, const std::string& language) {
  std::lock_guard lock(mutex_);
  if (const auto found = sessions_.find(token); found != sessions_.end()) {
    found->second.language = language;
  }
}

void SessionStore::erase(const std::string& token) {
  std::lock_guard lock(mutex_);
  sessions_.erase(token);
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace valtuus
