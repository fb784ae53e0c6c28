// A search in pages (RFC 2696 simple paged results), delivering entries as they
// arrive. AD returns at most 1000 entries to an unpaged search, so every read of employees
// pages. Not thread-safe: it owns the handle for the duration of the call.
#pragma once

#include <ldap.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "connectors/ldap/ldap_entry.h"

namespace valtuus::ldap {

// Asked while a read waits; true: stop now (the read throws Cancelled). Empty: never.
using StopRequested = std::function<bool()>;

// How long one wait for the server lasts at most before the stop is asked again.
inline constexpr int kStopCheckMs = 250;

struct SearchRequest {
  std::string uri;  // the server, for messages only
  std::string base;
  std::string filter;
  std::vector<std::string> attributes;
  int page_size = 1000;
  int timeout_s = 60;  // the longest wait for any one message; a stall longer than this fails
  int scope = LDAP_SCOPE_SUBTREE;
  // Page with RFC 2696 (when the RootDSE advertises it). Without paging the server's size
  // limit applies, and hitting it makes the search incomplete (sizeLimitExceeded).
  bool paged = true;
  // Further server controls sent with every page, e.g. AD's show-deleted; not owned.
  std::vector<LDAPControl*> controls;
  // Asked between pages and at least every kStopCheckMs while waiting for the server, so that
  // a stop does not wait for a slow or stalled server's timeout_s.
  StopRequested stop_requested;
};

struct SearchOutcome {
  bool complete = false;         // every page ended in LDAP_SUCCESS
  bool connection_lost = false;  // the handle is unusable: do not send it more operations
  std::string reason;            // why not complete: one line naming the server and the base
  std::size_t entries = 0;       // entries delivered
  std::size_t pages = 0;         // pages finished
};

// The attributes of a search result entry, from `ber` positioned after its DN as
// ldap_get_dn_ber leaves it, appended to `entry` as views into the BER buffer. False when they
// do not decode. For the paged search; declared here for its tests.
bool decode_attributes(BerElement* ber, EntryView& entry);

// Searches request.base, calling on_entry for each entry as it arrives (streaming with
// ldap_result(LDAP_MSG_ONE): faster than waiting for whole pages). Continuation references
// are ignored (referrals are off; AD sends them for other partitions). A server that ignores
// the (non-critical) paging control and answers LDAP_SUCCESS has returned everything.
// Throws ConfigError for a filter libldap cannot parse, Cancelled (core/errors.h) when
// request.stop_requested says so (the search is abandoned), and whatever on_entry throws. Every
// other failure (no such base, size limit, timeout, lost connection) ends the search and is
// reported in the outcome, the entries delivered so far staying delivered.
SearchOutcome paged_search(LDAP* ld, const SearchRequest& request,
                           const std::function<void(RawEntry&&)>& on_entry);

// The same, each entry given as a view into its message (valid during the call only): for the
// employees' read, where copying every name and value first cost more than mapping them.
SearchOutcome paged_search(LDAP* ld, const SearchRequest& request,
                           const std::function<void(const EntryView&)>& on_entry);

}  // namespace valtuus::ldap
