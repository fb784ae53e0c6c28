// The directory read's faster mapping (EntryMapper over EntryView, parent_ou_plain, the one-pass
// value_problem) gives what the mapping before it gave (ldap_entry_reference.h) for random
// entries built from the values that matter: bad UTF-8, control characters, surrounding
// spaces, ranged and duplicated attributes, names in any case, DNs in every form. A refused
// value must stay refused with the same reason: it is never evidence that a person left.
#include <gtest/gtest.h>
#include <lber.h>

#include <random>
#include <string>
#include <vector>

#include "connectors/ldap/ldap_entry.h"
#include "connectors/ldap/ldap_paged_search.h"
#include "connectors/ldap/ldap_values.h"
#include "tests/connectors/ldap/ldap_entry_reference.h"

namespace valtuus::ldap {
namespace {

class Random {
 public:
  explicit Random(std::uint32_t seed) : engine_(seed) {}
  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine_);
  }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& from) {
    return from[below(from.size())];
  }

 private:
  std::mt19937 engine_;
};

const std::vector<std::string> kRdnTypes = {"cn",  "CN",  "ou",  "OU",       "Ou",
                                            "dc",  "o",   "uid", "2.5.4.11", "ou1",
                                            "o-u", "1ou", "",    "o u",      "ou;x"};
const std::vector<std::string> kRdnValues = {"people",
                                             "Sosiaali- ja terveys",
                                             "Ympäristö",
                                             "Välfärd och hälsa",
                                             "a\\,b",
                                             "a\\2Cb",
                                             "#0403",
                                             "#04026869",
                                             "\"quoted\"",
                                             "x+y",
                                             "x;y",
                                             " lead",
                                             "trail ",
                                             "a=b",
                                             "\xC3",
                                             "\xC2\x85",
                                             "a#b",
                                             "<x>",
                                             "",
                                             "\t",
                                             "a\\",
                                             "Virtanen\\, Matti",
                                             "\\C3\\A4",
                                             "\xE2\x80\xA8",
                                             "a b",
                                             "\xF0\x9F\x98\x80",
                                             "x\x01y",
                                             "\x7f",
                                             "a\\ ",
                                             "\\#x",
                                             "\xED\xA0\x80",
                                             "\xC0\xAF",
                                             "ou=x"};
const std::vector<std::string> kRdnSeparators = {",", ",", ",", ", ", ";", "+", " ,"};

std::string random_dn(Random& r) {
  std::string dn;
  const std::size_t rdns = 1 + r.below(5);
  for (std::size_t i = 0; i < rdns; ++i) {
    if (i > 0) dn += r.chance(85) ? std::string(",") : r.pick(kRdnSeparators);
    dn += r.chance(70) ? (r.chance(50) ? std::string("ou") : std::string("cn")) : r.pick(kRdnTypes);
    dn += r.chance(95) ? "=" : " = ";
    dn += r.chance(60) ? std::string("plain ") + std::to_string(r.below(50)) : r.pick(kRdnValues);
  }
  if (r.chance(3)) dn += ",";
  if (r.chance(2)) dn = "";
  return dn;
}

TEST(ParentOuPlain, AgreesWithLibldapOnRandomDns) {
  Random r(20261207);
  std::size_t plain = 0;
  for (int i = 0; i < 200000; ++i) {
    const std::string dn = random_dn(r);
    const auto fast = parent_ou_plain(dn);
    const std::string full = parent_ou_full(dn);
    if (fast) {
      ++plain;
      ASSERT_EQ(std::string(*fast), full) << dn;
    }
    ASSERT_EQ(parent_ou(dn), full) << dn;
  }
  // The fast path must carry most of the work, or it is no use.
  EXPECT_GT(plain, 30000u);
}

