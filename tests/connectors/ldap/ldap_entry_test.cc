#include "connectors/ldap/ldap_entry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

namespace valtuus::ldap {
namespace {

using namespace std::chrono;

// The bytes of Microsoft's documented example GUID 35918bc9-196d-40ea-9779-889d79b753f0.
const std::string kGuidBytes = "\xC9\x8B\x91\x35\x6D\x19\xEA\x40\x97\x79\x88\x9D\x79\xB7\x53\xF0";

RawEntry full_entry() {
  RawEntry e;
  e.dn = "CN=Äijälä Kristiina,OU=Elinkeinoasiat,OU=Staff,DC=porvoo,DC=fi";
  e.attributes = {
      {"objectGUID", {kGuidBytes}},
      {"sAMAccountName", {"kaijala"}},
      {"givenName", {"Kristiina"}},
      {"sn", {"Äijälä"}},
      {"displayName", {"Kristiina Äijälä"}},
      {"mail", {"kristiina.aijala@porvoo.example"}},
      {"department", {"Elinkeinoasiat"}},
      {"title", {"Elinkeinojohtaja"}},
      {"manager", {"CN=Boss,OU=Staff,DC=porvoo,DC=fi"}},
      {"memberOf", {"CN=A,OU=Groups,DC=porvoo,DC=fi", "CN=B,OU=Groups,DC=porvoo,DC=fi"}},
      {"userAccountControl", {"514"}},
      {"accountExpires", {"133827552000000000"}},
      {"extensionAttribute1", {"pitkä vapaa"}},
      {"valtuusIdentityCode", {"131052-308T"}},
  };
  return e;
}

LdapOptions options() {
  LdapOptions o;
  o.long_leave_attribute = "extensionAttribute1";
  o.identity_code_attribute = "valtuusIdentityCode";
  return o;
}

void set(RawEntry& e, const std::string& name, std::vector<std::string> values) {
  for (auto& [attribute, list] : e.attributes) {
    if (attribute == name) {
      list = std::move(values);
      return;
    }
  }
  e.attributes.emplace_back(name, std::move(values));
}

void erase(RawEntry& e, const std::string& name) {
  std::erase_if(e.attributes, [&](const auto& a) { return a.first == name; });
}

TEST(MapEntry, MapsEveryField) {
  const MappedEntry m = map_entry(full_entry(), options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_TRUE(m.warnings.empty());
  const Employee& e = *m.employee;
  EXPECT_EQ(e.key, "35918bc9-196d-40ea-9779-889d79b753f0");
  EXPECT_EQ(e.account, "kaijala");
  EXPECT_EQ(e.dn, "CN=Äijälä Kristiina,OU=Elinkeinoasiat,OU=Staff,DC=porvoo,DC=fi");
  EXPECT_EQ(e.given_name, "Kristiina");
  EXPECT_EQ(e.surname, "Äijälä");
  EXPECT_EQ(e.display_name, "Kristiina Äijälä");
  EXPECT_EQ(e.mail, "kristiina.aijala@porvoo.example");
  EXPECT_EQ(e.department, "Elinkeinoasiat");
  EXPECT_EQ(e.title, "Elinkeinojohtaja");
  EXPECT_EQ(e.manager, "CN=Boss,OU=Staff,DC=porvoo,DC=fi");
  EXPECT_EQ(e.ou, "Elinkeinoasiat");
  EXPECT_EQ(e.groups, (std::vector<SharedText>{"CN=A,OU=Groups,DC=porvoo,DC=fi",
                                               "CN=B,OU=Groups,DC=porvoo,DC=fi"}));
  EXPECT_TRUE(e.disabled);
  EXPECT_EQ(e.account_expires, TimePoint{sys_days{year{2025} / January / 31}});
  EXPECT_EQ(e.long_leave_marker, "pitkä vapaa");
  EXPECT_EQ(e.identity_code, "131052-308T");
  EXPECT_TRUE(e.bad_fields.empty());
}

TEST(MapEntry, AttributeNamesMatchWithoutCase) {
  RawEntry e = full_entry();
  for (auto& [name, values] : e.attributes) {
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
  }
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_EQ(m.employee->account, "kaijala");
  EXPECT_EQ(m.employee->identity_code, "131052-308T");
}

TEST(MapEntry, EnabledAndNeverExpiring) {
  RawEntry e = full_entry();
  set(e, "userAccountControl", {"512"});
  set(e, "accountExpires", {"9223372036854775807"});
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_FALSE(m.employee->disabled);
  EXPECT_FALSE(m.employee->account_expires.has_value());
}

TEST(MapEntry, OptionalAttributesNotConfiguredAreNotRead) {
  const MappedEntry m = map_entry(full_entry(), LdapOptions{});
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_EQ(m.employee->long_leave_marker, "");
  EXPECT_EQ(m.employee->identity_code, "");
}

TEST(MapEntry, EmployeeIdAsKey) {
  RawEntry e = full_entry();
  set(e, "employeeID", {"E1001"});
  LdapOptions o = options();
  o.key_attribute = "employeeID";
  const MappedEntry m = map_entry(e, o);
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_EQ(m.employee->key, "E1001");
}

TEST(MapEntry, MissingKeySkipsWithWarningNamingDn) {
  RawEntry e = full_entry();
  erase(e, "objectGUID");
  const MappedEntry m = map_entry(e, options());
  EXPECT_FALSE(m.employee.has_value());
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find(e.dn), std::string::npos);
  EXPECT_NE(m.warnings[0].find("objectGUID"), std::string::npos);
}

TEST(MapEntry, MalformedGuidSkips) {
  RawEntry e = full_entry();
  set(e, "objectGUID", {"short"});
  EXPECT_FALSE(map_entry(e, options()).employee.has_value());
}

TEST(MapEntry, MissingAccountSkips) {
  RawEntry e = full_entry();
  erase(e, "sAMAccountName");
  const MappedEntry m = map_entry(e, options());
  EXPECT_FALSE(m.employee.has_value());
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("sAMAccountName"), std::string::npos);
}

TEST(MapEntry, BadValuesLeaveFieldEmptyAndAreNamed) {
  RawEntry e = full_entry();
  set(e, "givenName", {"Krist\xE4"});              // Latin-1, not UTF-8
  set(e, "title", {"Johtaja\nrm -rf"});            // control character
  set(e, "department", {std::string(5000, 'x')});  // too long
  set(e, "valtuusIdentityCode", {"131052-308T\x1b"});
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  const Employee& emp = *m.employee;
  EXPECT_EQ(emp.given_name, "");
  EXPECT_EQ(emp.title, "");
  EXPECT_EQ(emp.department, "");
  EXPECT_EQ(emp.identity_code, "");
  EXPECT_EQ(emp.surname, "Äijälä");
  EXPECT_EQ(emp.bad_fields,
            (std::vector<std::string>{"givenName", "department", "title", "valtuusIdentityCode"}));
  for (const auto& w : m.warnings) EXPECT_EQ(w.find("131052"), std::string::npos) << w;
}

TEST(MapEntry, TheManagerIsADnOrRefused) {
  RawEntry e = full_entry();
  set(e, "manager", {R"(CN=Aalto\, Anna \2B Co,OU=Staff,DC=porvoo,DC=fi)"});  // escapes kept
  MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_EQ(m.employee->manager, R"(CN=Aalto\, Anna \2B Co,OU=Staff,DC=porvoo,DC=fi)");
  EXPECT_TRUE(m.refused.empty());
  for (const std::string& bad :
       {std::string("Boss"), std::string("CN=Boss\\zz,DC=x"), std::string("CN=Boss\nX,DC=x")}) {
    set(e, "manager", {bad});
    m = map_entry(e, options());
    ASSERT_TRUE(m.employee.has_value()) << bad;  // the person is read
    EXPECT_EQ(m.employee->manager, "") << bad;
    EXPECT_EQ(m.employee->bad_fields, std::vector<std::string>{"manager"}) << bad;
    ASSERT_EQ(m.refused.size(), 1u) << bad;
    EXPECT_EQ(m.refused[0].field, "manager");
    EXPECT_EQ(m.refused[0].reason.find("Boss"), std::string::npos);  // never the value
  }
}

// What many people share (department, title, OU, manager, language, long-leave value) is kept
// once for all of them; a refused manager DN is not kept at all.
TEST(MapEntry, ValuesPeopleShareAreKeptOnce) {
  RawEntry other = full_entry();
  other.dn = "CN=Virtanen Pia,OU=Elinkeinoasiat,OU=Staff,DC=porvoo,DC=fi";
  set(other, "objectGUID", {"\x01" + kGuidBytes.substr(1)});
  set(other, "sAMAccountName", {"pvirtanen"});
  set(other, "preferredLanguage", {"sv-FI"});
  RawEntry first = full_entry();
  set(first, "preferredLanguage", {"SV"});
  const MappedEntry a = map_entry(first, options()), b = map_entry(other, options());
  ASSERT_TRUE(a.employee && b.employee);
  EXPECT_EQ(&a.employee->department.str(), &b.employee->department.str());
  EXPECT_EQ(&a.employee->title.str(), &b.employee->title.str());
  EXPECT_EQ(&a.employee->ou.str(), &b.employee->ou.str());
  EXPECT_EQ(&a.employee->manager.str(), &b.employee->manager.str());
  EXPECT_EQ(&a.employee->long_leave_marker.str(), &b.employee->long_leave_marker.str());
  EXPECT_EQ(a.employee->preferred_language, "sv");
  EXPECT_EQ(&a.employee->preferred_language.str(), &b.employee->preferred_language.str());

  RawEntry refused = full_entry();
  set(refused, "manager", {"Not a DN, seen only here 7f3a"});
  const std::size_t pooled = SharedText::pooled();
  const MappedEntry m = map_entry(refused, options());
  EXPECT_EQ(m.employee->manager, "");
  EXPECT_EQ(SharedText::pooled(), pooled);
}

TEST(MapEntry, BadGroupValueDroppedOthersKept) {
  RawEntry e = full_entry();
  set(e, "memberOf",
      {"CN=Good,DC=x",
       "CN=B\xFF"
       "ad,DC=x"});
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_EQ(m.employee->groups, std::vector<SharedText>{"CN=Good,DC=x"});
  EXPECT_EQ(m.employee->bad_fields, std::vector<std::string>{"memberOf"});
}

TEST(MapEntry, UnparsableNumbersAreBadFields) {
  RawEntry e = full_entry();
  set(e, "userAccountControl", {"disabled"});
  set(e, "accountExpires", {"-5"});
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_FALSE(m.employee->disabled);
  EXPECT_FALSE(m.employee->account_expires.has_value());
  EXPECT_EQ(m.employee->bad_fields,
            (std::vector<std::string>{"userAccountControl", "accountExpires"}));
}

TEST(MapEntry, RangedMemberOfKeptButFlagged) {
  RawEntry e = full_entry();
  erase(e, "memberOf");
  e.attributes.emplace_back("memberOf;range=0-1499", std::vector<std::string>{"CN=G1,DC=x"});
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_EQ(m.employee->groups, std::vector<SharedText>{"CN=G1,DC=x"});
  EXPECT_EQ(m.employee->bad_fields, std::vector<std::string>{"memberOf"});
  ASSERT_EQ(m.warnings.size(), 1u);
  EXPECT_NE(m.warnings[0].find("range"), std::string::npos);
}

TEST(MapEntry, PreferredLanguageIsFinnishSwedishOrEnglishOrUnknown) {
  auto language = [](std::vector<std::string> values) {
    RawEntry e = full_entry();
    set(e, "preferredLanguage", std::move(values));
    const MappedEntry m = map_entry(e, options());
    EXPECT_TRUE(m.employee->bad_fields.empty());
    return m.employee->preferred_language;
  };
  EXPECT_EQ(map_entry(full_entry(), options()).employee->preferred_language, "");
  EXPECT_EQ(language({"sv"}), "sv");
  EXPECT_EQ(language({"sv-FI"}), "sv");
  EXPECT_EQ(language({"FI"}), "fi");
  EXPECT_EQ(language({"en_GB"}), "en");
  EXPECT_EQ(language({"de-DE"}), "");
  EXPECT_EQ(language({"svenska"}), "");
  LdapOptions o = options();
  o.attributes.language = "extensionAttribute9";  // directory.map.language
  RawEntry e = full_entry();
  set(e, "preferredLanguage", {"sv"});
  set(e, "extensionAttribute9", {"en"});
  EXPECT_EQ(map_entry(e, o).employee->preferred_language, "en");
  o.attributes.language.clear();  // not read
  EXPECT_EQ(map_entry(e, o).employee->preferred_language, "");
}

TEST(RequestedAttributes, FixedSetPlusConfiguredOnesWithoutDuplicates) {
  LdapOptions o = options();
  const auto names = requested_attributes(o);
  for (const char* n :
       {"sAMAccountName", "givenName", "sn", "displayName", "mail", "department", "title",
        "memberOf", "manager", "preferredLanguage", "userAccountControl", "accountExpires",
        "objectGUID", "extensionAttribute1", "valtuusIdentityCode"}) {
    EXPECT_EQ(std::count(names.begin(), names.end(), n), 1) << n;
  }
  o.key_attribute = "samaccountname";
  EXPECT_EQ(requested_attributes(o).size(), names.size() - 1);
}

}  // namespace
}  // namespace valtuus::ldap

