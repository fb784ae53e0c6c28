// How long to wait before the next attempt at something that failed transiently (connecting
// to the directory, later the notifier's deliveries): exponential backoff with jitter.
// A pure policy object: it reads no clock and sleeps nowhere; the caller sleeps for the delay
// it returns. Randomness comes from an injected source, so tests are deterministic.
// Not thread-safe: one Backoff per retry loop.
#pragma once

#include <chrono>
#include <functional>

namespace valtuus {

struct BackoffPolicy {
  // The delay before the first retry (before jitter).
  std::chrono::milliseconds base{500};
  // No delay is longer than this (after jitter), however many attempts failed.
  std::chrono::milliseconds cap{std::chrono::seconds{60}};
  // Each further retry waits `factor` times longer than the one before (>= 1).
  double factor = 2.0;
  // Share of each delay that is random, 0..1: the delay is drawn uniformly from
  // [d * (1 - jitter), d]. 0: no randomness; 1: "full jitter". Jitter keeps many clients
  // that failed together (a domain controller restarted) from retrying in lockstep.
  double jitter = 0.5;
};

// Throws ConfigError (core/errors.h) naming the field when `policy` is unusable: base or cap
// not positive, cap below base, factor below 1, jitter outside 0..1.
void validate(const BackoffPolicy& policy);

class Backoff {
 public:
  // A uniform random number in [0, 1) each call.
  using Uniform = std::function<double()>;

  // Throws ConfigError like validate(policy). `uniform` must be callable.
  Backoff(BackoffPolicy policy, Uniform uniform);

  // The delay before the next attempt: min(cap, base * factor^n) for the n-th call since the
  // last reset (n = 0, 1, ...), less a random share of up to `jitter` of it. Never negative,
  // never above cap.
  std::chrono::milliseconds next_delay();

  // After a success: the next delay starts again from base.
  void reset() { failures_ = 0; }

  // Delays handed out since the last reset.
  int failures() const { return failures_; }

 private:
  BackoffPolicy policy_;
  Uniform uniform_;
  int failures_ = 0;
};

// A Uniform backed by a std::mt19937_64 seeded from std::random_device: for production use.
Backoff::Uniform system_uniform();

}  // namespace valtuus
