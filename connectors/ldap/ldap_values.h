// Pure conversions of Active Directory attribute values into the domain's terms. No I/O, no
// clock: each is unit-tested with known values (tests/connectors/ldap/ldap_values_test.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/employee.h"

namespace valtuus::ldap {

// Longest attribute value the connector accepts, in bytes; longer ones are rejected as bad
// data rather than carried into the database and the reviewers' screens.
inline constexpr std::size_t kMaxValueBytes = 4096;

// The 16 bytes of an objectGUID in the form AD tools show:
// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase, with the first three groups read
// little-endian (a Windows GUID struct) and the last two as stored. Returns "" unless
// `bytes` is exactly 16 bytes long.
std::string format_object_guid(std::string_view bytes);

// The value of the first OU RDN of the entry's parent: "CN=Virtanen\, Matti,OU=Sosiaali,
// OU=Staff,DC=x" gives "Sosiaali". Attribute types match without regard to case; escapes are
// decoded. Returns "" when the parent has no OU or the DN does not parse.
std::string parent_ou(std::string_view dn);

// parent_ou for the common plain form only: every RDN a single "type=value" with a type of
// letters, digits and '-' (starting with a letter) and a value that needs no decoding (no
// escape, quote, '+', ',', ';', '<', '>', '=', no leading '#', no surrounding space, no control
// character, valid UTF-8). The value is then a part of `dn` itself ("" when the parent has no
// OU). nullopt when `dn` is not of that form: parent_ou_full decides. Never allocates.
std::optional<std::string_view> parent_ou_plain(std::string_view dn);

// parent_ou by libldap's DN parser (ldap_str2dn), whatever the form: what parent_ou falls back
// to, and the reference that parent_ou_plain is tested against.
std::string parent_ou_full(std::string_view dn);

// An AD time stamp (100-nanosecond ticks since 1601-01-01 UTC, as in accountExpires) as a
// time point truncated to seconds. 0 and 9223372036854775807 both mean "never" and give
// nullopt, as do negative values, which AD does not write.
std::optional<TimePoint> ad_ticks_to_time(std::int64_t ticks);

// The decimal integer in `text` (optionally signed, no spaces); nullopt if it is not one or
// does not fit in 64 bits.
std::optional<std::int64_t> parse_int64(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view text);

// True when `text` is a value the connector keeps: valid UTF-8, at most kMaxValueBytes, and
// free of control characters (C0, DEL and C1), which could hide text in a reviewer's view or
// break a log line.
bool acceptable_value(std::string_view text);

// Why `text` is not acceptable ("contains a control character", "not valid UTF-8", "longer
// than 4096 bytes (65536)"), or nullopt when it is. Never quotes the value.
std::optional<std::string> value_problem(std::string_view text);

}  // namespace valtuus::ldap
