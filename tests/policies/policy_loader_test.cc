// The policy loader on valid input: values, defaults, locations and warnings.
#include "policies/policy_loader.h"

#include <chrono>

#include <gtest/gtest.h>

#include "tests/policies/policy_test_util.h"

namespace valtuus {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;
using testing::dump;
using testing::has;
using testing::minimal_catalog;
using testing::parse_with_catalog;

// Line numbers in the comments are what the tests expect.
constexpr const char* kCatalog =
    "# The catalog\n"                                                              // 1
    "mandates:\n"                                                                  // 2
    "  - id: kela-etuustiedot\n"                                                   // 3
    "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/kela_etuustiedot\"\n"    // 4
    "    name:\n"                                                                  // 5
    "      fi: \"Etuustietojen katselu ja maksuvaatimusten rekisteröinti\"\n"      // 6
    "      sv: \"Granskning av förmånsuppgifter\"\n"                               // 7
    "      en: \"Viewing benefit data\"\n"                                         // 8
    "    service: Kela\n"                                                          // 9
    "    type: asiointivaltuus\n"                                                  // 10
    "    organisation_holds: true\n"                                               // 11
    "    grant_right: {holders: [mvirtanen, akorhonen], until: 2027-12-31}\n"      // 12
    "    max_validity_days: 365\n"                                                 // 13
    "    renewal_notice_days: 30\n"                                                // 14
    "\n"                                                                           // 15
    "  - id: te-palkkatuki\n"                                                      // 16
    "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/palkkatuki\"\n"          // 17
    "    name: {fi: Palkkatuen hakeminen, sv: Lönesubvention, en: Pay subsidy}\n"  // 18
    "    service: TE-palvelut\n"                                                   // 19
    "    type: edustamisvaltuus\n"                                                 // 20
    "    organisation_holds: false\n"                                              // 21
    "    max_validity_days: 9131\n"                                                // 22
    "    renewal_notice_days: 0\n";                                                // 23

constexpr const char* kMaps =
    "maps:\n"                                                                        // 1
    "  - id: elinkeinoasiat\n"                                                       // 2
    "    description: Business services\n"                                           // 3
    "    match: {department: [Elinkeinoasiat, Näringsliv], ou: People}\n"            // 4
    "    except: {title: [Harjoittelija]}\n"                                         // 5
    "    grants:\n"                                                                  // 6
    "      - {mandate: kela-etuustiedot, why: \"Checks benefit data\"}\n"            // 7
    "      - mandate: te-palkkatuki\n"                                               // 8
    "        why: Applies for pay subsidy\n"                                         // 9
    "  - id: omavalmentaja\n"                                                        // 10
    "    match:\n"                                                                   // 11
    "      title: Omavalmentaja\n"                                                   // 12
    "      group: [\"CN=Valmentajat,OU=Groups,DC=porvoo,DC=fi\", Coaches]\n"         // 13
    "    grants:\n"                                                                  // 14
    "      - {mandate: kela-etuustiedot, why: Advises and supports job seekers}\n";  // 15

TEST(PolicyLoader, FullPolicyRoundTrips) {
  const auto result =
      parse_policy({{"catalog.yaml", kCatalog}, {"maps/elinkeinoasiat.yaml", kMaps}});
  ASSERT_TRUE(result.policy) << dump(result);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_TRUE(result.warnings.empty()) << dump(result);
  const Policy& policy = *result.policy;

  ASSERT_EQ(policy.catalog.size(), 2u);
  const MandateIssue& kela = policy.catalog[0];
  EXPECT_EQ(kela.id, "kela-etuustiedot");
  EXPECT_EQ(kela.suomifi_code, "http://valtuusrekisteri.suomi.fi/kela_etuustiedot");
  EXPECT_EQ(kela.name_fi, "Etuustietojen katselu ja maksuvaatimusten rekisteröinti");
  EXPECT_EQ(kela.name_sv, "Granskning av förmånsuppgifter");
  EXPECT_EQ(kela.name_en, "Viewing benefit data");
  EXPECT_EQ(kela.service, "Kela");
  EXPECT_EQ(kela.type, MandateType::kAsiointivaltuus);
  EXPECT_TRUE(kela.organisation_holds);
  EXPECT_EQ(kela.grant_right.holders, (std::vector<std::string>{"mvirtanen", "akorhonen"}));
  ASSERT_TRUE(kela.grant_right.until);
  EXPECT_EQ(*kela.grant_right.until, sys_days(year_month_day(year(2027), month(12), day(31))));
  EXPECT_EQ(kela.max_validity_days, 365);
  EXPECT_EQ(kela.renewal_notice_days, 30);
  EXPECT_EQ(kela.location.file, "catalog.yaml");
  EXPECT_EQ(kela.location.line, 3);
  EXPECT_EQ(kela.location.column, 5);

  const MandateIssue& te = policy.catalog[1];
  EXPECT_EQ(te.id, "te-palkkatuki");
  EXPECT_EQ(te.name_sv, "Lönesubvention");
  EXPECT_EQ(te.type, MandateType::kEdustamisvaltuus);
  EXPECT_FALSE(te.organisation_holds);
  EXPECT_TRUE(te.grant_right.holders.empty());
  EXPECT_FALSE(te.grant_right.until);
  EXPECT_EQ(te.max_validity_days, 9131);
  EXPECT_EQ(te.renewal_notice_days, 0);
  EXPECT_EQ(te.location.line, 16);

  ASSERT_EQ(policy.maps.size(), 2u);
  const AuthorisationMap& business = policy.maps[0];
  EXPECT_EQ(business.id, "elinkeinoasiat");
  EXPECT_EQ(business.description, "Business services");
  EXPECT_FALSE(business.match_all);
  EXPECT_EQ(business.match.department, (std::vector<std::string>{"Elinkeinoasiat", "Näringsliv"}));
  EXPECT_EQ(business.match.ou, std::vector<std::string>{"People"});
  EXPECT_TRUE(business.match.title.empty());
  EXPECT_TRUE(business.match.group.empty());
  EXPECT_EQ(business.except.title, std::vector<std::string>{"Harjoittelija"});
  EXPECT_EQ(business.location.file, "maps/elinkeinoasiat.yaml");
  EXPECT_EQ(business.location.line, 2);
  EXPECT_EQ(business.location.column, 5);
  ASSERT_EQ(business.grants.size(), 2u);
  EXPECT_EQ(business.grants[0].mandate, "kela-etuustiedot");
  EXPECT_EQ(business.grants[0].why, "Checks benefit data");
  EXPECT_EQ(business.grants[0].location.file, "maps/elinkeinoasiat.yaml");
  EXPECT_EQ(business.grants[0].location.line, 7);
  EXPECT_EQ(business.grants[1].mandate, "te-palkkatuki");
  EXPECT_EQ(business.grants[1].why, "Applies for pay subsidy");
  EXPECT_EQ(business.grants[1].location.line, 8);

  const AuthorisationMap& coach = policy.maps[1];
  EXPECT_EQ(coach.id, "omavalmentaja");
  EXPECT_EQ(coach.match.title, std::vector<std::string>{"Omavalmentaja"});
  EXPECT_EQ(coach.match.group,
            (std::vector<std::string>{"CN=Valmentajat,OU=Groups,DC=porvoo,DC=fi", "Coaches"}));
  EXPECT_TRUE(coach.except.empty());
  EXPECT_EQ(coach.location.line, 10);
  ASSERT_EQ(coach.grants.size(), 1u);
  EXPECT_EQ(coach.grants[0].location.line, 15);
  EXPECT_EQ(coach.grants[0].why, "Advises and supports job seekers");
}

TEST(PolicyLoader, DefaultsAreApplied) {
  const auto result =
      parse_policy({{"c.yaml",
                     "mandates:\n"
                     "  - id: vero\n"
                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/vero\"\n"
                     "    name: {fi: Vero, sv: Skatt, en: Tax}\n"
                     "    service: Verohallinto\n"
                     "maps:\n"
                     "  - id: kaikki\n"
                     "    match: all\n"
                     "    grants: [{mandate: vero, why: Everyone files taxes}]\n"}});
  ASSERT_TRUE(result.policy) << dump(result);
  const MandateIssue& vero = result.policy->catalog.at(0);
  EXPECT_EQ(vero.type, MandateType::kAsiointivaltuus);
  EXPECT_TRUE(vero.organisation_holds);
  EXPECT_EQ(vero.max_validity_days, 730);
  EXPECT_EQ(vero.renewal_notice_days, 60);
  EXPECT_TRUE(vero.grant_right.holders.empty());
  EXPECT_FALSE(vero.grant_right.until);
  EXPECT_TRUE(result.policy->maps.at(0).description.empty());
}

TEST(PolicyLoader, MatchAllSetsTheFlagAndNoSelectors) {
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: kaikki\n"
      "    match: all\n"
      "    except: {department: Hallinto}\n"
      "    grants:\n"
      "      - {mandate: kela-etuustiedot, why: Everyone}\n");
  ASSERT_TRUE(result.policy) << dump(result);
  const AuthorisationMap& map = result.policy->maps.at(0);
  EXPECT_TRUE(map.match_all);
  EXPECT_TRUE(map.match.empty());
  EXPECT_EQ(map.except.department, std::vector<std::string>{"Hallinto"});
}

