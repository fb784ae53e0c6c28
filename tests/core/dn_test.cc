#include "core/dn.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

TEST(Dn, WithinMatchesTheOuItselfAndAnythingUnderIt) {
  const char* leavers = "OU=Leavers,DC=kunta,DC=example";
  EXPECT_TRUE(dn_within("OU=Leavers,DC=kunta,DC=example", leavers));
  EXPECT_TRUE(dn_within("CN=Matti,OU=Leavers,DC=kunta,DC=example", leavers));
  EXPECT_TRUE(dn_within("CN=Matti,OU=2025,OU=Leavers,DC=kunta,DC=example", leavers));
  EXPECT_FALSE(dn_within("CN=Matti,OU=People,DC=kunta,DC=example", leavers));
  // An OU of the same name elsewhere is another OU.
  EXPECT_FALSE(dn_within("CN=Matti,OU=Leavers,OU=Projects,DC=kunta,DC=example", leavers));
  EXPECT_FALSE(dn_within("CN=Matti,OU=Leavers,DC=other,DC=example", leavers));
  // The base is not under the entry.
  EXPECT_FALSE(dn_within("DC=kunta,DC=example", leavers));
}

TEST(Dn, IgnoresCaseOfTypesAndValuesAndSpacesAroundSeparators) {
  EXPECT_TRUE(
      dn_within("cn=matti,ou=LEAVERS,dc=Kunta,dc=EXAMPLE", "OU=Leavers,DC=kunta,DC=example"));
  EXPECT_TRUE(dn_within("CN=a, OU=Lähteneet , DC=x", "ou=LÄHTENEET,dc=x"));
}

TEST(Dn, UnderstandsRfc4514Escapes) {
  const char* base = "OU=Sosiaali- ja terveys\\, Ä,DC=x";
  EXPECT_TRUE(dn_within("CN=Virtanen\\, Matti,OU=Sosiaali- ja terveys\\2C \\C3\\84,DC=x", base));
  EXPECT_TRUE(dn_within("CN=a,OU=Sosiaali- ja terveys\\2c ä,DC=x", base));
  // Unescaped, the comma separates two RDNs: another DN altogether.
  EXPECT_FALSE(dn_within("CN=a,OU=Sosiaali- ja terveys, Ä,DC=x", base));
  EXPECT_TRUE(dn_within("CN=a,OU=\"Quoted, Old\",DC=x", "OU=Quoted\\, Old,DC=x"));
  EXPECT_TRUE(dn_within("CN=a,OU=\\#hash\\+plus,DC=x", "OU=\\23hash\\2Bplus,DC=x"));
}

TEST(Dn, MultiValuedRdnsMatchInAnyOrder) {
  EXPECT_TRUE(dn_within("CN=a,OU=b+L=c,DC=x", "L=c+OU=b,DC=x"));
  EXPECT_FALSE(dn_within("CN=a,OU=b+L=c,DC=x", "OU=b,DC=x"));
}

TEST(Dn, RefusesWhatIsNoDn) {
  EXPECT_FALSE(parse_dn("").has_value());
  EXPECT_FALSE(parse_dn("Leavers").has_value());
  EXPECT_FALSE(parse_dn("OU=a,Leavers").has_value());
  EXPECT_FALSE(parse_dn("OU=bad\\zzescape").has_value());
  EXPECT_FALSE(parse_dn("OU=\"unfinished").has_value());
  EXPECT_FALSE(dn_within("CN=a,OU=Leavers,DC=x", "Leavers"));
  EXPECT_FALSE(dn_within("not a dn", "OU=Leavers,DC=x"));
  ASSERT_TRUE(parse_dn("CN=a,OU=b").has_value());
  EXPECT_EQ(parse_dn("CN=a,OU=b")->size(), 2u);
}

TEST(Dn, ProblemShowsTheDnFormForABareName) {
  const auto problem = dn_problem("Leavers");
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("OU=Leavers,DC="), std::string::npos) << *problem;
  EXPECT_TRUE(dn_problem("   ").has_value());
  EXPECT_TRUE(dn_problem("OU=x\\q1,DC=y").has_value());
  EXPECT_FALSE(dn_problem("OU=Leavers,DC=kunta,DC=example").has_value());
}

}  // namespace
}  // namespace valtuus

namespace valtuus {
namespace {

TEST(OuSet, ContainsWhatDnWithinSaysForAnyOfItsOus) {
  const OuSet ous({"OU=Leavers,DC=x", "not a dn", "OU=Old\\, staff,DC=x"});
  EXPECT_FALSE(ous.empty());
  EXPECT_TRUE(ous.contains("CN=a,OU=LEAVERS,DC=x"));
  EXPECT_TRUE(ous.contains("CN=a,OU=2026,OU=old\\2C Staff,DC=x"));
  EXPECT_FALSE(ous.contains("CN=a,OU=People,DC=x"));
  EXPECT_FALSE(ous.contains("not a dn"));
  EXPECT_TRUE(OuSet({}).empty());
  EXPECT_FALSE(OuSet({}).contains("CN=a,OU=Leavers,DC=x"));
}

}  // namespace
}  // namespace valtuus
