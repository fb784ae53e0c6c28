#include "daemon/service_notifier.h"

#include <systemd/sd-daemon.h>

#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace valtuus {

namespace {

constexpr std::size_t kMaxStatus = 200;

}  // namespace

std::string status_line(std::string_view text) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxStatus));
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out.push_back(byte < 0x20 || byte == 0x7f ? ' ' : c);
  }
  if (out.size() > kMaxStatus) {
    std::size_t cut = kMaxStatus;
    // Back up over UTF-8 continuation bytes so that no character is split.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

ServiceNotifier::ServiceNotifier() {
  std::uint64_t usec = 0;
  // > 0: the watchdog is on for this process (WATCHDOG_PID, when set, is ours).
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::microseconds(usec / 2);
  }
}

void ServiceNotifier::send(const std::string& state) const {
  // Errors are ignored on purpose: a lost notification must not stop a sync, and the
  // service manager notices a missing READY=1 or WATCHDOG=1 by itself.
  sd_notify(0, state.c_str());
}

void ServiceNotifier::ready() {
  send("READY=1");
}

void ServiceNotifier::status(std::string_view text) {
  send("STATUS=" + status_line(text));
}

void ServiceNotifier::watchdog() {
  if (watchdog_interval_) send("WATCHDOG=1");
}

void ServiceNotifier::stopping() {
  send("STOPPING=1");
}

void ServiceNotifier::reloading() {
  // systemd 253 and later want the monotonic time of the reload with it (Type=notify-reload);
  // older ones ignore the extra field.
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1000000LL + now.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void ServiceNotifier::extend_timeout(std::chrono::microseconds more) {
  if (more.count() <= 0) return;
  send("EXTEND_TIMEOUT_USEC=" + std::to_string(more.count()));
}

std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_interval() const {
  return watchdog_interval_;
}

bool ServiceNotifier::active() const {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && *socket != '\0';
}

}  // namespace valtuus
