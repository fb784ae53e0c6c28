// Placeholder until the systemd work of issue #6 lands: does nothing.
#include "daemon/service_notifier.h"

namespace valtuus {

ServiceNotifier::ServiceNotifier() = default;
void ServiceNotifier::ready() {}
void ServiceNotifier::status(std::string_view) {}
void ServiceNotifier::watchdog() {}
void ServiceNotifier::stopping() {}
void ServiceNotifier::reloading() {}
std::optional<std::chrono::microseconds> ServiceNotifier::watchdog_interval() const {
  return watchdog_interval_;
}

}  // namespace valtuus