TEST(ParentOuPlain, TakesThePlainFormsAndLeavesTheRest) {
  EXPECT_EQ(parent_ou_plain("cn=u000001,ou=people,dc=valtuus,dc=test"), "people");
  EXPECT_EQ(parent_ou_plain("CN=Matti,CN=Users,OU=Leavers,DC=x"), "Leavers");
  EXPECT_EQ(parent_ou_plain("CN=a,OU=Välfärd och hälsa,DC=x"), "Välfärd och hälsa");
  EXPECT_EQ(parent_ou_plain("CN=Matti,CN=Users,DC=x"), "");
  EXPECT_EQ(parent_ou_plain("OU=Self,DC=x"), "");
  for (const char* other :
       {"CN=Virtanen\\, Matti,OU=Staff,DC=x", "CN=a,CN=b+OU=Mixed,DC=x", "CN=a, OU=b,DC=x",
        "CN=a,OU=#0403,DC=x", "CN=a,OU= b,DC=x", "", "this is not a dn", "CN=a,OU=\xC3,DC=x",
        "CN=a,OU=b,", "2.5.4.3=a,OU=b"}) {
    EXPECT_EQ(parent_ou_plain(other), std::nullopt) << other;
  }
}

std::string random_bytes(Random& r) {
  static const std::vector<std::string> kPieces = {"a",
                                                   "Z",
                                                   " ",
                                                   "~",
                                                   "ä",
                                                   "Ö",
                                                   "\xC2\x85",
                                                   "\xC2\x9F",
                                                   "\xC2\xA0",
                                                   "\x01",
                                                   "\x1f",
                                                   "\x7f",
                                                   "\xC3",
                                                   "\x80",
                                                   "\xE2\x82\xAC",
                                                   "\xED\xA0\x80",
                                                   "\xF0\x9F\x98\x80",
                                                   "\xF4\x90\x80\x80",
                                                   "\xC0\xAF",
                                                   "\xE0\x80\x80",
                                                   "\t",
                                                   "\n",
                                                   "abcdefgh",
                                                   "12345678"};
  std::string out;
  const std::size_t n = r.below(24);
  for (std::size_t i = 0; i < n; ++i) out += r.pick(kPieces);
  if (r.chance(2)) out = std::string(4090 + r.below(12), 'x') + out;
  return out;
}

TEST(ValueProblem, OnePassGivesTheReasonsOfTheTwoPasses) {
  Random r(7);
  for (int i = 0; i < 300000; ++i) {
    const std::string value = random_bytes(r);
    ASSERT_EQ(value_problem(value), reference::value_problem(value)) << value;
  }
}

// Random entries: every attribute the mapping reads, in any order and case, sometimes twice,
// ranged, empty or missing, with values good and bad.
const std::string kGuid = "\xC9\x8B\x91\x35\x6D\x19\xEA\x40\x97\x79\x88\x9D\x79\xB7\x53\xF0";

std::string random_text(Random& r) {
  static const std::vector<std::string> kTexts = {"Kristiina",
                                                  "Äijälä",
                                                  "  Virtanen\t",
                                                  "\xC2\xA0Sosiaali\xE2\x80\x83",
                                                  "",
                                                  " ",
                                                  "Elinkeinoasiat",
                                                  "Tekninen toimi",
                                                  "a\x01"
                                                  "b",
                                                  "\xC3",
                                                  "\xC2\x85x",
                                                  "x\x7f",
                                                  "131052-308T",
                                                  std::string(4097, 'y'),
                                                  std::string(4096, 'y'),
                                                  "pitkä vapaa",
                                                  "ok"};
  return r.chance(70) ? r.pick(kTexts) : random_bytes(r);
}

std::vector<std::string> values_for(Random& r, const std::string& kind) {
  std::vector<std::string> values;
  const std::size_t n = r.chance(5) ? 0 : r.chance(80) ? 1 : 1 + r.below(3);
  for (std::size_t i = 0; i < n; ++i) {
    if (kind == "guid") {
      values.push_back(r.chance(85) ? kGuid
                                    : kGuid.substr(0, r.below(17)) + (r.chance(50) ? "xx" : ""));
    } else if (kind == "int") {
      static const std::vector<std::string> kInts = {"512",
                                                     "514",
                                                     "0",
                                                     "-1",
                                                     "+2",
                                                     "abc",
                                                     "",
                                                     "9223372036854775807",
                                                     "133827552000000000",
                                                     "99999999999999999999",
                                                     " 512"};
      values.push_back(r.pick(kInts));
    } else if (kind == "dn") {
      static const std::vector<std::string> kManagers = {"CN=Boss,OU=Staff,DC=porvoo,DC=fi",
                                                         "CN=Boss 2,OU=Staff,DC=porvoo,DC=fi",
                                                         "cn=Virtanen\\, Matti,ou=x",
                                                         "not a dn",
                                                         "CN=a\\zz,DC=x",
                                                         "",
                                                         "  CN=Boss,OU=Staff,DC=porvoo,DC=fi "};
      values.push_back(r.pick(kManagers));
    } else if (kind == "lang") {
      static const std::vector<std::string> kLanguages = {"fi", "sv-FI", "EN_us", "de",
                                                          "",   "SV",    "f\x01", "fi-"};
      values.push_back(r.pick(kLanguages));
    } else if (kind == "groups") {
      static const std::vector<std::string> kGroups = {"CN=A,OU=Groups,DC=porvoo,DC=fi",
                                                       "CN=B,OU=Groups,DC=porvoo,DC=fi",
                                                       "cn=kaikki,ou=groups", "CN=\x01", "\xC3"};
      values.push_back(r.pick(kGroups));
    } else {
      values.push_back(random_text(r));
    }
  }
  return values;
}

