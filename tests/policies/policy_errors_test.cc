// The policy loader on invalid input: each error names file:line:column, every error is
// reported, and nothing loads.
#include <gtest/gtest.h>

#include "policies/policy_loader.h"
#include "tests/policies/policy_test_util.h"

namespace valtuus {
namespace {

using testing::dump;
using testing::has;
using testing::minimal_catalog;
using testing::parse_with_catalog;

PolicyLoadResult parse_one(std::string text) {
  return parse_policy({{"p.yaml", std::move(text)}});
}

// A map file whose only problem is the given `match:` line (line 3, value at column 12).
PolicyLoadResult parse_match(const std::string& match_line) {
  return parse_with_catalog("maps:\n  - id: m\n" + match_line +
                            "\n    grants: [{mandate: kela-etuustiedot, why: x}]\n");
}

TEST(PolicyErrors, YamlSyntaxErrorHasItsPosition) {
  const auto result = parse_policy({minimal_catalog(),
                                    {"bad.yaml",
                                     "maps:\n"
                                     "  - id: m\n"
                                     "    match: all\n"
                                     "\tgrants: []\n"}});
  EXPECT_FALSE(result.policy);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result);
  EXPECT_TRUE(has(result.errors, "bad.yaml:4:", "YAML syntax error"));
}

TEST(PolicyErrors, UnknownKeysAreReportedAtEveryLevel) {
  const auto result = parse_policy({{"c.yaml",
                                     "mandates:\n"                                            // 1
                                     "  - id: kela\n"                                         // 2
                                     "    suomifi_code: \"\"\n"                               // 3
                                     "    name: {fi: K, sv: K, en: K, se: K}\n"               // 4
                                     "    service: Kela\n"                                    // 5
                                     "    sevrice: Kela\n"                                    // 6
                                     "    grant_right: {holders: [a], untill: 2027-01-01}\n"  // 7
                                     "mapz: []\n"},                                           // 8
                                    {"m.yaml",
                                     "maps:\n"                                               // 1
                                     "  - id: omavalmentaja\n"                               // 2
                                     "    match: {titel: Omavalmentaja}\n"                   // 3
                                     "    except: {department: X, colour: blue}\n"           // 4
                                     "    grnats:\n"                                         // 5
                                     "      - {mandate: kela, why: x}\n"                     // 6
                                     "    grants:\n"                                         // 7
                                     "      - {mandate: kela, why: x, valid_days: 3}\n"}});  // 8
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "c.yaml:4:33: unknown key `se` in `name` of mandate `kela`"));
  EXPECT_TRUE(has(result.errors, "c.yaml:6:5: unknown key `sevrice` in mandate `kela`",
                  "did you mean `service`?"));
  EXPECT_TRUE(has(result.errors, "c.yaml:7:33: unknown key `untill` in `grant_right`",
                  "allowed keys: holders, until"));
  EXPECT_TRUE(has(result.errors, "c.yaml:8:1: unknown key `mapz` in the top level",
                  "did you mean `maps`?"));
  EXPECT_TRUE(has(result.errors, "m.yaml:3:13: unknown key `titel` in `match` of map",
                  "did you mean `title`?"));
  EXPECT_TRUE(has(result.errors, "m.yaml:4:29: unknown key `colour` in `except` of map"));
  EXPECT_TRUE(
      has(result.errors, "m.yaml:5:5: unknown key `grnats` in map `omavalmentaja`",
          "(did you mean `grants`?); allowed keys: id, description, match, except, grants"));
  EXPECT_TRUE(has(result.errors, "m.yaml:8:33: unknown key `valid_days` in a grant of map",
                  "allowed keys: mandate, why"));
  EXPECT_EQ(result.errors.size(), 8u) << dump(result);
}

TEST(PolicyErrors, MisspeltGrantsIsAlsoAMissingGrants) {
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: omavalmentaja\n"
      "    match: all\n"
      "    grnats:\n"
      "      - {mandate: kela-etuustiedot, why: x}\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "maps.yaml:2:5: missing required key `grants` in map"));
  EXPECT_TRUE(has(result.errors, "maps.yaml:4:5: unknown key `grnats`", "allowed keys:"));
}

