// The loop's options: which mode the words choose, and the ranges the loop relies on.
#include "daemon/daemon_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/errors.h"

namespace valtuus {
namespace {

namespace po = boost::program_options;

DaemonOptions parse(std::vector<std::string> words) {
  po::options_description all;
  all.add(daemon_command_line_options()).add(daemon_shared_options());
  std::vector<const char*> argv{"valtuusd"};
  for (const std::string& word : words) argv.push_back(word.c_str());
  po::variables_map vm;
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(), all), vm);
  po::notify(vm);
  return daemon_options_from(vm);
}

TEST(DaemonOptionsTest, DefaultsAreTheServiceLoop) {
  const DaemonOptions options = parse({});
  EXPECT_EQ(options.mode, DaemonMode::kLoop);
  EXPECT_TRUE(options.writes());
  EXPECT_EQ(options.interval, std::chrono::seconds(900));
  EXPECT_EQ(options.jitter_percent, 10);
  EXPECT_EQ(options.full_read_interval, std::chrono::hours(24));
}

// --bootstrap changes what one run proposes; in the loop it would apply to every run.
TEST(DaemonOptionsTest, BootstrapGoesWithOnceOnly) {
  EXPECT_TRUE(parse({"--once", "--bootstrap"}).bootstrap);
  EXPECT_FALSE(parse({"--once"}).bootstrap);
  EXPECT_THROW(parse({"--bootstrap"}), ConfigError);
  EXPECT_THROW(parse({"--once", "--dry-run", "--bootstrap"}), ConfigError);
}

TEST(DaemonOptionsTest, ModesThatWriteNothingWinOverOnce) {
  EXPECT_EQ(parse({"--once"}).mode, DaemonMode::kOnce);
  EXPECT_EQ(parse({"--once", "--dry-run"}).mode, DaemonMode::kDryRun);
  EXPECT_FALSE(parse({"--once", "--dry-run"}).writes());
  EXPECT_EQ(parse({"--check", "--once"}).mode, DaemonMode::kCheck);
  EXPECT_FALSE(parse({"--check"}).writes());
}

TEST(DaemonOptionsTest, RefusesValuesOutOfRange) {
  EXPECT_THROW(parse({"--sync.interval=0"}), ConfigError);
  EXPECT_THROW(parse({"--sync.interval=86401"}), ConfigError);
  EXPECT_THROW(parse({"--sync.jitter_percent=51"}), ConfigError);
  EXPECT_THROW(parse({"--sync.jitter_percent=-1"}), ConfigError);
  EXPECT_THROW(parse({"--sync.full_read_interval=-1"}), ConfigError);
  EXPECT_EQ(parse({"--sync.interval=1"}).interval, std::chrono::seconds(1));
  EXPECT_EQ(parse({"--sync.full_read_interval=0"}).full_read_interval, std::chrono::seconds(0));
}

}  // namespace
}  // namespace valtuus
