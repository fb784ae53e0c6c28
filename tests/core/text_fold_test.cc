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

TEST(TextFold, TrimsUnicodeWhiteSpaceOfEveryKind) {
  // TAB and CR/LF from HR exports, NEL, the typographic spaces, line/paragraph separators and
  // the ideographic space: all surrounding white space in Unicode's sense.
  for (const char* space :
       {"\t", "\r\n", "\xC2\x85", "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x8A", "\xE2\x80\xA8",
        "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"}) {
    const std::string value = std::string(space) + "Omavalmentaja" + space;
    EXPECT_EQ(fold(value), "omavalmentaja") << "space bytes: " << ::testing::PrintToString(space);
    EXPECT_EQ(trim_space(value), "Omavalmentaja");
  }
  EXPECT_EQ(trim_space("\t \xC2\xA0\xE3\x80\x80"), "");
  // Inside a value white space is part of it; a zero-width space (U+200B) is no white space.
  EXPECT_EQ(fold("Elinkeino\tasiat"), "elinkeino\tasiat");
  EXPECT_EQ(fold("\xE2\x80\x8B"
                 "a"),
            "\xE2\x80\x8B"
            "a");
  // A truncated sequence at either end is not a space and is kept.
  EXPECT_EQ(fold("a\xE3\x80"), "a\xE3\x80");
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
