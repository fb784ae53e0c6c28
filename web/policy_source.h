// The authorisation maps the console's pages show, from policy.dir: the same files and the
// same loader as valtuusd, so a page says what the next plan does. Reloaded when a file
// changes (looked at most every few seconds); a refused edit keeps the last good policy, as
// the daemon does, and is logged with its file:line. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/policy.h"

namespace valtuus {

class PolicySource {
 public:
  // `dir` empty: no maps configured (the map pages say so). Throws ConfigError when `dir` is
  // given but its policy cannot be loaded at start.
  explicit PolicySource(std::string dir);

  // The policy last loaded; nullptr when none is configured.
  std::shared_ptr<const Policy> current();

 private:
  std::string signature() const;  // paths, sizes and times of the files

  std::string dir_;
  std::mutex mutex_;
  std::shared_ptr<const Policy> policy_;
  std::string signature_;
  std::chrono::steady_clock::time_point checked_{};
};

}  // namespace valtuus
