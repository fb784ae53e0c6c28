// The `matched` column's JSON, written by hand since it is written once per item, must be the
// text nlohmann::json gave before: same characters for every value, same error for a value
// that is not UTF-8.
#include "connectors/postgres/matched_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace valtuus {
namespace {

std::string by_library(const Provenance& provenance) {
  nlohmann::json matched = nlohmann::json::array();
  for (const auto& [attribute, value] : provenance.matched) {
    matched.push_back({{"attribute", attribute}, {"value", value}});
  }
  return matched.dump();
}

Provenance with(std::vector<std::pair<std::string, std::string>> matched) {
  Provenance p;
  p.matched = std::move(matched);
  return p;
}

TEST(MatchedJson, IsTheLibrarysTextForEveryKindOfValue) {
  const std::vector<Provenance> cases = {
      with({}),
      with({{"department", "Talous ja hallinto"}}),
      with({{"department", "Ympäristö"}, {"title", "Kirjanpitäjä / Åsa \"Bokförare\""}}),
      with({{"ou", "a\\b"}, {"title", "tab\there\nnew\rline\b\f"}}),
      with({{"x", std::string("nul\0byte\x01\x1f\x7f", 11)}, {"", ""}}),
      with({{"emoji", "\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA4 / </script>"}}),
  };
  for (const Provenance& p : cases) {
    EXPECT_EQ(matched_json(p), by_library(p));
  }
}

TEST(MatchedJson, RandomBytesGiveTheSameTextOrTheSameError) {
  std::mt19937 random(20261207);
  // Bytes weighted towards the ones that need care: controls, quotes, UTF-8 lead and
  // continuation bytes, and the invalid ones (C0, C1, F5-FF).
  const std::string alphabet =
      std::string("aZ09 \"\\/\b\f\n\r\t\x01\x1f\x7f", 16) +
      "\xC0\xC1\xC2\xC3\xDF\xE0\xE2\xED\xEF\xF0\xF4\xF5\xFF\x80\x8F\x90\x9F\xA0\xA4\xBF";
  int valid = 0, invalid = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string value;
    const int length = static_cast<int>(random() % 8);
    for (int i = 0; i < length; ++i) value += alphabet[random() % alphabet.size()];
    const Provenance p = with({{"title", value}});
    std::string expected, expected_error;
    try {
      expected = by_library(p);
      ++valid;
    } catch (const nlohmann::json::exception& e) {
      expected_error = e.what();
      ++invalid;
    }
    try {
      EXPECT_EQ(matched_json(p), expected);
      EXPECT_EQ(expected_error, "");
    } catch (const nlohmann::json::exception& e) {
      EXPECT_EQ(e.what(), expected_error);
    }
  }
  // Both kinds were tried.
  EXPECT_GT(valid, 1000);
  EXPECT_GT(invalid, 1000);
}

}  // namespace
}  // namespace valtuus