std::string random_case(Random& r, std::string name) {
  if (r.chance(70)) return name;
  for (char& c : name) {
    if (r.chance(50)) c = static_cast<char>(r.chance(50) ? std::toupper(c) : std::tolower(c));
  }
  return name;
}

RawEntry random_entry(Random& r, const LdapOptions& o) {
  static const std::vector<std::pair<std::string, std::string>> kAttributes = {
      {"objectGUID", "guid"},
      {"employeeID", "text"},
      {"sAMAccountName", "text"},
      {"givenName", "text"},
      {"sn", "text"},
      {"displayName", "text"},
      {"mail", "text"},
      {"department", "text"},
      {"title", "text"},
      {"manager", "dn"},
      {"preferredLanguage", "lang"},
      {"memberOf", "groups"},
      {"userAccountControl", "int"},
      {"accountExpires", "int"},
      {"extensionAttribute1", "text"},
      {"valtuusIdentityCode", "text"},
      {"cn", "text"},
      {"objectClass", "text"}};
  RawEntry e;
  e.dn = r.chance(90) ? "CN=x" + std::to_string(r.below(1000)) + ",OU=Staff,DC=porvoo,DC=fi"
                      : random_dn(r);
  if (r.chance(3)) e.dn += "\x01";
  for (const auto& [name, kind] : kAttributes) {
    const bool required = name == "sAMAccountName" || name == o.key_attribute;
    if (!r.chance(required ? 97 : 80)) continue;
    std::string description = random_case(r, name);
    if (r.chance(5)) description += r.chance(70) ? ";range=0-1" : ";binary";
    e.attributes.emplace_back(description, values_for(r, kind));
    if (r.chance(3)) e.attributes.emplace_back(random_case(r, name), values_for(r, kind));
  }
  // Shuffled now and then; mostly the same order, as a server sends it.
  if (r.chance(20)) {
    for (std::size_t i = e.attributes.size(); i > 1; --i) {
      std::swap(e.attributes[i - 1], e.attributes[r.below(i)]);
    }
  }
  return e;
}

std::vector<LdapOptions> option_sets() {
  std::vector<LdapOptions> sets;
  sets.emplace_back();  // AD's defaults
  LdapOptions o;
  o.long_leave_attribute = "extensionAttribute1";
  o.identity_code_attribute = "valtuusIdentityCode";
  sets.push_back(o);
  o.key_attribute = "EMPLOYEEID";
  o.attributes.display_name = "cn";
  o.attributes.mail = "SN";  // two fields from one attribute
  o.attributes.language.clear();
  o.attributes.manager.clear();
  sets.push_back(o);
  LdapOptions bare;
  bare.attributes.groups.clear();
  bare.attributes.account_control.clear();
  bare.attributes.account_expires.clear();
  bare.attributes.department = "memberOf";  // a multi-valued attribute read as single
  sets.push_back(bare);
  return sets;
}

