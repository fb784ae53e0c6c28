#include "connectors/ldap/ldap_values.h"

#include <ldap.h>

#include <charconv>
#include <limits>

#include "connectors/ldap/ldap_handle.h"

namespace valtuus::ldap {

namespace {

struct DnDeleter {
  void operator()(LDAPDN dn) const { ldap_dnfree(dn); }
};

bool equals_nocase(const berval& bv, std::string_view text) {
  if (bv.bv_len != text.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = bv.bv_val[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != text[i]) return false;
  }
  return true;
}

// Seconds from 1601-01-01 to 1970-01-01 (369 years, 89 of them leap years).
constexpr std::int64_t kEpochOffsetSeconds = 11644473600;
constexpr std::int64_t kTicksPerSecond = 10000000;

}  // namespace

std::string format_object_guid(std::string_view bytes) {
  if (bytes.size() != 16) return {};
  // Byte order of the printed form: Data1 (4 bytes LE), Data2 (2 LE), Data3 (2 LE), Data4 (8).
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    const auto b = static_cast<unsigned char>(bytes[static_cast<std::size_t>(kOrder[i])]);
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::string parent_ou(std::string_view dn) {
  // libldap's parser handles RFC 4514 escapes (\, \2C), quoting and multi-valued RDNs.
  const std::string text(dn);
  LDAPDN parsed = nullptr;
  if (ldap_str2dn(text.c_str(), &parsed, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS) return {};
  std::unique_ptr<LDAPRDN, DnDeleter> owner(parsed);
  if (parsed == nullptr || parsed[0] == nullptr) return {};
  for (int r = 1; parsed[r] != nullptr; ++r) {  // r = 0 is the entry's own RDN
    for (int a = 0; parsed[r][a] != nullptr; ++a) {
      const LDAPAVA* ava = parsed[r][a];
      if ((ava->la_flags & LDAP_AVA_BINARY) != 0) continue;
      if (equals_nocase(ava->la_attr, "ou")) {
        return std::string(ava->la_value.bv_val, ava->la_value.bv_len);
      }
    }
  }
  return {};
}

std::optional<TimePoint> ad_ticks_to_time(std::int64_t ticks) {
  if (ticks <= 0 || ticks == std::numeric_limits<std::int64_t>::max()) return std::nullopt;
  const std::int64_t seconds = ticks / kTicksPerSecond - kEpochOffsetSeconds;
  return TimePoint{std::chrono::seconds{seconds}};
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (begin != end && *begin == '+') ++begin;  // from_chars takes '-' but not '+'
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return value;
}

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1, cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2, cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3, cp = c & 0x07u;
    } else {
      return false;  // continuation byte first, overlong lead (c0, c1) or beyond f4
    }
    if (i + static_cast<std::size_t>(extra) >= text.size()) return false;  // truncated
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

std::optional<std::string> value_problem(std::string_view text) {
  if (text.size() > kMaxValueBytes) {
    return "longer than " + std::to_string(kMaxValueBytes) + " bytes (" +
           std::to_string(text.size()) + ")";
  }
  if (!valid_utf8(text)) return "not valid UTF-8";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    // C1 controls U+0080..U+009F are encoded as c2 80 .. c2 9f.
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return "contains a control character";
    }
  }
  return std::nullopt;
}

bool acceptable_value(std::string_view text) {
  return !value_problem(text);
}

}  // namespace valtuus::ldap
