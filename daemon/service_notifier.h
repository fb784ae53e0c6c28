// Talks to systemd's service manager (Type=notify): READY=1, STATUS=, WATCHDOG=1, STOPPING=1.
// Outside systemd (no $NOTIFY_SOCKET) every call does nothing, so the loop calls it always.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace valtuus {

class ServiceNotifier {
 public:
  ServiceNotifier();

  // After the first successful connection to both the directory and the database.
  void ready();
  // One line a person reads in `systemctl status`, e.g. the last run's summary.
  void status(std::string_view text);
  // Tells the watchdog the loop is alive. Cheap; call it from every wait and between steps.
  void watchdog();
  void stopping();
  void reloading();
  // How often watchdog() must be called (half of WatchdogSec=), when the watchdog is on.
  std::optional<std::chrono::microseconds> watchdog_interval() const;

 private:
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

}  // namespace valtuus
