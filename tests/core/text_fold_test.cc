#include "core/text_fold.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

TEST(TextFold, IgnoresCaseAndSurroundingWhiteSpace) {
  EXPECT_EQ(fold("  ELINKEINOASIAT \t"), "elinkeinoasiat");
  EXPECT_TRUE(folded_equal("ELINKEINOASIAT ", "Elinkeinoasiat"));
}

TEST(TextFold, FoldsFinnishAndSwedishLetters) {
  EXPECT_EQ(fold("NÄRINGSLIV"), "näringsliv");
  EXPECT_EQ(fold("ÅSTRÖM"), "åström");
  EXPECT_TRUE(folded_equal("Näringsliv", "NÄRINGSLIV"));
  EXPECT_TRUE(folded_equal("Henkilöstöpalvelut", "HENKILÖSTÖPALVELUT"));
}

TEST(TextFold, KeepsDistinctLettersDistinct) {
  // Å, Ä and A are different letters in Finnish and Swedish: folding must not strip accents.
  EXPECT_FALSE(folded_equal("Ä", "A"));
  EXPECT_FALSE(folded_equal("å", "ä"));
  EXPECT_FALSE(folded_equal("Elinkeinoasiat", "Elinkeino asiat"));
}

TEST(TextFold, TrimsNoBreakSpaces) {
  EXPECT_EQ(fold("\xC2\xA0Omavalmentaja\xC2\xA0"), "omavalmentaja");
}

TEST(TextFold, LeavesMultiplicationSignAndInvalidBytes) {
  EXPECT_EQ(fold("A\xC3\x97"), "a\xC3\x97");  // × is no letter
  EXPECT_EQ(fold("\xFF"
                 "B"),
            "\xFF"
            "b");
}

TEST(TextFold, DisplayWidthCountsCharacters) {
  EXPECT_EQ(display_width("Åström"), 6u);
  EXPECT_EQ(display_width(""), 0u);
}

}  // namespace
}  // namespace valtuus
