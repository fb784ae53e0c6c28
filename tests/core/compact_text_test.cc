// The compact stand-ins of long-lived per-person strings read back as the values they replace.
#include "core/compact_text.h"

#include <gtest/gtest.h>

#include <string>

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
