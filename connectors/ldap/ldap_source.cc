#include "connectors/ldap/ldap_source.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "common/log.h"
#include "connectors/ldap/ldap_session.h"
#include "connectors/ldap/ldap_values.h"
#include "core/errors.h"

namespace valtuus {

namespace {

std::string join(const std::vector<std::string>& reasons) {
  std::string out;
  for (const auto& r : reasons) {
    if (!out.empty()) out += "; ";
    out += r;
  }
  return out;
}

TimePoint now_seconds() {
  return std::chrono::floor<std::chrono::seconds>(Clock::now());
}

}  // namespace

LdapDirectorySource::LdapDirectorySource(LdapOptions options, RetryEnvironment environment)
    : options_(std::move(options)), environment_(std::move(environment)) {
  validate(options_);
  bind_ = ldap::simple_bind(options_);
}

void LdapDirectorySource::throw_if_stopped() const {
  if (stop_ && stop_()) throw Cancelled("directory " + options_.uri + ": read stopped on request");
}

// A backoff may last minutes (retry_max_delay): in slices, so that a stop ends it.
void LdapDirectorySource::sleep(std::chrono::milliseconds delay) {
  if (environment_.sleep) {
    environment_.sleep(delay);
    return;
  }
  const auto until = std::chrono::steady_clock::now() + delay;
  for (;;) {
    if (stop_ && stop_()) return;
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(ldap::kStopCheckMs), until - now));
  }
}

// Runs `attempt` until it succeeds without losing the connection, or retries run out. A
// TransientError (connect, bind) is rethrown after the last attempt; a lost connection then
// gives the last attempt's incomplete result. ConfigError is never retried: a wrong password
// stays wrong (and retrying could lock the account).
template <typename Result, typename Attempt>
Result LdapDirectorySource::with_retries(Attempt attempt) {
  Backoff backoff({.base = std::chrono::seconds(options_.retry_delay_s),
                   .cap = std::chrono::seconds(options_.retry_max_delay_s),
                   .factor = 2.0,
                   .jitter = 0.5},
                  environment_.uniform);
  std::vector<std::string> retries;
  attempts_ = 0;
  throw_if_stopped();
  for (attempts_ = 1;; ++attempts_) {
    warnings_.clear();
    const bool last = attempts_ > options_.retries;
    std::string failure;
    try {
      bool connection_lost = false;
      Result result = attempt(connection_lost);
      if (!connection_lost || last) {
        warnings_.insert(warnings_.begin(), retries.begin(), retries.end());
        return result;
      }
      failure = "connection lost during the read";
    } catch (const TransientError& e) {
      if (last) throw;
      failure = e.what();
    }
    const auto delay = backoff.next_delay();
    retries.push_back("attempt " + std::to_string(attempts_) + " failed (" + failure +
                      "); retried after " + std::to_string(delay.count()) + " ms");
    // Logged now, not only with the read's result: a read that keeps failing may take minutes
    // of backoff, and the operator should see why while it happens.
    log_warning("directory " + options_.uri + ": attempt " + std::to_string(attempts_) + " of " +
                std::to_string(options_.retries + 1) + " failed (" + failure + "); retrying in " +
                std::to_string(delay.count()) + " ms");
    sleep(delay);
    throw_if_stopped();
  }
}

FullRead LdapDirectorySource::read_full(const ReadHints& hints) {
  return with_retries<FullRead>([&](bool& lost) { return read_full_once(hints, lost); });
}

DirectoryChanges LdapDirectorySource::read_changes(const Watermark& since) {
  return with_retries<DirectoryChanges>([&](bool& lost) { return read_changes_once(since, lost); });
}

FullRead LdapDirectorySource::read_full_once(const ReadHints& hints, bool& connection_lost) {
  FullRead read;
  Snapshot& snapshot = read.snapshot;
  snapshot.source = options_.uri;
  // The time the read began: every value in the snapshot was current at or after it.
  snapshot.read_at = now_seconds();
  ldap::Session session(options_, bind_, warnings_, stop_);
  // Taken before the first search: whatever changes during the read is after it.
  read.watermark = session.watermark(snapshot.read_at);
  // Room for the last complete read and some growth: a vector that doubles while it fills
  // holds a large directory twice for a moment.
  if (hints.last_complete_count) {
    snapshot.employees.reserve(*hints.last_complete_count + *hints.last_complete_count / 32 + 64);
  }
  ldap::ReadOutcome outcome =
      session.read_employees(ldap::employee_filter(options_), snapshot.employees);
  connection_lost = outcome.connection_lost;
  snapshot.refused = std::move(outcome.refused);
  if (outcome.reasons.empty()) {
    if (auto implausible = implausible_count(snapshot.employees.size(), hints)) {
      outcome.reasons.push_back("directory " + options_.uri + ": " + *implausible);
    }
  }
  snapshot.complete = outcome.reasons.empty();
  snapshot.incomplete_reason = join(outcome.reasons);
  return read;
}

DirectoryChanges LdapDirectorySource::read_changes_once(const Watermark& since,
                                                        bool& connection_lost) {
  DirectoryChanges changes;
  changes.since = since;
  changes.source = options_.uri;
  changes.read_at = now_seconds();
  ldap::Session session(options_, bind_, warnings_, stop_);
  const Watermark current = session.watermark(changes.read_at);
  const bool usn = current.kind == Watermark::Kind::usn;
  const auto since_usn = ldap::parse_int64(since.value);
  if (since.kind != current.kind || since.server != current.server ||
      (usn && (!since_usn || *since_usn < 0))) {
    changes.watermark_reset = true;
    changes.incomplete_reason = since.empty() ? "no watermark: a full read is needed"
                                              : "the watermark is from " + since.server +
                                                    ", this server is " + current.server +
                                                    ": a full read is needed";
    return changes;
  }
  changes.next = current;
  ldap::ReadOutcome outcome = session.read_employees(
      ldap::changes_filter(ldap::employee_filter(options_), since), changes.changed);
  changes.refused = std::move(outcome.refused);
  if (usn && !outcome.connection_lost) {
    if (session.server().show_deleted) {
      ldap::ReadOutcome deleted = session.read_deleted_keys(
          static_cast<std::uint64_t>(*since_usn) + 1, changes.deleted_keys);
      changes.deletions_read = true;
      outcome.connection_lost = deleted.connection_lost;
      outcome.reasons.insert(outcome.reasons.end(), deleted.reasons.begin(), deleted.reasons.end());
    } else {
      warnings_.push_back("directory " + options_.uri +
                          ": no show-deleted control: deletions show in full reads only");
    }
  }
  connection_lost = outcome.connection_lost;
  changes.complete = outcome.reasons.empty();
  changes.incomplete_reason = join(outcome.reasons);
  return changes;
}

}  // namespace valtuus