void expect_same(const MappedEntry& expected, const std::optional<Employee>& employee,
                 const std::vector<std::string>& warnings, const std::vector<RefusedValue>& refused,
                 const RawEntry& entry) {
  SCOPED_TRACE(entry.dn);
  ASSERT_EQ(expected.employee.has_value(), employee.has_value());
  EXPECT_EQ(expected.warnings, warnings);
  ASSERT_EQ(expected.refused.size(), refused.size());
  for (std::size_t i = 0; i < refused.size(); ++i) {
    EXPECT_EQ(expected.refused[i].dn, refused[i].dn);
    EXPECT_EQ(expected.refused[i].key, refused[i].key);
    EXPECT_EQ(expected.refused[i].account, refused[i].account);
    EXPECT_EQ(expected.refused[i].field, refused[i].field);
    EXPECT_EQ(expected.refused[i].reason, refused[i].reason);
  }
  if (!employee) return;
  const Employee& a = *expected.employee;
  const Employee& b = *employee;
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.account, b.account);
  EXPECT_EQ(a.dn, b.dn);
  EXPECT_EQ(a.given_name, b.given_name);
  EXPECT_EQ(a.surname, b.surname);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.mail, b.mail);
  EXPECT_EQ(a.department, b.department);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.ou, b.ou);
  EXPECT_EQ(a.groups, b.groups);
  EXPECT_EQ(a.manager, b.manager);
  EXPECT_EQ(a.preferred_language, b.preferred_language);
  EXPECT_EQ(a.disabled, b.disabled);
  EXPECT_EQ(a.account_expires, b.account_expires);
  EXPECT_EQ(a.long_leave_marker, b.long_leave_marker);
  EXPECT_EQ(a.identity_code, b.identity_code);
  EXPECT_EQ(a.bad_fields, b.bad_fields);
}

// One mapper for a whole stream of entries, as a read uses it: what it remembers between
// entries (attribute positions, managers that parsed) must change nothing.
TEST(EntryMapper, GivesTheReferenceMappingForRandomEntries) {
  constexpr int kEntries = 6000;  // per option set
  Random r(42);
  std::size_t mapped = 0, refused_entries = 0;
  for (const LdapOptions& options : option_sets()) {
    EntryMapper mapper(options);
    EntryView view;
    std::vector<Employee> out;
    for (int i = 0; i < kEntries; ++i) {
      const RawEntry entry = random_entry(r, options);
      const MappedEntry expected = reference::map_entry(entry, options);
      view.assign(entry);
      std::vector<std::string> warnings;
      std::vector<RefusedValue> refused;
      const std::size_t before = out.size();
      const bool appended = mapper.map(view, out, warnings, refused);
      ASSERT_EQ(appended, out.size() == before + 1);
      std::optional<Employee> employee;
      if (appended) employee = out.back();
      expect_same(expected, employee, warnings, refused, entry);
      if (::testing::Test::HasFailure()) return;
      mapped += appended ? 1 : 0;
      refused_entries += refused.empty() ? 0 : 1;
    }
    // map_entry (one mapper per entry) agrees too.
    const RawEntry entry = random_entry(r, options);
    const MappedEntry once = map_entry(entry, options);
    const MappedEntry expected = reference::map_entry(entry, options);
    expect_same(expected, once.employee, once.warnings, once.refused, entry);
  }
  // The worlds exercise both outcomes in bulk.
  const auto total = static_cast<std::size_t>(kEntries) * option_sets().size();
  EXPECT_GT(mapped, total / 4) << total;
  EXPECT_GT(refused_entries, total / 4) << total;
}

}  // namespace
}  // namespace valtuus::ldap