namespace valtuus::ldap {
namespace {

bool mentions(const RefusedValue& r, const std::string& text) {
  return r.dn.find(text) != std::string::npos || r.account.find(text) != std::string::npos ||
         r.key.find(text) != std::string::npos || r.reason.find(text) != std::string::npos;
}

TEST(MapEntryRefused, EachRefusedValueIsListedWithEntryFieldAndReasonNeverTheValue) {
  RawEntry e = full_entry();
  set(e, "givenName", {"Krist\xE4"});
  set(e, "title", {"Johtaja\nrm -rf"});
  set(e, "department", {std::string(65536, 'x')});
  set(e, "valtuusIdentityCode", {"131052-308T\x1b"});
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  ASSERT_EQ(m.refused.size(), 4u);
  std::vector<std::string> fields;
  for (const RefusedValue& r : m.refused) {
    fields.push_back(r.field);
    EXPECT_EQ(r.dn, e.dn);
    EXPECT_EQ(r.key, "35918bc9-196d-40ea-9779-889d79b753f0");
    EXPECT_EQ(r.account, "kaijala");
    EXPECT_FALSE(mentions(r, "131052")) << r.reason;
    EXPECT_FALSE(mentions(r, "rm -rf")) << r.reason;
    EXPECT_FALSE(mentions(r, "xxxx")) << r.reason;
  }
  EXPECT_EQ(fields,
            (std::vector<std::string>{"given_name", "department", "title", "identity_code"}));
  EXPECT_EQ(m.refused[0].reason, "givenName: not valid UTF-8");
  EXPECT_EQ(m.refused[1].reason, "department: longer than 4096 bytes (65536)");
  EXPECT_EQ(m.refused[2].reason, "title: contains a control character");
}

TEST(MapEntryRefused, ARefusedAccountRefusesTheEntryButKeepsItsKey) {
  RawEntry e = full_entry();
  set(e, "sAMAccountName", {"kai\x01jala"});
  const MappedEntry m = map_entry(e, options());
  EXPECT_FALSE(m.employee.has_value());
  ASSERT_EQ(m.refused.size(), 1u);
  EXPECT_EQ(m.refused[0].field, "account");
  EXPECT_EQ(m.refused[0].key, "35918bc9-196d-40ea-9779-889d79b753f0");
  EXPECT_EQ(m.refused[0].account, "");
  EXPECT_EQ(m.refused[0].reason, "sAMAccountName: contains a control character");
}

TEST(MapEntryRefused, ARefusedKeyKeepsTheAccount) {
  RawEntry e = full_entry();
  set(e, "objectGUID", {"short"});
  const MappedEntry m = map_entry(e, options());
  EXPECT_FALSE(m.employee.has_value());
  ASSERT_EQ(m.refused.size(), 1u);
  EXPECT_EQ(m.refused[0].field, "key");
  EXPECT_EQ(m.refused[0].key, "");
  EXPECT_EQ(m.refused[0].account, "kaijala");
  EXPECT_EQ(m.refused[0].reason, "objectGUID: not 16 bytes");
}

TEST(MapEntryRefused, SurroundingUnicodeWhiteSpaceIsTrimmedNotRefused) {
  RawEntry e = full_entry();
  set(e, "department", {"\tElinkeinoasiat\xC2\xA0"});
  set(e, "title",
      {"\xE3\x80\x80"
       "Elinkeinojohtaja\r\n"});
  set(e, "sAMAccountName", {"kaijala\t"});
  const MappedEntry m = map_entry(e, options());
  ASSERT_TRUE(m.employee.has_value());
  EXPECT_TRUE(m.refused.empty());
  EXPECT_EQ(m.employee->department, "Elinkeinoasiat");
  EXPECT_EQ(m.employee->title, "Elinkeinojohtaja");
  EXPECT_EQ(m.employee->account, "kaijala");
  // Inside the value a TAB is still a control character.
  set(e, "department", {"Elinkeino\tasiat"});
  const MappedEntry inside = map_entry(e, options());
  ASSERT_EQ(inside.refused.size(), 1u);
  EXPECT_EQ(inside.refused[0].field, "department");
  EXPECT_EQ(inside.employee->department, "");
}

TEST(MapEntryRefused, ADnWithAControlCharacterIsRefusedAndShownEscaped) {
  RawEntry e = full_entry();
  e.dn = "CN=Evil\nInjected: line,OU=Staff,DC=porvoo,DC=fi";
  const MappedEntry m = map_entry(e, options());
  EXPECT_FALSE(m.employee.has_value());
  ASSERT_EQ(m.refused.size(), 1u);
  EXPECT_EQ(m.refused[0].field, "dn");
  EXPECT_EQ(m.refused[0].dn, "CN=Evil\\0AInjected: line,OU=Staff,DC=porvoo,DC=fi");
  for (const auto& w : m.warnings) EXPECT_EQ(w.find('\n'), std::string::npos) << w;
}

}  // namespace
}  // namespace valtuus::ldap
