// One person's map page (core/person_map.h): the themes each matching map requires with their
// path and whether they are held, order forms, and what is held that nothing requires, by the
// standing the store gave the person.
#include <gtest/gtest.h>

#include "core/person_map.h"

namespace valtuus {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

const sys_days kMapToday = sys_days{std::chrono::year{2026} / 12 / 6};
const TimePoint kMapNow = TimePoint{kMapToday} + std::chrono::hours{9};

Policy policy() {
  Policy p;
  MandateIssue kela;
  kela.id = "kela";
  kela.name_fi = "Kela";
  kela.service = "Kela";
  MandateIssue te = kela;
  te.id = "te";
  te.organisation_holds = false;  // path 2 until DVV grants the right
  MandateIssue vero = kela;
  vero.id = "vero";
  MandateIssue ended = kela;
  ended.id = "ended";
  ended.grant_right.until = kMapToday - days(1);  // the organisation's right ran out: path 2
  p.catalog = {kela, te, vero, ended};
  AuthorisationMap business;
  business.id = "business";
  business.match.department = {"Elinkeinoasiat"};
  business.grants = {{"kela", "benefits", {}}, {"ended", "old right", {}}};
  AuthorisationMap coach;
  coach.id = "coach";
  coach.match.department = {"Elinkeinoasiat"};
  coach.match.title = {"Omavalmentaja"};
  coach.grants = {{"te", "job seekers", {}}};
  AuthorisationMap tax;
  tax.id = "tax";
  tax.match.department = {"Talous"};
  tax.grants = {{"vero", "tax", {}}};
  p.maps = {business, coach, tax};
  return p;
}

Employee anna() {
  Employee e;
  e.key = "k-anna";
  e.account = "anna";
  e.department = " elinkeinoasiat";
  e.title = "Omavalmentaja";
  return e;
}

TEST(PersonMap, TheMatchingMapsThemesPathsAndWhatIsHeld) {
  const Policy p = policy();
  const Employee e = anna();
  const std::vector<HeldMandate> held{{"kela", "2025-01-01", kMapToday + days(10)},
                                      {"vero", "2025-01-01", std::nullopt},
                                      {"te", "2020-01-01", kMapToday - days(1)}};  // ended
  const PersonMap map = person_map(p, e, Standing::kActive, {}, held, {}, kMapNow);
  ASSERT_EQ(map.maps.size(), 2u);
  EXPECT_EQ(map.maps[0].map->id, "business");
  EXPECT_EQ(map.maps[1].map->id, "coach");
  ASSERT_EQ(map.maps[0].themes.size(), 2u);
  const NeededTheme& kela = map.maps[0].themes[0];
  EXPECT_EQ(kela.grant->why, "benefits");
  ASSERT_NE(kela.held, nullptr);
  EXPECT_EQ(kela.held->valid_until, kMapToday + days(10));
  EXPECT_EQ(kela.path, 1);
  EXPECT_EQ(map.maps[0].themes[1].path, 2);  // the grant right ended yesterday
  const NeededTheme& te = map.maps[1].themes[0];
  EXPECT_EQ(te.held, nullptr);  // its grant ended: not held
  EXPECT_EQ(te.path, 2);
  EXPECT_EQ(map.needed, (std::set<std::string>{"ended", "kela", "te"}));
  ASSERT_EQ(map.unrequired.size(), 1u);
  EXPECT_EQ(map.unrequired[0].held->mandate, "vero");
  EXPECT_TRUE(map.unrequired[0].will_be_revoked);

  // Once DVV granted the organisation the right, te is path 1.
  const PersonMap later = person_map(p, e, Standing::kActive, {}, held, {"te"}, kMapNow);
  EXPECT_EQ(later.maps[1].themes[0].path, 1);
}

TEST(PersonMap, AnOrderFormInForceRequiresItsTheme) {
  const Policy p = policy();
  const Employee e = anna();
  ManualRequest order;
  order.id = 7;
  order.employee_key = "k-anna";
  order.mandate = "vero";
  order.why = "unit's tax returns";
  ManualRequest ended = order;
  ended.id = 8;
  ended.mandate = "kela";
  ended.until = kMapToday - days(1);
  const std::vector<HeldMandate> held{{"vero", "2025-01-01", std::nullopt}};
  const std::vector<ManualRequest> orders{order, ended};  // the result points into them
  const PersonMap map = person_map(p, e, Standing::kActive, orders, held, {}, kMapNow);
  ASSERT_EQ(map.ordered.size(), 1u);
  EXPECT_EQ(map.ordered[0].request->id, 7);
  EXPECT_NE(map.ordered[0].held, nullptr);
  EXPECT_TRUE(map.unrequired.empty());
}

TEST(PersonMap, LongLeaveKeepsWhatIsHeldAndALeaverNeedsNothing) {
  const Policy p = policy();
  const Employee e = anna();
  const std::vector<HeldMandate> held{{"kela", "2025-01-01", std::nullopt}};
  const PersonMap away = person_map(p, e, Standing::kLongLeave, {}, held, {}, kMapNow);
  EXPECT_TRUE(away.maps.empty());
  ASSERT_EQ(away.unrequired.size(), 1u);
  EXPECT_EQ(away.unrequired[0].verdict, HeldVerdict::kKeptOnLongLeave);
  EXPECT_FALSE(away.unrequired[0].will_be_revoked);
  const PersonMap left = person_map(p, e, Standing::kLeft, {}, held, {}, kMapNow);
  ASSERT_EQ(left.unrequired.size(), 1u);
  EXPECT_EQ(left.unrequired[0].verdict, HeldVerdict::kPersonLeft);
  EXPECT_TRUE(left.unrequired[0].will_be_revoked);
}

}  // namespace
}  // namespace valtuus
