#include "core/matching.h"

#include <gtest/gtest.h>

namespace valtuus {
namespace {

Employee coach() {
  Employee e;
  e.key = "k1";
  e.account = "mmakinen";
  e.department = "ELINKEINOASIAT ";
  e.title = "omavalmentaja";
  e.ou = "People";
  e.groups = {"CN=Kela-käyttäjät,OU=Groups,DC=porvoo,DC=example"};
  return e;
}

AuthorisationMap map_with(Selectors match) {
  AuthorisationMap map;
  map.id = "m";
  map.match = std::move(match);
  return map;
}

TEST(Matching, AnyValueWithinSelectorAllSelectorsTogether) {
  Selectors s;
  s.department = {"Talouspalvelut", "Elinkeinoasiat"};
  s.title = {"Omavalmentaja"};
  MatchResult r = match_map(map_with(s), coach());
  ASSERT_TRUE(r.matches);
  ASSERT_EQ(r.matched.size(), 2u);
  EXPECT_EQ(r.matched[0].first, "department");
  EXPECT_EQ(r.matched[0].second, "ELINKEINOASIAT ");
  EXPECT_EQ(r.matched[1].first, "title");

  s.title = {"Controller"};
  EXPECT_FALSE(match_map(map_with(s), coach()).matches);
}

TEST(Matching, GroupByCnOrDn) {
  Selectors by_cn;
  by_cn.group = {"KELA-KÄYTTÄJÄT"};
  EXPECT_TRUE(match_map(map_with(by_cn), coach()).matches);
  Selectors by_dn;
  by_dn.group = {"cn=kela-käyttäjät,ou=groups,dc=porvoo,dc=example"};
  EXPECT_TRUE(match_map(map_with(by_dn), coach()).matches);
  Selectors other;
  other.group = {"Kela"};
  EXPECT_FALSE(match_map(map_with(other), coach()).matches);
}

TEST(Matching, ExceptExcludes) {
  Selectors s;
  s.department = {"Elinkeinoasiat"};
  AuthorisationMap map = map_with(s);
  map.except.title = {"Omavalmentaja"};
  EXPECT_FALSE(match_map(map, coach()).matches);
  map.except.title = {"Controller"};
  EXPECT_TRUE(match_map(map, coach()).matches);
}

TEST(Matching, EmptyMatchMatchesNobodyUnlessMatchAll) {
  AuthorisationMap map;
  EXPECT_FALSE(match_map(map, coach()).matches);
  map.match_all = true;
  EXPECT_TRUE(match_map(map, coach()).matches);
}

}  // namespace
}  // namespace valtuus