TEST(PolicyErrors, WrongTypesAreReported) {
  const auto result = parse_one(
      "mandates:\n"                              // 1
      "  - id: kela\n"                           // 2
      "    name: Etuustiedot\n"                  // 3
      "    service: [Kela]\n"                    // 4
      "    organisation_holds: \"yes\"\n"        // 5
      "    max_validity_days: many\n"            // 6
      "    renewal_notice_days: 1.5\n"           // 7
      "    grant_right: {holders: mvirtanen}\n"  // 8
      "  - id: vero\n"                           // 9
      "    name: {fi: Vero}\n"                   // 10
      "    service: Verohallinto\n"              // 11
      "    organisation_holds: yes\n"            // 12
      "    type: valtakirja\n"                   // 13
      "maps: {id: x}\n");                        // 14
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "p.yaml:3:11: `name` of mandate `kela` must be a mapping",
                  "found `Etuustiedot`"));
  EXPECT_TRUE(has(result.errors, "p.yaml:4:14: `service` must be text, found a list"));
  EXPECT_TRUE(
      has(result.errors, "p.yaml:5:25: `organisation_holds` must be true or false", "found `yes`"));
  EXPECT_TRUE(has(result.errors, "p.yaml:6:24: `max_validity_days` must be a whole number"));
  EXPECT_TRUE(has(result.errors, "p.yaml:7:26: `renewal_notice_days` must be a whole number"));
  EXPECT_TRUE(has(result.errors, "p.yaml:8:28: `holders` must be a list", "`mvirtanen`"));
  EXPECT_TRUE(has(result.errors, "p.yaml:12:25: `organisation_holds` must be true or false"));
  EXPECT_TRUE(has(result.errors,
                  "p.yaml:13:11: `type` must be asiointivaltuus or "
                  "edustamisvaltuus, found `valtakirja`"));
  EXPECT_TRUE(has(result.errors, "p.yaml:14:7: `maps` must be a list", "found a mapping"));
  EXPECT_EQ(result.errors.size(), 9u) << dump(result);
}

TEST(PolicyErrors, MissingValueIsReportedAtItsKey) {
  const auto result = parse_one(
      "mandates:\n"
      "  - id: kela\n"
      "    name: {fi: K, sv: K, en: K}\n"
      "    service:\n"
      "    max_validity_days: 30\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "p.yaml:4:5: `service` must be text, found nothing"));
}

TEST(PolicyErrors, MissingRequiredFieldsAreReported) {
  const auto result = parse_policy({{"c.yaml",
                                     "mandates:\n"               // 1
                                     "  - suomifi_code: \"\"\n"  // 2
                                     "    name: {fi: K}\n"       // 3
                                     "    service: Kela\n"       // 4
                                     "  - id: vero\n"            // 5
                                     "    name: {sv: Skatt}\n"   // 6
                                     "  - id: kela\n"            // 7
                                     "    name: {fi: \"  \"}\n"  // 8
                                     "    service: \"\"\n"},     // 9
                                    {"m.yaml",
                                     "maps:\n"                               // 1
                                     "  - id: m\n"                           // 2
                                     "    match: all\n"                      // 3
                                     "    grants:\n"                         // 4
                                     "      - {why: x}\n"                    // 5
                                     "      - {mandate: vero}\n"             // 6
                                     "      - {mandate: kela, why: \"\"}\n"  // 7
                                     "  - match: all\n"                      // 8
                                     "    grants: []\n"}});                  // 9
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "c.yaml:2:5: missing required key `id` in mandate"));
  EXPECT_TRUE(has(result.errors, "c.yaml:5:5: missing required key `service` in mandate `vero`"));
  EXPECT_TRUE(has(result.errors, "c.yaml:6:11: missing required key `fi` in `name`"));
  EXPECT_TRUE(has(result.errors, "c.yaml:8:16: `fi` must not be empty"));
  EXPECT_TRUE(has(result.errors, "c.yaml:9:14: `service` must not be empty"));
  EXPECT_TRUE(has(result.errors, "m.yaml:5:9: missing required key `mandate` in a grant"));
  EXPECT_TRUE(has(result.errors, "m.yaml:6:9: missing required key `why` in a grant"));
  EXPECT_TRUE(has(result.errors, "m.yaml:7:30: `why` must not be empty"));
  EXPECT_TRUE(has(result.errors, "m.yaml:8:5: missing required key `id` in map"));
  EXPECT_TRUE(has(result.errors, "m.yaml:9:13: `grants` of a map is empty"));
}

