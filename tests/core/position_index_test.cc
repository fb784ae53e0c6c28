// The reconcile's compact index of positions finds what a map keyed the same way would, keeps
// the first position of a key, grows past what it reserved, and visits each position once.
#include "core/position_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {
namespace {

struct KeyOf {
  const std::vector<std::string>* values;
  std::string_view operator()(std::uint32_t i) const { return (*values)[i]; }
};
using Index = PositionIndex<std::string_view, KeyOf, std::hash<std::string_view>>;

TEST(PositionIndexTest, FindsWhatAMapWouldAndKeepsTheFirstPositionOfAKey) {
  std::vector<std::string> values;
  std::mt19937 random(7);
  for (int i = 0; i < 5000; ++i) values.push_back("key-" + std::to_string(random() % 3000));
  Index index{KeyOf{&values}};
  index.reserve(10);  // far too few: it grows
  std::map<std::string, std::uint32_t> expected;
  for (std::uint32_t i = 0; i < values.size(); ++i) {
    const auto [stored, added] = index.insert(i);
    const bool first = expected.emplace(values[i], i).second;
    EXPECT_EQ(added, first);
    EXPECT_EQ(*stored, expected.at(values[i]));
  }
  EXPECT_EQ(index.size(), expected.size());
  for (const auto& [key, position] : expected) EXPECT_EQ(index.find(key), position);
  EXPECT_EQ(index.find("key-absent"), kNoPosition);
  EXPECT_FALSE(index.contains("key-3000"));
  std::multiset<std::uint32_t> visited;
  index.for_each([&](std::uint32_t position) { visited.insert(position); });
  std::multiset<std::uint32_t> positions;
  for (const auto& entry : expected) positions.insert(entry.second);
  EXPECT_EQ(visited, positions);
}

TEST(PositionIndexTest, TheStoredPositionCanBeReplacedByOneOfTheSameKey) {
  const std::vector<std::string> values = {"a", "b", "a"};
  Index index{KeyOf{&values}};
  index.insert(0);
  index.insert(1);
  auto [stored, added] = index.insert(2);
  ASSERT_FALSE(added);
  *stored = 2;  // the later record of "a" wins, as the caller decides
  EXPECT_EQ(index.find("a"), 2u);
  EXPECT_EQ(index.find("b"), 1u);
}

TEST(PositionIndexTest, EmptyIndexFindsNothing) {
  const std::vector<std::string> values;
  const Index index{KeyOf{&values}};
  EXPECT_EQ(index.find(""), kNoPosition);
  EXPECT_EQ(index.size(), 0u);
}

}  // namespace
}  // namespace valtuus
