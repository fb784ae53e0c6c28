// The personal identity code: known valid codes (DVV's published examples, including the
// century signs of the 2023 reform), each way a code can be wrong, and masking.
#include "core/identity_code.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

TEST(IdentityCodeTest, AcceptsKnownValidCodes) {
  for (const char* code :
       {"131052-308T", "311200+123M", "290200A002C", "010594Y9032", "010594Y9021", "020594X903P",
        "020594X902N", "030594W903B", "030694W9024", "040594V9030", "040594V902Y", "050594U903M",
        "050594U902L", "010516B903X", "010516B902W", "020516C903K", "020516C902J", "030516D9037",
        "030516D9026", "010501E9032", "020502E902X", "020503F9037", "020504F902E"}) {
    const IdentityCodeCheck check = check_identity_code(code);
    EXPECT_TRUE(check.valid) << code << ": " << check.reason;
    EXPECT_TRUE(check.reason.empty()) << code;
  }
}

TEST(IdentityCodeTest, TellsTemporaryCodesApart) {
  EXPECT_FALSE(check_identity_code("131052-308T").temporary);
  EXPECT_TRUE(check_identity_code("010594Y9032").temporary);
  EXPECT_TRUE(check_identity_code("311299-999E").temporary);
}

// Each invalid code with a word its reason must contain.
TEST(IdentityCodeTest, RefusesInvalidCodesWithAReasonThatDoesNotEchoTheCode) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "11 characters"},
      {"131052-308", "11 characters"},
      {"131052-308TT", "11 characters"},
      {" 131052-308T", "11 characters"},
      {"131052-308S", "check character"},
      {"131052-308t", "check character"},  // upper case only
      {"020504F9026", "check character"},  // a new sign with a wrong check character
      {"131052G308T", "century sign"},     // G is not a sign
      {"131052a308T", "century sign"},     // nor is a lower-case one
      {"290200-002C", "calendar date"},    // 1900 was not a leap year
      {"290201A002M", "calendar date"},    // nor 2001
      {"320100-0020", "calendar date"},
      {"011300-0020", "calendar date"},
      {"000100-0020", "calendar date"},
      {"010100-001F", "002-999"},  // 000 and 001 are not in use
      {"1310X2-308T", "6 digits"},
      {"131052-3O8T", "3 digits"},
  };
  for (const auto& [code, word] : cases) {
    const IdentityCodeCheck check = check_identity_code(code);
    EXPECT_FALSE(check.valid) << code;
    EXPECT_NE(check.reason.find(word), std::string::npos) << code << ": " << check.reason;
    if (*code) {
      EXPECT_EQ(check.reason.find(code), std::string::npos) << check.reason;
    }
    EXPECT_EQ(check.reason.find("308"), std::string::npos) << check.reason;
  }
}

TEST(IdentityCodeTest, MaskKeepsTheDateAndCenturySignOnly) {
  EXPECT_EQ(mask_identity_code("131052-308T"), "131052-****");
  EXPECT_EQ(mask_identity_code("010594Y9032"), "010594Y****");
  EXPECT_EQ(mask_identity_code("010516B903X"), "010516B****");
  // An invalid code's parts may be anything (even a different person's digits): hide it all.
  EXPECT_EQ(mask_identity_code("131052-308S"), "******-****");
  EXPECT_EQ(mask_identity_code("secret"), "******-****");
  EXPECT_EQ(mask_identity_code(""), "******-****");
}

}  // namespace
}  // namespace valtuus
