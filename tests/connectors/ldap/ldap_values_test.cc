#include "connectors/ldap/ldap_values.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace valtuus::ldap {
namespace {

using namespace std::chrono;

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

TEST(FormatObjectGuid, MatchesWindowsFormOfKnownGuid) {
  // Microsoft's Guid.ToByteArray documentation: 35918bc9-196d-40ea-9779-889d79b753f0 is stored
  // as C9 8B 91 35 6D 19 EA 40 97 79 88 9D 79 B7 53 F0, the layout of AD's objectGUID.
  const std::string raw = bytes({0xC9, 0x8B, 0x91, 0x35, 0x6D, 0x19, 0xEA, 0x40, 0x97, 0x79, 0x88,
                                 0x9D, 0x79, 0xB7, 0x53, 0xF0});
  EXPECT_EQ(format_object_guid(raw), "35918bc9-196d-40ea-9779-889d79b753f0");
}

TEST(FormatObjectGuid, ByteOrderOfEachGroup) {
  const std::string raw = bytes({0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
                                 0x0b, 0x0c, 0x0d, 0x0e, 0x0f});
  EXPECT_EQ(format_object_guid(raw), "03020100-0504-0706-0809-0a0b0c0d0e0f");
}

TEST(FormatObjectGuid, WrongLengthGivesEmpty) {
  EXPECT_EQ(format_object_guid(""), "");
  EXPECT_EQ(format_object_guid(std::string(15, 'x')), "");
  EXPECT_EQ(format_object_guid(std::string(17, 'x')), "");
}

TEST(AdTicksToTime, UnixEpoch) {
  EXPECT_EQ(ad_ticks_to_time(116444736000000000), TimePoint{seconds{0}});
}

TEST(AdTicksToTime, KnownDay) {
  // 2025-01-31T00:00:00Z, as scripts/demo/make-municipality.py writes it.
  const auto expected = sys_days{year{2025} / January / 31};
  EXPECT_EQ(ad_ticks_to_time(133827552000000000), TimePoint{expected});
}

TEST(AdTicksToTime, TruncatesToSeconds) {
  EXPECT_EQ(ad_ticks_to_time(116444736000000000 + 9999999), TimePoint{seconds{0}});
  EXPECT_EQ(ad_ticks_to_time(116444736000000000 + 10000000), TimePoint{seconds{1}});
}

TEST(AdTicksToTime, ZeroAndMaxMeanNever) {
  EXPECT_EQ(ad_ticks_to_time(0), std::nullopt);
  EXPECT_EQ(ad_ticks_to_time(9223372036854775807), std::nullopt);
}

TEST(AdTicksToTime, BeforeUnixEpochStillAPointInTime) {
  // 1601-01-01 plus one second: valid, if odd; not "never".
  const auto t = ad_ticks_to_time(10000000);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->time_since_epoch(), seconds{1 - 11644473600});
}

TEST(ParentOu, FirstOuOfParent) {
  EXPECT_EQ(parent_ou("CN=Matti,OU=Sosiaali,OU=Staff,DC=porvoo,DC=fi"), "Sosiaali");
  EXPECT_EQ(parent_ou("cn=matti,ou=people,dc=valtuus,dc=test"), "people");
}

TEST(ParentOu, SkipsNonOuRdnsOfParent) {
  EXPECT_EQ(parent_ou("CN=Matti,CN=Users,OU=Leavers,DC=x"), "Leavers");
}

TEST(ParentOu, NoOuGivesEmpty) {
  EXPECT_EQ(parent_ou("CN=Matti,CN=Users,DC=x"), "");
  EXPECT_EQ(parent_ou("CN=Matti"), "");
  EXPECT_EQ(parent_ou(""), "");
}

TEST(ParentOu, EntryOwnRdnIsNotItsParent) {
  EXPECT_EQ(parent_ou("OU=Self,DC=x"), "");
}

TEST(ParentOu, DecodesEscapesAndUtf8) {
  EXPECT_EQ(parent_ou("CN=Virtanen\\, Matti,OU=Sosiaali- ja terveys\\2C Ä,DC=x"),
            "Sosiaali- ja terveys, Ä");
  EXPECT_EQ(parent_ou("CN=a,OU=Hyvinvointi\\C3\\A4,DC=x"), "Hyvinvointiä");
  EXPECT_EQ(parent_ou("CN=a,OU=Välfärd och hälsa,DC=x"), "Välfärd och hälsa");
}

TEST(ParentOu, MultiValuedRdn) {
  EXPECT_EQ(parent_ou("CN=a,CN=b+OU=Mixed,DC=x"), "Mixed");
}

TEST(ParentOu, UnparsableGivesEmpty) {
  EXPECT_EQ(parent_ou("this is not a dn"), "");
}

TEST(ParseInt64, Values) {
  EXPECT_EQ(parse_int64("512"), 512);
  EXPECT_EQ(parse_int64("-1"), -1);
  EXPECT_EQ(parse_int64("+2"), 2);
  EXPECT_EQ(parse_int64("9223372036854775807"), 9223372036854775807);
  EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int64(""), std::nullopt);
  EXPECT_EQ(parse_int64("12x"), std::nullopt);
  EXPECT_EQ(parse_int64(" 1"), std::nullopt);
}

TEST(ValidUtf8, AcceptsFinnishAndSwedishAndFourByteForms) {
  EXPECT_TRUE(valid_utf8("Åsa Öhman, Äänekoski"));
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(valid_utf8(""));
}

TEST(ValidUtf8, RejectsMalformed) {
  EXPECT_FALSE(valid_utf8("\xC4"));              // truncated Ä (Latin-1 byte)
  EXPECT_FALSE(valid_utf8("M\xE4kinen"));        // Latin-1 ä
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong, three bytes
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(valid_utf8("\xE2\x82"));          // truncated at the end
}

TEST(AcceptableValue, RejectsControlCharactersAndLongValues) {
  EXPECT_TRUE(acceptable_value("Sosiaali- ja terveystoimi"));
  EXPECT_FALSE(acceptable_value("line\nbreak"));
  EXPECT_FALSE(acceptable_value("tab\there"));
  EXPECT_FALSE(acceptable_value(std::string("nul\0x", 5)));
  EXPECT_FALSE(acceptable_value("del\x7F"));
  EXPECT_FALSE(acceptable_value("c1\xC2\x85"));  // U+0085 NEXT LINE
  EXPECT_TRUE(acceptable_value("nbsp\xC2\xA0ok"));
  EXPECT_TRUE(acceptable_value(std::string(kMaxValueBytes, 'a')));
  EXPECT_FALSE(acceptable_value(std::string(kMaxValueBytes + 1, 'a')));
  EXPECT_FALSE(acceptable_value("M\xE4kinen"));
}

}  // namespace
}  // namespace valtuus::ldap
