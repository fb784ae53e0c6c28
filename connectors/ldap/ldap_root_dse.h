// What a server says about itself in its RootDSE (RFC 4512 5.1), read once per connection:
// whether it pages (RFC 2696) and shows deleted objects, and, on Active Directory, where its
// history stands (highestCommittedUSN) and which domain controller it is (dsServiceName, and
// the invocationId of that DC's database, which changes when the DC is restored from backup).
#pragma once

#include <ldap.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "connectors/ldap/ldap_entry.h"
#include "connectors/ldap/ldap_paged_search.h"

namespace valtuus::ldap {

inline constexpr const char* kPagedResultsOid = "1.2.840.113556.1.4.319";
inline constexpr const char* kShowDeletedOid = "1.2.840.113556.1.4.417";

struct ServerInfo {
  bool paged_results = false;                          // supportedControl lists kPagedResultsOid
  bool show_deleted = false;                           // supportedControl lists kShowDeletedOid
  std::optional<std::uint64_t> highest_committed_usn;  // AD only
  std::string ds_service_name;                         // AD: DN of the DC's NTDS Settings
  std::string invocation_id;                           // AD: canonical GUID of the DC's database
  std::vector<std::string> naming_contexts;

  // Has update sequence numbers: Active Directory (or Samba's AD DC).
  bool has_usn() const { return highest_committed_usn.has_value(); }
};

// The attributes to ask the RootDSE for (operational ones are not returned unless named).
std::vector<std::string> root_dse_attributes();

// The RootDSE entry as read, in ServerInfo terms (invocation_id stays empty: it lives in the
// dsServiceName entry). Pure.
ServerInfo parse_root_dse(const RawEntry& root);

// The naming context that holds `dn`: the longest of `contexts` that `dn` ends with, compared
// without regard to case ("" if none). Pure.
std::string naming_context_of(const std::string& dn, const std::vector<std::string>& contexts);

// Reads the RootDSE and, on AD, the invocationId. On failure returns nullopt and sets `error`
// to one line naming the server; the caller decides whether it can do without. Throws
// Cancelled (core/errors.h) when `stop_requested` says so while it waits.
std::optional<ServerInfo> read_server_info(LDAP* ld, const std::string& uri, int timeout_s,
                                           std::string& error,
                                           const StopRequested& stop_requested = {});

}  // namespace valtuus::ldap
