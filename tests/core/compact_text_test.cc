// The compact stand-ins of long-lived per-person strings read back as the values they replace.
#include "core/compact_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace valtuus {
namespace {

TEST(SharedTextTest, EqualTextsShareOneCopyAndReadBackAsTheyWere) {
  const std::string built = std::string("Elinkeino") + "asiat";
  const SharedText a = built, b = "Elinkeinoasiat", other = "elinkeinoasiat";
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.str(), &b.str());  // one copy in the pool
  EXPECT_FALSE(a == other);       // case kept: only the folded comparisons ignore it
  EXPECT_EQ(static_cast<const std::string&>(other), "elinkeinoasiat");
  EXPECT_TRUE(SharedText().empty());
  EXPECT_EQ(SharedText(""), SharedText());
}

// Compared with a plain text, a shared one compares characters as std::string does, and the
// plain text is not added to the pool (a look-up must not grow what is never released).
TEST(SharedTextTest, ComparesWithPlainTextsAsAStringWithoutPoolingThem) {
  const SharedText title = "Lähihoitaja";
  const std::size_t pooled = SharedText::pooled();
  EXPECT_TRUE(title == std::string("Lähihoitaja"));
  EXPECT_TRUE(title == "Lähihoitaja");
  EXPECT_TRUE(title == std::string_view("Lähihoitaja"));
  EXPECT_FALSE(title == std::string("lähihoitaja"));
  EXPECT_FALSE(title == "Lähihoitaja, never pooled");
  EXPECT_FALSE(title == std::string("Lähihoitaja ") + "never pooled either");
  EXPECT_TRUE(std::string("Lähihoitaja") == title);  // either side
  EXPECT_EQ(SharedText::pooled(), pooled);
  EXPECT_TRUE(SharedText() == "");
  EXPECT_EQ(title.size(), std::string("Lähihoitaja").size());
  EXPECT_EQ(std::string_view(title), "Lähihoitaja");
}

TEST(SharedTextTest, OrdersAsTheTextsDo) {
  const SharedText b = "b-later", a = "a-first", upper = "B-upper";
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_TRUE(upper < a);  // byte order, as std::string's
  EXPECT_FALSE(a < a);
}

// The cache gives what SharedText gives (the pooled copy), also when texts collide in its
// small table and push each other out, and pools nothing that SharedText would not.
TEST(SharedTextCacheTest, GivesThePooledTextWhateverCollides) {
  SharedTextCache cache;
  EXPECT_TRUE(cache.get("").empty());
  std::vector<std::string> texts;
  for (int i = 0; i < 5000; ++i) texts.push_back("Toimiala " + std::to_string(i % 2500));
  texts.push_back("Toimiala 1\0x");  // differs from one above only after what a prefix shows
  const std::size_t before = SharedText::pooled();
  for (int round = 0; round < 2; ++round) {
    for (const std::string& text : texts) {
      const SharedText cached = cache.get(text);
      EXPECT_EQ(cached.str(), text);
      EXPECT_EQ(&cached.str(), &SharedText(text).str());
    }
  }
  EXPECT_LE(SharedText::pooled(), before + 2501);
}

TEST(FoldedDigestTest, TextsEqualWhenFoldedHaveOneDigest) {
  EXPECT_EQ(FoldedDigest("CN=Pia,OU=People"), FoldedDigest(" cn=pia,ou=people "));
  EXPECT_EQ(FoldedDigest("ÄIJÄLÄ").value(), FoldedDigest::of("äijälä"));
  EXPECT_FALSE(FoldedDigest("pia") == FoldedDigest("pia2"));
  EXPECT_TRUE(FoldedDigest("").empty());
  EXPECT_FALSE(FoldedDigest(" ").empty());  // not empty as read, though it folds to nothing
  EXPECT_EQ(FoldedDigest(" ").value(), FoldedDigest::of(""));
  EXPECT_NE(FoldedDigest::of(""), 0u);
}

}  // namespace
}  // namespace valtuus