TEST(PolicyLoader, SingleStringSelectorIsAListOfOne) {
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: coach\n"
      "    match: {title: \"  Omavalmentaja \", department: Työllisyyspalvelut}\n"
      "    grants:\n"
      "      - {mandate: kela-etuustiedot, why: Coaching}\n");
  ASSERT_TRUE(result.policy) << dump(result);
  const AuthorisationMap& map = result.policy->maps.at(0);
  EXPECT_FALSE(map.match_all);
  EXPECT_EQ(map.match.title, std::vector<std::string>{"  Omavalmentaja "});  // as written
  EXPECT_EQ(map.match.department, std::vector<std::string>{"Työllisyyspalvelut"});
}

TEST(PolicyLoader, SameValueInDifferentSelectorsIsNotADuplicate) {
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: coach\n"
      "    match: {title: Valmentaja, department: Valmentaja}\n"
      "    grants: [{mandate: kela-etuustiedot, why: Coaching}]\n");
  EXPECT_TRUE(result.policy) << dump(result);
}

TEST(PolicyLoader, EmptySuomifiCodeWarnsNamingTheTheme) {
  const auto result = parse_policy({{"c.yaml",
                                     "mandates:\n"
                                     "  - id: kela-etuustiedot\n"
                                     "    suomifi_code: \"\"\n"
                                     "    name: {fi: Etuustiedot, sv: Förmåner, en: Benefits}\n"
                                     "    service: Kela\n"
                                     "  - id: vero\n"
                                     "    name: {fi: Verotus, sv: Skatt, en: Tax}\n"
                                     "    service: Verohallinto\n"}});
  ASSERT_TRUE(result.policy) << dump(result);  // a warning does not stop loading
  EXPECT_EQ(result.policy->catalog.at(0).suomifi_code, "");
  ASSERT_EQ(result.warnings.size(), 3u) << dump(result);  // two codes, no maps
  EXPECT_TRUE(has(result.warnings, "c.yaml:3:19: mandate `kela-etuustiedot`", "Etuustiedot"));
  EXPECT_TRUE(has(result.warnings, "c.yaml:3:19:", "suomifi_code"));
  // Without the key at all, the warning points at the mandate.
  EXPECT_TRUE(has(result.warnings, "c.yaml:6:5: mandate `vero`", "Verotus"));
  EXPECT_TRUE(has(result.warnings, "no authorisation maps"));
}

