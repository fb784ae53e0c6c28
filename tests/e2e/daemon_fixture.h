// valtuusd's loop end to end: the daemon left running in the background with a short
// interval, watched through its log on stderr. Timing bounds here are generous on purpose:
// the suite shares two cores with everything else.
#pragma once

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/e2e_fixture.h"
#include "tests/support/process.h"

namespace valtuus::testing {

using namespace std::chrono_literals;

// Each run logs one summary line, and only it says "(complete" (followed by ")" or by the count
// of refused entries).
inline constexpr const char* kRunLine = "(complete";

class DaemonTest : public E2eTest {
 protected:
  // A configuration for the loop: one run a second, unless `overrides` say otherwise.
  std::string loop_config(std::vector<std::pair<std::string, std::string>> overrides = {}) {
    overrides.insert(overrides.begin(), {"sync.interval", "1"});
    return write_config(overrides);
  }

  std::unique_ptr<BackgroundProcess> start(const std::string& config,
                                           std::vector<std::string> args = {},
                                           const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {VALTUUSD_PATH, "--config", config});
    return std::make_unique<BackgroundProcess>(args, env);
  }

  void migrate() {
    ProcessResult migrated = valtuusctl({"--config", config_, "db", "migrate"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  }

  static std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  static int occurrences(const std::string& haystack, const std::string& needle) {
    int found = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size())) {
      ++found;
    }
    return found;
  }
};

}  // namespace valtuus::testing
