// libFuzzer target for the decoders of directory values that come from the server as bytes:
// objectGUID, accountExpires (and any 64-bit integer attribute), range attribute names
// ("memberOf;range=0-1499"), the parent OU of a DN, and the UTF-8 and value checks. The first
// byte picks the decoder, the rest is the value. A hostile or broken server controls all of
// these: no input may crash, hang or give a result that breaks the documented promises.
//
//   ldap_values_fuzz -max_len=8192 corpus/ fuzz/corpus/ldap_values_fuzz
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "connectors/ldap/ldap_range.h"
#include "connectors/ldap/ldap_values.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view value(reinterpret_cast<const char*>(data) + 1, size - 1);
  namespace ldap = valtuus::ldap;
  switch (data[0] % 5) {
    case 0: {  // objectGUID
      const std::string guid = ldap::format_object_guid(value);
      if (value.size() != 16) {
        check(guid.empty());
        break;
      }
      check(guid.size() == 36);
      for (std::size_t i = 0; i < guid.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        check(dash ? guid[i] == '-' : is_lower_hex(guid[i]));
      }
      break;
    }
    case 1: {  // accountExpires: text → integer → time
      const auto ticks = ldap::parse_int64(value);
      if (!ticks) break;
      check(std::to_string(*ticks).size() <= value.size());
      const auto when = ldap::ad_ticks_to_time(*ticks);
      if (*ticks <= 0 || *ticks == INT64_MAX) check(!when.has_value());
      break;
    }
    case 2: {  // range attribute names
      const auto tag = ldap::parse_range(value);
      if (!tag) break;
      check(!tag->attribute.empty());
      check(value.substr(0, tag->attribute.size()) == tag->attribute);
      if (tag->high) check(*tag->high >= tag->low);
      break;
    }
    case 3: {  // DNs: the parent OU; the plain form's shortcut agrees with libldap's parser
      const std::string ou = ldap::parent_ou(value);
      check(ou.size() <= value.size());
      check(ou == ldap::parent_ou_full(value));
      if (const auto plain = ldap::parent_ou_plain(value)) check(*plain == ou);
      break;
    }
    case 4: {  // what the connector keeps
      const bool utf8 = ldap::valid_utf8(value);
      if (ldap::acceptable_value(value)) {
        check(utf8 && value.size() <= ldap::kMaxValueBytes);
        for (unsigned char c : value) check(c >= 0x20 && c != 0x7f);
      }
      break;
    }
  }
  return 0;
}
