#include "daemon/schedule.h"

#include <algorithm>
#include <cmath>

namespace valtuus {

std::chrono::milliseconds Schedule::next_delay(double uniform) const {
  const double u = std::clamp(uniform, 0.0, 1.0);
  const double jitter = std::clamp(options_.jitter_percent, 0, 50) / 100.0;
  const double base_ms = std::chrono::duration<double, std::milli>(options_.interval).count();
  const double delay_ms = base_ms * (1.0 + jitter * (2.0 * u - 1.0));
  return std::chrono::milliseconds{std::max(100LL, std::llround(delay_ms))};
}

bool Schedule::full_read_due(Time now) const {
  if (!last_full_read_ || options_.full_read_interval.count() <= 0) return true;
  return now - *last_full_read_ >= options_.full_read_interval;
}

}  // namespace valtuus