TEST(PolicyErrors, DuplicateMandateIdAcrossFilesNamesTheFirst) {
  const auto result = parse_policy({minimal_catalog("a/catalog.yaml"),
                                    {"b/more.yaml",
                                     "mandates:\n"
                                     "  - id: vero\n"
                                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/v\"\n"
                                     "    name: {fi: V, sv: V, en: V}\n"
                                     "    service: Verohallinto\n"
                                     "  - id: kela-etuustiedot\n"
                                     "    suomifi_code: \"http://valtuusrekisteri.suomi.fi/k\"\n"
                                     "    name: {fi: K, sv: K, en: K}\n"
                                     "    service: Kela\n"}});
  EXPECT_FALSE(result.policy);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result);
  EXPECT_EQ(format(result.errors[0]),
            "b/more.yaml:6:9: duplicate mandate id `kela-etuustiedot` "
            "(first defined at a/catalog.yaml:2:9)");
}

TEST(PolicyErrors, DuplicateMapIdAcrossFilesNamesTheFirst) {
  const std::string map =
      "maps:\n  - {id: coach, match: all, grants: [{mandate: kela-etuustiedot, why: x}]}\n";
  const auto result = parse_policy({minimal_catalog(), {"m1.yaml", map}, {"m2.yaml", map}});
  EXPECT_FALSE(result.policy);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result);
  EXPECT_EQ(format(result.errors[0]),
            "m2.yaml:2:10: duplicate map id `coach` (first defined at m1.yaml:2:10)");
}

TEST(PolicyErrors, GrantOfUnknownMandateIsReportedWithASuggestion) {
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: coach\n"
      "    match: all\n"
      "    grants:\n"
      "      - {mandate: kela-etuustieto, why: x}\n"
      "      - {mandate: kela-etuustiedot, why: y}\n"
      "      - {mandate: kela-etuustiedot, why: z}\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "maps.yaml:5:19: grant of unknown mandate `kela-etuustieto`",
                  "did you mean `kela-etuustiedot`?"));
  EXPECT_TRUE(has(result.errors, "maps.yaml:7:19: map `coach` grants `kela-etuustiedot` twice",
                  "first at line 6, column 19"));
  EXPECT_EQ(result.errors.size(), 2u) << dump(result);
}

TEST(PolicyErrors, ValidityIsLimitedTo25Years) {
  const auto result = parse_one(
      "mandates:\n"
      "  - {id: a, name: {fi: A}, service: S, max_validity_days: 9132}\n"
      "  - {id: b, name: {fi: B}, service: S, max_validity_days: 0}\n"
      "  - {id: c, name: {fi: C}, service: S, max_validity_days: 100, renewal_notice_days: 101}\n"
      "  - {id: d, name: {fi: D}, service: S, renewal_notice_days: -1}\n"
      "  - {id: e, name: {fi: E}, service: S, max_validity_days: 99999999999999999999}\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(
      has(result.errors, "p.yaml:2:59: `max_validity_days` must be from 1 to 9131", "25 years"));
  EXPECT_TRUE(has(result.errors, "p.yaml:3:59: `max_validity_days` must be from 1 to 9131"));
  EXPECT_TRUE(has(result.errors, "p.yaml:4:85: `renewal_notice_days` (101) must not exceed",
                  "`max_validity_days` (100)"));
  EXPECT_TRUE(has(result.errors, "p.yaml:5:61: `renewal_notice_days` must be from 0 to 9131"));
  EXPECT_TRUE(has(result.errors, "p.yaml:6:59: `max_validity_days` must be from 1 to 9131"));
  EXPECT_EQ(result.errors.size(), 5u) << dump(result);
}

