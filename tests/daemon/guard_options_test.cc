#include "common/guard_options.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {
namespace {

po::variables_map parse_guard_args(std::vector<std::string> args) {
  std::vector<const char*> argv{"valtuusd"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  po::variables_map vm;
  po::store(po::parse_command_line(static_cast<int>(argv.size()), argv.data(),
                                   guard_options_description()),
            vm);
  po::notify(vm);
  return vm;
}

TEST(GuardOptions, DefaultsAreThoseOfTheGuard) {
  const GuardOptions options = guard_options_from(parse_guard_args({}));
  const GuardOptions defaults;
  EXPECT_TRUE(options.enabled);
  EXPECT_TRUE(options.hold_incomplete);
  EXPECT_EQ(options.max_revokes, defaults.max_revokes);
  EXPECT_EQ(options.max_revoke_percent, defaults.max_revoke_percent);
  EXPECT_EQ(options.min_revokes_for_percent, defaults.min_revokes_for_percent);
  EXPECT_EQ(options.max_refused, defaults.max_refused);
}

TEST(GuardOptions, ValuesAreRead) {
  const GuardOptions options = guard_options_from(
      parse_guard_args({"--guard.enabled=false", "--guard.max_revokes=7",
                        "--guard.max_revoke_percent=25", "--guard.hold_incomplete=no",
                        "--guard.min_revokes_for_percent=0", "--guard.max_refused=3"}));
  EXPECT_EQ(options.max_refused, 3);
  EXPECT_FALSE(options.enabled);
  EXPECT_FALSE(options.hold_incomplete);
  EXPECT_EQ(options.max_revokes, 7);
  EXPECT_EQ(options.max_revoke_percent, 25);
  EXPECT_EQ(options.min_revokes_for_percent, 0);
}

TEST(GuardOptions, OutOfRangeValuesNameTheOption) {
  for (const auto& [arg, name] : std::vector<std::pair<std::string, std::string>>{
           {"--guard.max_revokes=-1", "guard.max_revokes: -1 is out of range"},
           {"--guard.max_revoke_percent=101", "guard.max_revoke_percent: 101 is out of range"},
           {"--guard.min_revokes_for_percent=-3", "guard.min_revokes_for_percent: -3"},
           {"--guard.max_refused=-1", "guard.max_refused: -1 is out of range"}}) {
    try {
      guard_options_from(parse_guard_args({arg}));
      ADD_FAILURE() << arg << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace valtuus
