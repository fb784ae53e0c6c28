// A subcommand's own options: an unknown or malformed word gives one UsageError quoting it.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"

namespace valtuus {
namespace {

namespace po = boost::program_options;

std::string usage_error_of(std::vector<std::string> words) {
  const Configuration config;
  std::ostringstream out;
  const CommandContext ctx{config, std::move(words), out};
  po::options_description options;
  options.add_options()("limit", po::value<int>(), "rows");
  try {
    parse_command_options(ctx, options);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return "";
}

TEST(CommandOptionsTest, AnUnknownOptionIsQuoted) {
  EXPECT_EQ(usage_error_of({"--nope"}), "unrecognised option '--nope'");
}

// Boost would replace a placeholder in the quoted word by the word itself, forever.
TEST(CommandOptionsTest, AWordHoldingAPlaceholderIsQuotedNotExpanded) {
  EXPECT_EQ(usage_error_of({"--%canonical_option%"}),
            "unrecognised option '--%25canonical_option%25'");
  EXPECT_EQ(usage_error_of({"--limit", "%value%"}),
            "the argument ('%25value%25') for option '--limit' is invalid");
}

}  // namespace
}  // namespace valtuus
