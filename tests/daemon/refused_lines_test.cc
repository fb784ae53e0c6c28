#include <gtest/gtest.h>

#include "daemon/sync_cycle.h"

namespace valtuus {
namespace {

TEST(RefusedLines, OneLinePerEntryWithItsFieldsThenACountBeyondTheCap) {
  std::vector<RefusedValue> refused = {
      {"CN=a,DC=x", "ka", "anna", "title", "title: contains a control character"},
      {"cn=A,dc=x", "ka", "anna", "department", "department: not valid UTF-8"},
      {"CN=b,DC=x", "", "", "key", "objectGUID: not 16 bytes"},
  };
  const auto lines = refused_lines(refused);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0],
            "refused entry CN=a,DC=x (account anna): title: contains a control character; "
            "department: not valid UTF-8");
  EXPECT_EQ(lines[1], "refused entry CN=b,DC=x: objectGUID: not 16 bytes");

  for (int i = 0; i < 30; ++i) {
    refused.push_back({"CN=p" + std::to_string(i) + ",DC=x", "", "", "account", "r"});
  }
  const auto capped = refused_lines(refused, 20);
  ASSERT_EQ(capped.size(), 21u);
  EXPECT_EQ(capped.back(), "... and 12 more refused entries (valtuusctl runs show lists them)");
}

}  // namespace
}  // namespace valtuus