TEST(PolicyLoader, MissingSwedishOrEnglishNameWarns) {
  const auto result = parse_policy({{"c.yaml",
                                     "mandates:\n"
                                     "  - id: kela\n"
                                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/k\"\n"
                                     "    name: {fi: Etuustiedot}\n"
                                     "    service: Kela\n"
                                     "  - id: vero\n"
                                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/v\"\n"
                                     "    name: {fi: Verotus, sv: \"\", en: Tax}\n"
                                     "    service: Verohallinto\n"}});
  ASSERT_TRUE(result.policy) << dump(result);
  EXPECT_TRUE(has(result.warnings, "c.yaml:4:11: mandate `kela` has no sv or en name"));
  EXPECT_TRUE(has(result.warnings, "c.yaml:8:11: mandate `vero` has no sv name"));
}

TEST(PolicyLoader, ColumnsCountCharactersNotBytes) {
  // "Työ" and "Ä" are multi-byte in UTF-8; editors count them as one column each.
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: coach\n"
      "    match: {department: [Työ, Ä, ä]}\n"
      "    grants: [{mandate: kela-etuustiedot, why: x}]\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "maps.yaml:3:34: duplicate value `ä` in `department`",
                  "first at line 3, column 31"));
}

TEST(PolicyLoader, ByteOrderMarkAndWindowsLineEndingsAreAccepted) {
  const auto result = parse_policy({{"c.yaml",
                                     "\xEF\xBB\xBFmandates:\r\n"
                                     "  - id: kela\r\n"
                                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/k\"\r\n"
                                     "    name: {fi: Etuustiedot, sv: Förmåner, en: Benefits}\r\n"
                                     "    service: Kela\r\n"
                                     "maps:\r\n"
                                     "  - id: kaikki\r\n"
                                     "    match: all\r\n"
                                     "    grants: [{mandate: kela, why: Everyone}]\r\n"}});
  ASSERT_TRUE(result.policy) << dump(result);
  EXPECT_EQ(result.policy->catalog.at(0).service, "Kela");
  EXPECT_EQ(result.policy->catalog.at(0).location.line, 2);
  EXPECT_EQ(result.policy->catalog.at(0).location.column, 5);
  EXPECT_EQ(result.policy->maps.at(0).grants.at(0).location.line, 9);
}

