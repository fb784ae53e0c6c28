// The pure parts of range retrieval, the RootDSE and the filters the connector composes.
#include <gtest/gtest.h>

#include "connectors/ldap/ldap_range.h"
#include "connectors/ldap/ldap_root_dse.h"
#include "connectors/ldap/ldap_session.h"

namespace valtuus::ldap {
namespace {

TEST(ParseRange, ReadsLowAndHighOrStar) {
  EXPECT_EQ(parse_range("memberOf;range=0-1499"), (RangeTag{"memberOf", 0, 1499}));
  EXPECT_EQ(parse_range("member;Range=1500-*"), (RangeTag{"member", 1500, std::nullopt}));
  EXPECT_EQ(parse_range("memberOf;binary;range=3000-4499"), (RangeTag{"memberOf", 3000, 4499}));
  EXPECT_EQ(parse_range("memberOf;range=5-5"), (RangeTag{"memberOf", 5, 5}));
}

TEST(ParseRange, RefusesWhatIsNotARange) {
  for (const char* bad :
       {"memberOf", "memberOf;binary", ";range=0-1", "memberOf;range=", "memberOf;range=0",
        "memberOf;range=-5", "memberOf;range=10-2", "memberOf;range=a-*",
        "memberOf;range=0-1;range=2-3", "memberOf;range=0-99999999999999999999999"}) {
    EXPECT_EQ(parse_range(bad), std::nullopt) << bad;
  }
}

TEST(HasRanges, LooksAtEveryAttribute) {
  RawEntry e;
  e.attributes = {{"sAMAccountName", {"x"}}, {"memberOf", {"CN=A"}}};
  EXPECT_FALSE(has_ranges(e));
  e.attributes.push_back({"member;range=0-1499", {"CN=B"}});
  EXPECT_TRUE(has_ranges(e));
}

TEST(RawEntryFind, FindsTheRangedFormAndSaysSo) {
  RawEntry e;
  e.attributes = {{"memberOf;range=0-1499", {"CN=A", "CN=B"}}};
  bool ranged = false;
  const auto* values = e.find("memberof", &ranged);
  ASSERT_NE(values, nullptr);
  EXPECT_TRUE(ranged);
  EXPECT_EQ(values->size(), 2u);
}

TEST(RequestedAttributes, WindowAsksForGroupsInRanges) {
  LdapOptions o;
  o.range_window = 500;
  const auto names = requested_attributes(o);
  EXPECT_NE(std::find(names.begin(), names.end(), "memberOf;range=0-499"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "memberOf"), names.end());
}

TEST(RootDse, ParsesAdCapabilitiesAndUsn) {
  RawEntry root;
  root.attributes = {{"supportedControl", {"1.2.840.113556.1.4.319", "1.2.840.113556.1.4.417"}},
                     {"highestCommittedUSN", {"40123"}},
                     {"dsServiceName",
                      {"CN=NTDS Settings,CN=DC1,CN=Servers,CN=Site,CN=Sites,CN=Configuration,"
                       "DC=ad,DC=example"}},
                     {"namingContexts", {"DC=ad,DC=example", "CN=Configuration,DC=ad,DC=example"}}};
  const ServerInfo info = parse_root_dse(root);
  EXPECT_TRUE(info.paged_results);
  EXPECT_TRUE(info.show_deleted);
  EXPECT_TRUE(info.has_usn());
  EXPECT_EQ(info.highest_committed_usn, 40123u);
  EXPECT_EQ(info.naming_contexts.size(), 2u);
}

TEST(RootDse, OpenLdapHasNoUsnAndMayLackPaging) {
  RawEntry root;
  root.attributes = {{"supportedControl", {"1.3.6.1.4.1.4203.1.9.1.1"}}};
  const ServerInfo info = parse_root_dse(root);
  EXPECT_FALSE(info.paged_results);
  EXPECT_FALSE(info.show_deleted);
  EXPECT_FALSE(info.has_usn());
  EXPECT_FALSE(parse_root_dse(RawEntry{}).has_usn());
}

TEST(NamingContextOf, PicksTheLongestWholeSuffix) {
  const std::vector<std::string> ncs = {"DC=ad,DC=example", "CN=Configuration,DC=ad,DC=example",
                                        "DC=sub,DC=ad,DC=example"};
  EXPECT_EQ(naming_context_of("OU=Staff,DC=ad,DC=example", ncs), "DC=ad,DC=example");
  EXPECT_EQ(naming_context_of("ou=staff,dc=SUB,dc=ad,dc=example", ncs), "DC=sub,DC=ad,DC=example");
  EXPECT_EQ(naming_context_of("DC=ad,DC=example", ncs), "DC=ad,DC=example");
  EXPECT_EQ(naming_context_of("OU=x,DC=bad,DC=example", ncs), "");
  EXPECT_EQ(naming_context_of("OU=x,DC=notad,DC=example", {"DC=ad,DC=example"}), "");
}

TEST(EmployeeFilter, EscapesTheGroupDn) {
  LdapOptions o;
  EXPECT_EQ(employee_filter(o), o.filter);
  o.member_of = "CN=x*)(objectClass=*,OU=Groups,DC=ad";
  EXPECT_EQ(employee_filter(o),
            "(&(&(objectCategory=person)(objectClass=user))"
            "(memberOf=CN=x\\2a\\29\\28objectClass=\\2a,OU=Groups,DC=ad))");
}

TEST(ChangesFilter, UsnIsStrictlyAfterAndTimestampAtOrAfter) {
  const std::string base = "(objectClass=user)";
  EXPECT_EQ(changes_filter(base, {Watermark::Kind::usn, "41", "dc"}),
            "(&(objectClass=user)(uSNChanged>=42))");
  EXPECT_EQ(changes_filter(base, {Watermark::Kind::timestamp, "20260301120000Z", "u"}),
            "(&(objectClass=user)(modifyTimestamp>=20260301120000Z))");
  // A corrupted watermark stays inert inside its own assertion.
  EXPECT_EQ(changes_filter(base, {Watermark::Kind::timestamp, "*)(x=*", "u"}),
            "(&(objectClass=user)(modifyTimestamp>=\\2a\\29\\28x=\\2a))");
}

}  // namespace
}  // namespace valtuus::ldap