namespace valtuus::ldap {
namespace {

using Attributes = std::vector<std::pair<std::string, std::vector<std::string>>>;

// A search result entry's body (DN and attributes) in BER, as a server encodes it.
std::string encode_entry(const std::string& dn, const Attributes& attributes) {
  BerElement* ber = ber_alloc_t(LBER_USE_DER);
  EXPECT_NE(ber_printf(ber, "{o{", dn.data(), static_cast<ber_len_t>(dn.size())), -1);
  for (const auto& [name, values] : attributes) {
    EXPECT_NE(ber_printf(ber, "{o[", name.data(), static_cast<ber_len_t>(name.size())), -1);
    for (const auto& v : values) {
      EXPECT_NE(ber_printf(ber, "o", v.data(), static_cast<ber_len_t>(v.size())), -1);
    }
    EXPECT_NE(ber_printf(ber, "]}"), -1);
  }
  EXPECT_NE(ber_printf(ber, "}}"), -1);
  berval* flat = nullptr;
  EXPECT_EQ(ber_flatten(ber, &flat), 0);
  std::string out(flat->bv_val, flat->bv_len);
  ber_bvfree(flat);
  ber_free(ber, 1);
  return out;
}

// `bytes` positioned after the DN as ldap_get_dn_ber leaves a message; nullptr if that fails.
BerElement* after_dn(std::string& bytes) {
  if (bytes.empty()) return nullptr;  // ber_init of nothing gives an element liblber cannot read
  berval bv{bytes.size(), bytes.data()};
  BerElement* ber = ber_init(&bv);
  if (ber == nullptr) return nullptr;
  berval dn{0, nullptr};
  ber_len_t length = 0;
  if (ber_scanf(ber, "{ml{", &dn, &length) == LBER_ERROR ||
      ber_set_option(ber, LBER_OPT_REMAINING_BYTES, &length) != LBER_OPT_SUCCESS) {
    ber_free(ber, 1);
    return nullptr;
  }
  return ber;
}

// What ldap_get_attribute_ber gives, attribute by attribute ("{mM}" while bytes remain).
std::optional<Attributes> decode_as_libldap(std::string bytes) {
  BerElement* ber = after_dn(bytes);
  if (ber == nullptr) return std::nullopt;
  Attributes out;
  for (;;) {
    ber_len_t remaining = 0;
    ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &remaining);
    if (remaining == 0) break;
    berval name{0, nullptr};
    berval* values = nullptr;
    ber_len_t size = sizeof(berval);
    if (ber_scanf(ber, "{mM}", &name, &values, &size, ber_len_t{0}) == LBER_ERROR) {
      ber_free(ber, 1);
      return std::nullopt;
    }
    auto& [n, list] =
        out.emplace_back(std::string(name.bv_val, name.bv_len), std::vector<std::string>{});
    for (berval* v = values; v != nullptr && v->bv_val != nullptr; ++v) {
      list.emplace_back(v->bv_val, v->bv_len);
    }
    ber_memfree(values);
  }
  ber_free(ber, 1);
  return out;
}

std::optional<Attributes> decode_as_connector(std::string bytes) {
  BerElement* ber = after_dn(bytes);
  if (ber == nullptr) return std::nullopt;
  EntryView view;
  const bool ok = decode_attributes(ber, view);
  std::optional<Attributes> out;
  if (ok) {
    out.emplace();
    for (const auto& a : view.attributes) {
      auto& [n, list] = out->emplace_back(std::string(a.name), std::vector<std::string>{});
      for (const auto v : view.values_of(a)) list.emplace_back(v);
    }
  }
  ber_free(ber, 1);
  return out;
}

TEST(DecodeAttributes, ReadsWhatLdapGetAttributeBerReads) {
  const Attributes entry = {{"objectGUID", {kGuid}},
                            {"sAMAccountName", {"kaijala"}},
                            {"memberOf", {"CN=A,OU=Groups,DC=x", "CN=B,OU=Groups,DC=x", ""}},
                            {"department", {std::string("a\0b", 3)}},
                            {"description", {}},
                            {"title", {std::string(5000, 't')}}};
  const auto expected = decode_as_libldap(encode_entry("CN=x,OU=y", entry));
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(*expected, entry);
  EXPECT_EQ(decode_as_connector(encode_entry("CN=x,OU=y", entry)), expected);
  EXPECT_EQ(decode_as_connector(encode_entry("CN=x", {})), Attributes{});
}

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

// A broken encoding (bytes changed or cut) is never read as something libldap would not have
// read: either the entry does not decode (the read is then incomplete) or it gives the same.
TEST(DecodeAttributes, BrokenEncodingsGiveNothingLibldapWouldNot) {
  Random r(99);
  std::size_t decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    Attributes entry;
    for (std::size_t a = 0, n = r.below(5); a < n; ++a) {
      entry.emplace_back(r.pick(std::vector<std::string>{"cn", "memberOf", "objectGUID", ""}),
                         values_for(r, r.chance(50) ? "groups" : "text"));
    }
    std::string bytes = encode_entry(random_dn(r), entry);
    for (std::size_t k = 0, n = r.below(4); k < n && !bytes.empty(); ++k) {
      bytes[r.below(bytes.size())] = static_cast<char>(r.below(256));
    }
    if (r.chance(20)) bytes.resize(r.below(bytes.size() + 1));
    const auto ours = decode_as_connector(bytes);
    if (!ours) continue;
    ++decoded;
    ASSERT_EQ(ours, decode_as_libldap(bytes)) << hex(bytes);
  }
  EXPECT_GT(decoded, 1000u);
}

}  // namespace
}  // namespace valtuus::ldap