TEST(PolicyLoader, CatalogAndMapsKeepFileOrder) {
  const auto result = parse_policy(
      {{"a.yaml",
        "mandates:\n"
        "  - {id: b-second, suomifi_code: \"\", name: {fi: B, sv: B, en: B}, service: S}\n"
        "maps:\n"
        "  - {id: z-map, match: all, grants: [{mandate: a-first, why: x}]}\n"},
       {"b.yaml",
        "maps:\n"
        "  - {id: a-map, match: all, grants: [{mandate: b-second, why: x}]}\n"
        "mandates:\n"
        "  - {id: a-first, suomifi_code: \"\", name: {fi: A, sv: A, en: A}, service: S}\n"}});
  ASSERT_TRUE(result.policy) << dump(result);  // a grant may name a mandate of a later file
  ASSERT_EQ(result.policy->catalog.size(), 2u);
  EXPECT_EQ(result.policy->catalog[0].id, "b-second");
  EXPECT_EQ(result.policy->catalog[1].id, "a-first");
  EXPECT_EQ(result.policy->catalog[1].location.file, "b.yaml");
  ASSERT_EQ(result.policy->maps.size(), 2u);
  EXPECT_EQ(result.policy->maps[0].id, "z-map");
  EXPECT_EQ(result.policy->maps[1].id, "a-map");
  // Warnings come in file order: a.yaml's before b.yaml's.
  ASSERT_EQ(result.warnings.size(), 2u) << dump(result);
  EXPECT_EQ(result.warnings[0].where.file, "a.yaml");
  EXPECT_EQ(result.warnings[1].where.file, "b.yaml");
}

TEST(PolicyLoader, GrantRightMayListNoHoldersYet) {
  const auto result = parse_policy({{"c.yaml",
                                     "mandates:\n"
                                     "  - id: kela\n"
                                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/k\"\n"
                                     "    name: {fi: K, sv: K, en: K}\n"
                                     "    service: Kela\n"
                                     "    grant_right: {holders: []}\n"
                                     "  - id: vero\n"
                                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/v\"\n"
                                     "    name: {fi: V, sv: V, en: V}\n"
                                     "    service: Verohallinto\n"
                                     "    organisation_holds: false\n"
                                     "    grant_right: {holders: [mvirtanen]}\n"}});
  ASSERT_TRUE(result.policy) << dump(result);
  EXPECT_TRUE(result.policy->catalog.at(0).grant_right.holders.empty());
  EXPECT_EQ(result.policy->catalog.at(1).grant_right.holders,
            std::vector<std::string>{"mvirtanen"});
  // A right to give a mandate the organisation does not hold is suspicious.
  EXPECT_TRUE(has(result.warnings,
                  "c.yaml:12:5: mandate `vero` has `grant_right` but "
                  "`organisation_holds: false`"));
}

TEST(PolicyLoader, FindMandateWorksOnTheLoadedPolicy) {
  const auto result = parse_policy({minimal_catalog()});
  ASSERT_TRUE(result.policy) << dump(result);
  const MandateIssue* kela = result.policy->find_mandate("kela-etuustiedot");
  ASSERT_NE(kela, nullptr);
  EXPECT_EQ(kela->service, "Kela");
  EXPECT_EQ(result.policy->find_mandate("nothing"), nullptr);
}

TEST(PolicyLoader, FormatShowsWhatIsKnown) {
  EXPECT_EQ(format({{"a.yaml", 3, 7}, "bad"}), "a.yaml:3:7: bad");
  EXPECT_EQ(format({{"a.yaml", 0, 0}, "bad"}), "a.yaml: bad");
  EXPECT_EQ(format({{}, "bad"}), "bad");
}

}  // namespace
}  // namespace valtuus