TEST(PolicyErrors, BadDatesAreReported) {
  const auto result = parse_one(
      "mandates:\n"
      "  - {id: a, name: {fi: A}, service: S, grant_right: {until: 2027-02-30}}\n"
      "  - {id: b, name: {fi: B}, service: S, grant_right: {until: 31.12.2027}}\n"
      "  - {id: c, name: {fi: C}, service: S, grant_right: {until: \"2027-12-31\"}}\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "p.yaml:2:61: `until` is not a calendar date: 2027-02-30"));
  EXPECT_TRUE(
      has(result.errors, "p.yaml:3:61: `until` must be a date written YYYY-MM-DD", "`31.12.2027`"));
  EXPECT_EQ(result.errors.size(), 2u) << dump(result);  // a quoted date is still a date
}

TEST(PolicyErrors, EmptySelectorValuesAreReported) {
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: m\n"
      "    match: {title: [\"\"], department: [], group: \" \", ou: [People, ~]}\n"
      "    grants: [{mandate: kela-etuustiedot, why: x}]\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "maps.yaml:3:21: empty value in `title`"));
  EXPECT_TRUE(has(result.errors, "maps.yaml:3:38: `department` has no values"));
  EXPECT_TRUE(has(result.errors, "maps.yaml:3:49: empty value in `group`"));
  // A missing value has no position of its own in yaml-cpp: the list's is given.
  EXPECT_TRUE(has(result.errors, "maps.yaml:3:58: a value in `ou` must be text, found nothing"));
  EXPECT_EQ(result.errors.size(), 4u) << dump(result);
}

TEST(PolicyErrors, DuplicateSelectorValueIsReportedAsMatchingComparesIt) {
  const auto result = parse_with_catalog(
      "maps:\n"
      "  - id: m\n"
      "    match:\n"
      "      department: [Elinkeinoasiat, Hallinto]\n"
      "      title: [Omavalmentaja, \" OMAVALMENTAJA\"]\n"
      "    except: {ou: [Åbo, åbo]}\n"
      "    grants: [{mandate: kela-etuustiedot, why: x}]\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "maps.yaml:5:30: duplicate value ` OMAVALMENTAJA` in `title`",
                  "first at line 5, column 15"));
  EXPECT_TRUE(has(result.errors, "maps.yaml:6:24: duplicate value `åbo` in `ou`",
                  "first at line 6, column 19"));
  EXPECT_EQ(result.errors.size(), 2u) << dump(result);
}

TEST(PolicyErrors, EmptyMatchTellsHowToMatchEveryone) {
  for (const std::string line : {"    match: {}", "    match:", "    match: ~"}) {
    const auto result = parse_match(line);
    EXPECT_FALSE(result.policy);
    EXPECT_TRUE(has(result.errors, "maps.yaml:3:", "write `match: all` to match everyone")) << line;
    EXPECT_EQ(result.errors.size(), 1u) << line << "\n" << dump(result);
  }
  const auto missing =
      parse_with_catalog("maps:\n  - id: m\n    grants: [{mandate: kela-etuustiedot, why: x}]\n");
  EXPECT_TRUE(has(missing.errors, "maps.yaml:2:5: empty match in map `m`: write `match: all`"));
}

TEST(PolicyErrors, MatchMustBeAllOrSelectors) {
  EXPECT_TRUE(has(parse_match("    match: everyone").errors,
                  "maps.yaml:3:12: `match` must be `all` or a mapping of selectors"));
  EXPECT_TRUE(has(parse_match("    match: [all]").errors,
                  "maps.yaml:3:12: `match` of map `m` must be a mapping"));
  const auto except_all = parse_match("    match: all\n    except: all");
  EXPECT_TRUE(has(except_all.errors, "maps.yaml:4:13: `except: all` in map `m`"));
  const auto except_empty = parse_match("    match: all\n    except: {}");
  EXPECT_TRUE(has(except_empty.errors, "maps.yaml:4:13: empty `except` in map `m`"));
}

TEST(PolicyErrors, InvalidIdsAndSuomifiCodesAreReported) {
  const auto result = parse_policy(
      {{"c.yaml",
        "mandates:\n"
        "  - {id: Kela_Etuudet, name: {fi: K}, service: Kela}\n"
        "  - {id: vero, suomifi_code: \"https://example.com/x\", name: {fi: V}, service: V}\n"
        "  - {id: tulli, suomifi_code: \"http://valtuusrekisteri.suomi.fi/\", name: {fi: T}, "
        "service: T}\n"},
       {"m.yaml", "maps:\n  - {id: -coach, match: all, grants: [{mandate: vero, why: x}]}\n"}});
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "c.yaml:2:10: mandate id `Kela_Etuudet` must be lowercase"));
  EXPECT_TRUE(has(result.errors, "c.yaml:3:30: `suomifi_code` must be a Suomi.fi theme URI",
                  "`https://example.com/x`"));
  EXPECT_TRUE(has(result.errors, "c.yaml:4:31: `suomifi_code` must be a Suomi.fi theme URI"));
  EXPECT_TRUE(has(result.errors, "m.yaml:2:10: map id `-coach` must be lowercase"));
  EXPECT_EQ(result.errors.size(), 4u) << dump(result);
}

