// One authenticated connection to the directory and the reads made over it: employees under
// the configured bases (paged when the server pages, ranged values fetched whole, entries
// mapped to Employees) and, on AD, the keys of deleted users. LdapDirectorySource opens one
// Session per attempt. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_options.h"
#include "connectors/ldap/ldap_paged_search.h"
#include "connectors/ldap/ldap_root_dse.h"
#include "core/directory_changes.h"

namespace valtuus::ldap {

// How a read over a session ended. Complete when `reasons` is empty.
struct ReadOutcome {
  std::vector<std::string> reasons;     // one line each, naming the server and the base
  bool connection_lost = false;         // a retry on a new connection may succeed
  std::vector<RefusedValue> refused{};  // values and entries map_entry refused (Snapshot::refused)
};

class Session {
 public:
  // Connects, binds with `bind` and reads the RootDSE. Throws ConfigError or TransientError
  // (ldap_handle.h). `warnings` outlives the session and collects its warnings.
  // `stop_requested` is asked while the session's searches wait (see SearchRequest); when it
  // says so they throw Cancelled (core/errors.h). Connect and bind are bounded by the network
  // and operation timeouts only.
  Session(const LdapOptions& options, const BindFunction& bind, std::vector<std::string>& warnings,
          StopRequested stop_requested = {});

  const ServerInfo& server() const { return server_; }

  // Where the server's history stands now: AD's highestCommittedUSN as read at connect time
  // (before any search of this session), or, without USNs, `now` less the clock-skew margin.
  Watermark watermark(TimePoint now) const;

  // Every employee matching `filter` under each configured base, appended to `out`. A base
  // that fails is named in the reasons and the others are still read, unless the connection
  // is lost.
  ReadOutcome read_employees(const std::string& filter, std::vector<Employee>& out);

  // Keys of users deleted with uSNChanged >= min_usn, from CN=Deleted Objects of the naming
  // contexts that hold the bases (AD; needs the show-deleted control).
  ReadOutcome read_deleted_keys(std::uint64_t min_usn, std::vector<std::string>& keys);

 private:
  const LdapOptions& options_;
  std::vector<std::string>& warnings_;
  StopRequested stop_requested_;
  SigpipeBlock sigpipe_;  // before ld_: outlives the unbind
  LdapPtr ld_;
  ServerInfo server_;
};

// options.filter, narrowed to members of options.member_of when set. RFC 4515-escaped.
std::string employee_filter(const LdapOptions& options);

// The filter for changes since `since`: (&<base>(uSNChanged>=N+1)) or
// (&<base>(modifyTimestamp>=T)), values escaped. Pure.
std::string changes_filter(const std::string& base, const Watermark& since);

}  // namespace valtuus::ldap
