#include "web/login_limiter.h"

#include <algorithm>

namespace valtuus {

namespace {

// Accounts are compared as the directory compares sAMAccountName: without case.
std::string fold(const std::string& account) {
  std::string out = account;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

LoginLimiter::LoginLimiter(int max_failures, std::chrono::seconds window, Now now)
    : max_failures_(max_failures), window_(window), now_(std::move(now)) {}

bool LoginLimiter::blocked(std::deque<std::chrono::steady_clock::time_point>& failures,
                           std::chrono::steady_clock::time_point now) const {
  while (!failures.empty() && now - failures.front() >= window_) failures.pop_front();
  return static_cast<int>(failures.size()) >= max_failures_;
}

bool LoginLimiter::allowed(const std::string& account, const std::string& peer) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  // Addresses get more tries than one account: many people share a proxy or a NAT.
  auto& by_peer = by_peer_[peer];
  while (!by_peer.empty() && now - by_peer.front() >= window_) by_peer.pop_front();
  if (static_cast<int>(by_peer.size()) >= 10 * max_failures_) return false;
  return !blocked(by_account_[fold(account)], now);
}

void LoginLimiter::record_failure(const std::string& account, const std::string& peer) {
  const auto now = now_();
  std::lock_guard lock(mutex_);
  // Made-up account names must not grow the maps without end: past a size, forget every
  // entry whose failures have all run out (the rest still count).
  for (auto* map : {&by_account_, &by_peer_}) {
    if (map->size() < 10000) continue;
    std::erase_if(*map, [&](auto& entry) {
      return entry.second.empty() || now - entry.second.back() >= window_;
    });
  }
  by_account_[fold(account)].push_back(now);
  by_peer_[peer].push_back(now);
}

void LoginLimiter::record_success(const std::string& account) {
  std::lock_guard lock(mutex_);
  by_account_.erase(fold(account));
}

}  // namespace valtuus