TEST(PolicyErrors, DuplicateYamlKeyIsAnError) {
  const auto result = parse_one(
      "mandates:\n"
      "  - id: kela\n"
      "    name: {fi: K, sv: K, en: K}\n"
      "    service: Kela\n"
      "    service: Vero\n");
  EXPECT_FALSE(result.policy);
  EXPECT_TRUE(has(result.errors, "p.yaml:5:5: duplicate key `service` in a mandate",
                  "first at line 4, column 5"));
}

TEST(PolicyErrors, NonUtf8TextIsRefusedWithItsPosition) {
  // "Työ" in Latin-1: ö is the single byte 0xF6.
  const auto latin1 = parse_policy(
      {minimal_catalog(), {"latin1.yaml", "maps:\n  - id: m\n    match: {title: Ty\xF6}\n"}});
  EXPECT_FALSE(latin1.policy);
  ASSERT_EQ(latin1.errors.size(), 1u) << dump(latin1);
  EXPECT_TRUE(has(latin1.errors, "latin1.yaml:3:22: not valid UTF-8: byte 0xF6", "Latin-1"));

  const std::string utf16("m\0a\0p\0s\0:\0", 10);
  EXPECT_TRUE(has(parse_one(utf16).errors, "p.yaml:1:2: control character 0x00", "UTF-16"));
  // An encoded surrogate (U+D800) and an overlong '/' are not UTF-8 either.
  EXPECT_TRUE(has(parse_one("a: \xED\xA0\x80\n").errors, "p.yaml:1:4: not valid UTF-8: byte 0xED"));
  EXPECT_TRUE(has(parse_one("a: b\nc: \xC0\xAF\n").errors, "p.yaml:2:4: not valid UTF-8"));
  EXPECT_TRUE(has(parse_one("a: \xE2\x82").errors, "p.yaml:1:4: not valid UTF-8: byte 0xE2"));
}

// yaml-cpp 0.7's LoadAll() loops forever, allocating, on a stray `,` (jbeder/yaml-cpp#1040);
// found by fuzz/policy_fuzz.
TEST(PolicyErrors, StrayCommaIsASyntaxErrorNotAHang) {
  EXPECT_TRUE(has(parse_one(",").errors, "p.yaml:1:1: YAML syntax error: unexpected `,`"));
  EXPECT_TRUE(has(parse_one("\"a\",\n").errors, "p.yaml:1:4: YAML syntax error: unexpected `,`"));
  const auto after_map = parse_policy({minimal_catalog(), {"p.yaml", "maps: []\n,\n"}});
  EXPECT_FALSE(after_map.policy);
  EXPECT_TRUE(has(after_map.errors, "p.yaml:2:1: YAML syntax error"));
  EXPECT_TRUE(has(parse_one("{a: 1},").errors, "p.yaml:1:7: YAML syntax error"));
}

TEST(PolicyErrors, TopLevelMustBeAMappingOfKnownKeys) {
  EXPECT_TRUE(has(parse_one("- id: kela\n").errors, "p.yaml:1:1: the top level must be a mapping",
                  "found a list"));
  EXPECT_TRUE(has(parse_one("just text\n").errors, "p.yaml:1:1: the top level must be a mapping"));
  EXPECT_TRUE(has(parse_one("").errors, "p.yaml:1:1: empty file"));
  EXPECT_TRUE(has(parse_one("# only a comment\n").errors, "p.yaml:1:1: empty file"));
  EXPECT_TRUE(has(parse_one("{}\n").errors, "p.yaml:1:1: empty file"));
  const auto two = parse_policy({minimal_catalog(), {"p.yaml", "maps: []\n---\nmaps: []\n"}});
  EXPECT_TRUE(has(two.errors, "p.yaml:2:1: a second YAML document", "remove `---`"));
}

