// Active Directory's range retrieval: AD returns at most 1500 values of a multi-valued
// attribute per request (MaxValRange), naming the attribute "memberOf;range=0-1499"; the client
// asks for "memberOf;range=1500-*" and so on until the server answers with an end of "*".
// Samba 4.17 never ranges on its own but honours ranges that the client asks for, which is how
// the tests drive this code against a real server (LdapOptions::range_window).
#pragma once

#include <ldap.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/ldap/ldap_entry.h"
#include "connectors/ldap/ldap_paged_search.h"

namespace valtuus::ldap {

// One attribute description with a range option.
struct RangeTag {
  std::string attribute;              // "memberOf"
  std::uint64_t low = 0;              // index of the first value returned
  std::optional<std::uint64_t> high;  // index of the last; nullopt for "*": no more values
  friend bool operator==(const RangeTag&, const RangeTag&) = default;
};

// Parses "memberOf;range=0-1499" (options are matched without regard to case, other options
// such as ";binary" may stand before or after). nullopt when there is no range option or it is
// malformed (a high below low, a number that does not fit). Pure.
std::optional<RangeTag> parse_range(std::string_view attribute_description);

// True when some attribute of `entry` came back in ranged form.
bool has_ranges(const RawEntry& entry);
bool has_ranges(const EntryView& entry);

// Fetches the rest of every ranged attribute of `entry` with base searches of entry.dn,
// asking for "<name>;range=<next>-*" (or windows of `window` values when window > 0), until
// the server's answer ends in "*"; then replaces the ranged attribute with the plain name
// holding every value. Returns "" on success, or one line saying why not (the connection or
// the entry went away, or the server answered a range that makes no progress); the entry
// then keeps what was fetched, still in ranged form, so that map_entry flags the field.
// `stop_requested` is asked before each step and while waiting; when it says so, throws
// Cancelled (core/errors.h).
std::string complete_ranges(LDAP* ld, RawEntry& entry, int window, int timeout_s,
                            const std::string& uri, const StopRequested& stop_requested = {});

}  // namespace valtuus::ldap
