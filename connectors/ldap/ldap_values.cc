#include "connectors/ldap/ldap_values.h"

#include <ldap.h>

#include <charconv>
#include <cstring>
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

// How many bytes at the start of `text` are, eight at a time, printable ASCII (0x20..0x7e):
// most directory values are wholly so, and need no closer look.
std::size_t printable_ascii_prefix(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101u, kHigh = 0x8080808080808080u;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + i, 8);
    // A byte below 0x20, and a byte equal to 0x7f, each set its high bit here (the usual
    // "has a byte less than n" trick; a borrow can only mark a byte above a real one).
    const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
    const std::uint64_t x = w ^ (kOnes * 0x7f);
    const std::uint64_t del = (x - kOnes) & ~x & kHigh;
    if (((w & kHigh) | below_space | del) != 0) break;
  }
  return i;
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
  char out[36];
  std::size_t o = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
    const auto b = static_cast<unsigned char>(bytes[static_cast<std::size_t>(kOrder[i])]);
    out[o++] = kHex[b >> 4];
    out[o++] = kHex[b & 0xf];
  }
  return std::string(out, sizeof out);
}

std::string parent_ou_full(std::string_view dn) {
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

std::optional<std::string_view> parent_ou_plain(std::string_view dn) {
  // Every DN of a directory read passes here, and almost all are plain: parsing them with
  // ldap_str2dn (a dozen allocations each) cost more than the rest of the entry's mapping.
  const auto alpha = [](unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; };
  const auto digit = [](unsigned char c) { return c >= '0' && c <= '9'; };
  std::optional<std::string_view> found;
  std::size_t i = 0;
  for (int rdn = 0; i <= dn.size(); ++rdn) {
    const std::size_t type_start = i;
    if (i == dn.size() || !alpha(static_cast<unsigned char>(dn[i]))) return std::nullopt;
    while (i < dn.size() && (alpha(static_cast<unsigned char>(dn[i])) ||
                             digit(static_cast<unsigned char>(dn[i])) || dn[i] == '-')) {
      ++i;
    }
    if (i == dn.size() || dn[i] != '=') return std::nullopt;
    const std::string_view type = dn.substr(type_start, i - type_start);
    const std::size_t value_start = ++i;
    bool ascii = true;
    for (; i < dn.size() && dn[i] != ','; ++i) {
      const auto c = static_cast<unsigned char>(dn[i]);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '"' || c == '+' || c == ';' || c == '<' ||
          c == '>' || c == '=') {
        return std::nullopt;
      }
      if (c >= 0x80) ascii = false;
    }
    const std::string_view value = dn.substr(value_start, i - value_start);
    if (value.empty() || value.front() == '#' || value.front() == ' ' || value.back() == ' ') {
      return std::nullopt;
    }
    if (!ascii && !valid_utf8(value)) return std::nullopt;
    if (rdn > 0 && !found && type.size() == 2 && (type[0] | 0x20) == 'o' &&
        (type[1] | 0x20) == 'u') {
      found = value;
    }
    if (i == dn.size()) break;
    ++i;  // the ','
  }
  return found ? found : std::string_view();
}

std::string parent_ou(std::string_view dn) {
  if (const auto plain = parent_ou_plain(dn)) return std::string(*plain);
  return parent_ou_full(dn);
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
  // One pass for both checks (every value of a read passes here). Bad UTF-8 anywhere is the
  // reason given even when a control character comes before it, as valid_utf8 first would.
  bool control = false;
  std::size_t i = printable_ascii_prefix(text);
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      control |= c < 0x20 || c == 0x7f;
      ++i;
      continue;
    }
    int extra = 0;
    std::uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      extra = 1, cp = c & 0x1fu;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2, cp = c & 0x0fu;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3, cp = c & 0x07u;
    } else {
      return "not valid UTF-8";
    }
    if (i + static_cast<std::size_t>(extra) >= text.size()) return "not valid UTF-8";
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((cc & 0xc0) != 0x80) return "not valid UTF-8";
      cp = (cp << 6) | (cc & 0x3fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return "not valid UTF-8";
    }
    control |= cp >= 0x80 && cp <= 0x9f;  // C1 controls
    i += static_cast<std::size_t>(extra) + 1;
  }
  if (control) return "contains a control character";
  return std::nullopt;
}

bool acceptable_value(std::string_view text) {
  return !value_problem(text);
}

}  // namespace valtuus::ldap