TEST(PolicyErrors, NoMandatesAtAllIsAnError) {
  const auto maps_only = parse_policy({{"m.yaml", "maps: []\n"}});
  EXPECT_FALSE(maps_only.policy);
  EXPECT_TRUE(has(maps_only.errors, "no mandates in any policy file"));
  const auto empty_list = parse_policy({{"c.yaml", "mandates: []\n"}});
  EXPECT_TRUE(has(empty_list.errors, "no mandates in any policy file"));
  const auto nothing = parse_policy({});
  EXPECT_FALSE(nothing.policy);
  EXPECT_TRUE(has(nothing.errors, "no policy files"));
}

TEST(PolicyErrors, SeveralErrorsAreAllReportedInFileOrder) {
  const auto result =
      parse_policy({{"a.yaml",
                     "maps:\n"
                     "  - id: m\n"
                     "    match: all\n"
                     "    grants: [{mandate: unknown-one, why: x}]\n"
                     "mandates:\n"
                     "  - {id: kela, name: {fi: K}, service: Kela, max_validity_days: 10000}\n"},
                    {"b.yaml",
                     "mandates:\n"
                     "  - {id: vero, name: {fi: V}, service: V, organisation_holds: maybe}\n"
                     "  - {id: kela, name: {fi: K}, service: Kela}\n"}});
  EXPECT_FALSE(result.policy);
  ASSERT_EQ(result.errors.size(), 4u) << dump(result);
  EXPECT_EQ(result.errors[0].where.file, "a.yaml");
  EXPECT_EQ(result.errors[0].where.line, 4);  // the unknown mandate, found last
  EXPECT_EQ(result.errors[1].where.line, 6);
  EXPECT_EQ(result.errors[2].where.file, "b.yaml");
  EXPECT_EQ(result.errors[2].where.line, 2);
  EXPECT_EQ(result.errors[3].where.line, 3);
  EXPECT_NE(result.errors[3].message.find("first defined at a.yaml:6:10"), std::string::npos)
      << dump(result);
}

TEST(PolicyErrors, ABrokenFileDoesNotCauseFollowOnErrors) {
  // The catalog does not parse, so grants of its mandates are not called unknown.
  const auto result = parse_policy(
      {{"catalog.yaml", "mandates: [\n"},
       {"maps.yaml", "maps:\n  - {id: m, match: all, grants: [{mandate: kela, why: x}]}\n"}});
  EXPECT_FALSE(result.policy);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result);
  EXPECT_EQ(result.errors[0].where.file, "catalog.yaml");
}

TEST(PolicyErrors, ABrokenMapFileDoesNotHideTheOtherFilesErrors) {
  // The broken file cannot define mandates (its text never says so): an unknown mandate in
  // another file is reported in the same round, not after the first file is fixed.
  const auto result = parse_policy(
      {minimal_catalog(),
       {"a.yaml", "maps:\n  - {id: m, match: {department: [\"x\"], grants: []}\n"},
       {"b.yaml", "maps:\n  - {id: n, match: all, grants: [{mandate: no-such, why: x}]}\n"}});
  EXPECT_FALSE(result.policy);
  ASSERT_EQ(result.errors.size(), 2u) << dump(result);
  EXPECT_EQ(result.errors[0].where.file, "a.yaml");
  EXPECT_TRUE(has(result.errors, "b.yaml:2:", "grant of unknown mandate `no-such`"))
      << dump(result);
}

TEST(PolicyErrors, MisspeltMandatesKeyDoesNotCauseFollowOnErrors) {
  const auto result =
      parse_policy({minimal_catalog(),
                    {"more.yaml",
                     "mandatse:\n"
                     "  - {id: vero, name: {fi: V}, service: V}\n"
                     "maps:\n"
                     "  - {id: m, match: all, grants: [{mandate: vero, why: x}]}\n"}});
  EXPECT_FALSE(result.policy);
  ASSERT_EQ(result.errors.size(), 1u) << dump(result);
  EXPECT_TRUE(has(result.errors, "more.yaml:1:1: unknown key `mandatse` in the top level",
                  "did you mean `mandates`?"));
}

}  // namespace
}  // namespace valtuus
