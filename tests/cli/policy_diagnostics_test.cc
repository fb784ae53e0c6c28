// policy check's output: every finding with its severity and position, and the summary.
#include "cli/policy_diagnostics.h"

#include <sstream>

#include "tests/cli/policy_cli_fixture.h"

namespace valtuus::testing {
namespace {

TEST(PolicyDiagnosticsTest, LinesCarrySeverityAndWhateverPositionIsKnown) {
  EXPECT_EQ(diagnostic_line({{"maps/a.yaml", 3, 7}, "bad"}, "error"),
            "maps/a.yaml:3:7: error: bad");
  EXPECT_EQ(diagnostic_line({{"maps/a.yaml", 0, 0}, "empty"}, "warning"),
            "maps/a.yaml: warning: empty");
  EXPECT_EQ(diagnostic_line({{}, "no catalog"}, "error"), "error: no catalog");
}

TEST(PolicyDiagnosticsTest, EveryErrorOfEveryFileThenTheCount) {
  const PolicyLoadResult result =
      parse_policy({{"a.yaml", "mandates:\n  - id: x\n    servise: Kela\n"},
                    {"b.yaml",
                     "maps:\n  - id: m\n    match: {department: [A]}\n    grants:\n"
                     "      - {mandate: nope, why: w}\n"}});
  ASSERT_FALSE(result.policy);
  std::ostringstream text;
  print_check_text(text, result);
  EXPECT_NE(text.str().find("a.yaml:3:5: error: unknown key `servise`"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("b.yaml:5:19: error: grant of unknown mandate `nope`"),
            std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("\n" + std::to_string(result.errors.size()) +
                            " errors: the policy would be refused whole\n"),
            std::string::npos)
      << text.str();
  const nlohmann::json json = check_json(result);
  EXPECT_EQ(json["valid"], false);
  EXPECT_TRUE(json["themes"].is_null());
  ASSERT_EQ(json["errors"].size(), result.errors.size());
  EXPECT_EQ(json["errors"].back()["file"], "b.yaml");
  EXPECT_EQ(json["errors"].back()["line"], 5);
  EXPECT_EQ(json["errors"].back()["column"], 19);
}

TEST(PolicyDiagnosticsTest, ValidPolicySummaryCountsThemesMapsAndWarnings) {
  const PolicyLoadResult result = parse_policy({{"c.yaml", kCatalog}, {"m.yaml", kMaps}});
  ASSERT_TRUE(result.policy);
  std::ostringstream text;
  print_check_text(text, result);
  EXPECT_NE(text.str().find("3 themes, 3 maps: OK (5 warnings)\n"), std::string::npos)
      << text.str();
  const nlohmann::json json = check_json(result);
  EXPECT_EQ(json["valid"], true);
  EXPECT_EQ(json["themes"], 3);
  EXPECT_EQ(json["maps"], 3);
  EXPECT_EQ(json["warnings"].size(), 5u);
}

TEST(PolicyDiagnosticsTest, UnreadableDirectoryIsOneErrorNotAnException) {
  const PolicyLoadResult result = load_policy_reporting("/nonexistent/valtuus-policies");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message.rfind("/nonexistent/valtuus-policies: ", 0), 0u)
      << result.errors[0].message;
}

}  // namespace
}  // namespace valtuus::testing
