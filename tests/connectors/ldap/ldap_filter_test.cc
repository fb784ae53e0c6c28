#include "connectors/ldap/ldap_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace valtuus::ldap {
namespace {

TEST(EscapeFilterValue, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_filter_value("*"), "\\2a");
  EXPECT_EQ(escape_filter_value("("), "\\28");
  EXPECT_EQ(escape_filter_value(")"), "\\29");
  EXPECT_EQ(escape_filter_value("\\"), "\\5c");
  EXPECT_EQ(escape_filter_value(std::string(1, '\0')), "\\00");
}

TEST(EscapeFilterValue, KeepsEverythingElse) {
  EXPECT_EQ(escape_filter_value(""), "");
  EXPECT_EQ(escape_filter_value("Sosiaali- ja terveys, Äänekoski=1"),
            "Sosiaali- ja terveys, Äänekoski=1");
}

TEST(EscapeFilterValue, InjectionAttemptStaysOneValue) {
  EXPECT_EQ(escape_filter_value("x)(|(sAMAccountName=*"), "x\\29\\28|\\28sAMAccountName=\\2a");
  EXPECT_EQ(escape_filter_value("a\\2a"), "a\\5c2a");  // an escape typed in is not an escape
}

TEST(EqualityFilter, BuildsOneEscapedAssertion) {
  EXPECT_EQ(equality_filter("sAMAccountName", "m*"), "(sAMAccountName=m\\2a)");
}

}  // namespace
}  // namespace valtuus::ldap
