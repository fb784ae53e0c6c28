// The compact stand-ins of long-lived per-person strings read back as the values they replace.
#include "core/compact_text.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/fingerprint.h"
#include "core/text_fold.h"

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

// The digests are stored (a person's DN and account in the kept history), so they stay the
// digest of the folded text however of() folds it: on the stack, or for a long text on the heap.
TEST(FoldedDigestTest, IsTheFingerprintOfTheFoldedText) {
  const std::string long_dn = "CN=" + std::string(600, 'X') + ",OU=People";
  for (const std::string& text : {std::string(" CN=Pia Äijälä,OU=People "), std::string(512, 'A'),
                                  std::string(513, 'A'), long_dn, std::string("\xC3")}) {
    EXPECT_EQ(FoldedDigest::of(text), Fingerprinter().add(fold(text)).value()) << text.size();
  }
  EXPECT_EQ(FoldedDigest::of(long_dn), FoldedDigest::of(fold(long_dn)));
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

// A counted text: copies share one text, which outlives the original and goes with the last
// copy; texts built apart are equal without sharing (nothing is pooled).
TEST(CountedTextTest, CopiesShareOneTextThatOutlivesTheOriginal) {
  std::unique_ptr<CountedText> original = std::make_unique<CountedText>("9f1c2b7e-0d3a-4c55");
  const CountedText copy = *original;
  CountedText assigned;
  assigned = copy;
  EXPECT_TRUE(copy.shares_with(*original));
  EXPECT_TRUE(assigned.shares_with(*original));
  EXPECT_EQ(&copy.str(), &original->str());
  original.reset();
  EXPECT_EQ(copy, "9f1c2b7e-0d3a-4c55");
  EXPECT_EQ(assigned.str(), "9f1c2b7e-0d3a-4c55");
  const CountedText apart = std::string("9f1c2b7e-") + "0d3a-4c55";
  EXPECT_EQ(apart, copy);
  EXPECT_FALSE(apart.shares_with(copy));
  CountedText moved = std::move(assigned);
  EXPECT_TRUE(moved.shares_with(copy));
  EXPECT_TRUE(assigned.empty());  // NOLINT(bugprone-use-after-move): moved from is empty
}

TEST(CountedTextTest, ComparesOrdersAndHashesAsTheText) {
  const CountedText a = "a-first", b = "b-later";
  EXPECT_TRUE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_TRUE(a < std::string("a-second"));
  EXPECT_TRUE(std::string("a-first") == a);
  EXPECT_TRUE(a == std::string_view("a-first"));
  EXPECT_FALSE(a == "a-firs");
  EXPECT_TRUE(CountedText() == "");
  EXPECT_TRUE(CountedText("").empty());
  EXPECT_EQ(CountedText::Hash{}(a), std::hash<std::string_view>{}("a-first"));
  // Found in a map keyed by it by a plain text, without building a counted one.
  std::unordered_map<CountedText, int, CountedText::Hash, std::equal_to<>> by_key;
  by_key[a] = 1;
  by_key["b-later"] = 2;
  EXPECT_EQ(by_key.find(std::string("a-first"))->second, 1);
  EXPECT_TRUE(by_key.find(std::string("b-later"))->first.shares_with(by_key.find(b)->first));
  EXPECT_EQ(by_key.count(std::string_view("c")), 0U);
}

}  // namespace
}  // namespace valtuus
