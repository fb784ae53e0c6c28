#include "common/backoff.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "core/errors.h"

namespace valtuus {

void validate(const BackoffPolicy& p) {
  if (p.base.count() <= 0) throw ConfigError("backoff: base must be positive");
  if (p.cap < p.base) throw ConfigError("backoff: cap must be at least base");
  if (!(p.factor >= 1.0) || !std::isfinite(p.factor)) {
    throw ConfigError("backoff: factor must be at least 1");
  }
  if (!(p.jitter >= 0.0 && p.jitter <= 1.0)) {
    throw ConfigError("backoff: jitter must be between 0 and 1");
  }
}

Backoff::Backoff(BackoffPolicy policy, Uniform uniform)
    : policy_(policy), uniform_(std::move(uniform)) {
  validate(policy_);
  if (!uniform_) throw ConfigError("backoff: no random source");
}

std::chrono::milliseconds Backoff::next_delay() {
  // In double, so that base * factor^n cannot overflow after many failures (it saturates at
  // infinity, which min() turns into the cap).
  const double cap = static_cast<double>(policy_.cap.count());
  const double grown = static_cast<double>(policy_.base.count()) *
                       std::pow(policy_.factor, static_cast<double>(failures_));
  const double ceiling = std::min(cap, grown);
  // A source that misbehaves (outside [0, 1)) must not make the delay negative or too long.
  const double r = std::clamp(uniform_(), 0.0, 1.0);
  const double delay = ceiling * (1.0 - policy_.jitter * r);
  ++failures_;
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(delay))};
}

Backoff::Uniform system_uniform() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

}  // namespace valtuus
