// The configuration reader's errors: each names the file or the command line, and quotes the
// option or value at fault, whatever characters that text holds.
#include "common/configuration.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/option_error_text.h"
#include "core/errors.h"
#include "tests/support/test_env.h"

namespace valtuus {
namespace {

namespace po = boost::program_options;

ConfigurationSources sources() {
  ConfigurationSources out;
  out.command_line_only.add_options()("config", po::value<std::string>(), "file");
  out.shared.add_options()("directory.uri", po::value<std::string>(), "uri")(
      "directory.page_size", po::value<int>(), "page size");
  return out;
}

// The ConfigError's message when reading `words` (after the program's name) fails.
std::string error_of(std::vector<std::string> words) {
  std::vector<const char*> argv{"valtuusd"};
  for (const std::string& word : words) argv.push_back(word.c_str());
  try {
    read_configuration(static_cast<int>(argv.size()), argv.data(), sources());
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError";
  return "";
}

std::string config_file(const std::string& content) {
  const std::string path = testing::scratch_dir("configuration") + "/valtuusd.conf";
  testing::write_file(path, content);
  return path;
}

TEST(ConfigurationTest, AnUnknownOptionInTheFileIsNamedWithTheFile) {
  const std::string path = config_file("[directory]\nuri = ldaps://dc1\nnope = 1\n");
  EXPECT_EQ(error_of({"--config", path}), path + ": unrecognised option 'directory.nope'");
}

TEST(ConfigurationTest, AValueOfTheWrongKindIsQuotedWithItsOption) {
  const std::string path = config_file("[directory]\npage_size = many\n");
  EXPECT_EQ(error_of({"--config", path}),
            path + ": the argument ('many') for option 'directory.page_size' is invalid");
}

// Boost fills its messages by replacing placeholders such as %canonical_option% and %value%
// until none is left; a name or value holding one used to be replaced by itself forever (a
// hang, found by config_fuzz). Each '%' of a quoted text is now written as %25.
TEST(ConfigurationTest, AnOptionNameHoldingAPlaceholderIsQuotedNotExpanded) {
  const std::string path = config_file("[directory]\n%canonical_option%uri = ldaps://dc1\n");
  EXPECT_EQ(error_of({"--config", path}),
            path + ": unrecognised option 'directory.%25canonical_option%25uri'");
}

TEST(ConfigurationTest, AValueHoldingAPlaceholderIsQuotedNotExpanded) {
  const std::string path = config_file("[directory]\npage_size = %value%\n");
  EXPECT_EQ(error_of({"--config", path}),
            path + ": the argument ('%25value%25') for option 'directory.page_size' is invalid");
}

TEST(ConfigurationTest, ACommandLineWordHoldingAPlaceholderIsQuotedNotExpanded) {
  EXPECT_EQ(error_of({"--x%option%"}), "command line: unrecognised option '--x%25option%25'");
  EXPECT_EQ(error_of({"--directory.page_size=%prefix%"}),
            "command line: the argument ('%25prefix%25') for option '--directory.page_size' is "
            "invalid");
}

TEST(OptionErrorTextTest, LeavesAMessageWithoutQuotedTextsAsItIs) {
  po::too_many_positional_options_error error;
  EXPECT_EQ(option_error_text(error), std::string(error.what()));
}

}  // namespace
}  // namespace valtuus
