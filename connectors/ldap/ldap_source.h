// The DirectorySource (core/directory_source.h) over LDAP: Active Directory, or any server with
// AD's attribute names.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "common/backoff.h"
#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_options.h"
#include "connectors/ldap/ldap_paged_search.h"
#include "core/directory_changes.h"
#include "core/directory_source.h"
#include "core/employee.h"

namespace valtuus {

// What LdapDirectorySource needs from the outside world to wait between attempts; tests
// replace it to run without sleeping and with known random numbers.
struct RetryEnvironment {
  Backoff::Uniform uniform = system_uniform();
  // Empty: sleeps in slices of at most kStopCheckMs, ending early on a stop (set_stop). A
  // replacement should also return early on a stop: the source asks again when it returns.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// Reads employees from a directory over LDAP: one connection per attempt (connect, TLS, bind,
// RootDSE, a paged search of each base, unbind), so a server restart or a rotated password
// between reads needs nothing special. A transient failure (connect, bind, or a connection
// lost mid-read) is retried up to options.retries times on a new connection after an
// exponential backoff with jitter; the read then starts again from the beginning.
// A read can be stopped from outside (set_stop): it then throws Cancelled promptly, whether it
// waits for the server or between attempts. Not thread-safe: one read at a time (the stop
// function runs on the reading thread; what it reads, another thread may set: an atomic).
class LdapDirectorySource : public DirectorySource {
 public:
  // Throws ConfigError if `options` are invalid (see validate in ldap_options.h).
  explicit LdapDirectorySource(LdapOptions options, RetryEnvironment environment = {});

  // The snapshot is complete only if every page of every base ended in success, every ranged
  // attribute was read to its end, and the count is plausible. Entries without a usable key,
  // account or DN are skipped; they and every refused value are in Snapshot::refused (and
  // last_warnings()).
  FullRead read_full(const ReadHints& hints) override;

  // AD: employees with uSNChanged above the watermark, and users deleted since (tombstones;
  // the account needs List Contents on CN=Deleted Objects, else none show: deletions then
  // appear in full reads only). OpenLDAP: employees with modifyTimestamp at or after it; no
  // deletions (deletions_read is false).
  DirectoryChanges read_changes(const Watermark& since) override;

  // Replaces the simple bind (e.g. by a SASL GSSAPI bind where Kerberos is set up).
  void set_bind(ldap::BindFunction bind) { bind_ = std::move(bind); }

  // Asked before each attempt, between pages and range-retrieval steps, at least every
  // kStopCheckMs while waiting for the server, and during the waits between attempts. When it
  // returns true the read ends by throwing Cancelled (core/errors.h): no snapshot, not even an
  // incomplete one, so nothing downstream can mistake a stopped read for a result. Connecting
  // and binding are not interrupted: they end within directory.network_timeout and
  // directory.operation_timeout. Empty (the default): never stopped.
  void set_stop(ldap::StopRequested stop_requested) { stop_ = std::move(stop_requested); }

  // Warnings of the last read: skipped entries and partly read values, each naming the
  // entry's DN (never a value), and retries. Cleared at the start of each read.
  const std::vector<std::string>& last_warnings() const { return warnings_; }

  // Connections the last read opened (1 when nothing had to be retried).
  int last_attempts() const { return attempts_; }

 private:
  FullRead read_full_once(const ReadHints& hints, bool& connection_lost);
  DirectoryChanges read_changes_once(const Watermark& since, bool& connection_lost);
  template <typename Result, typename Attempt>
  Result with_retries(Attempt attempt);
  void throw_if_stopped() const;
  void sleep(std::chrono::milliseconds delay);

  LdapOptions options_;
  RetryEnvironment environment_;
  ldap::BindFunction bind_;
  ldap::StopRequested stop_;
  std::vector<std::string> warnings_;
  int attempts_ = 0;
};

}  // namespace valtuus
