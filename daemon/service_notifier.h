// Talks to systemd's service manager (Type=notify): READY=1, STATUS=, WATCHDOG=1, STOPPING=1.
// Outside systemd (no $NOTIFY_SOCKET) every call does nothing, so the loop calls it always.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace valtuus {

class ServiceNotifier {
 public:
  // Reads $WATCHDOG_USEC and $WATCHDOG_PID once (sd_watchdog_enabled).
  ServiceNotifier();

  // After the first successful connection to both the directory and the database; and again
  // after a reload (RELOADING=1 ... READY=1).
  void ready();
  // One line a person reads in `systemctl status`, e.g. the last run's summary. Line breaks
  // become spaces, as the status is one line.
  void status(std::string_view text);
  // Tells the watchdog the loop is alive. Cheap; call it from every wait and between steps.
  void watchdog();
  void stopping();
  // On SIGHUP, before reloading the policy; call ready() when done.
  void reloading();
  // Asks for more time than TimeoutStartSec=/TimeoutStopSec= allow, e.g. while finishing the
  // transaction in flight after SIGTERM (EXTEND_TIMEOUT_USEC=).
  void extend_timeout(std::chrono::microseconds more);
  // How often watchdog() must be called (half of WatchdogSec=), when the watchdog is on.
  std::optional<std::chrono::microseconds> watchdog_interval() const;
  // Whether a service manager listens ($NOTIFY_SOCKET is set).
  bool active() const;

 private:
  void send(const std::string& state) const;

  std::optional<std::chrono::microseconds> watchdog_interval_;
};

// The status line for a text: line breaks and other control characters become spaces, and a
// long text is cut (at a character boundary) so that `systemctl status` shows it on one line.
std::string status_line(std::string_view text);

}  // namespace valtuus
