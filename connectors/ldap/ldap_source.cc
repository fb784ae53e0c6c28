#include "connectors/ldap/ldap_source.h"

#include <chrono>
#include <utility>

#include "connectors/ldap/ldap_entry.h"
#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_paged_search.h"

namespace valtuus {

LdapDirectorySource::LdapDirectorySource(LdapOptions options) : options_(std::move(options)) {
  validate(options_);
}

Snapshot LdapDirectorySource::read_all() {
  warnings_.clear();
  Snapshot snapshot;
  snapshot.source = options_.uri;
  // The time the read began: every value in the snapshot was current at or after it.
  snapshot.read_at = std::chrono::floor<std::chrono::seconds>(Clock::now());

  const ldap::LdapPtr ld = ldap::connect_and_bind(options_, ldap::simple_bind(options_));

  ldap::SearchRequest request;
  request.uri = options_.uri;
  request.filter = options_.filter;
  request.attributes = ldap::requested_attributes(options_);
  request.page_size = options_.page_size;
  request.timeout_s = options_.operation_timeout_s;

  const auto on_entry = [&](ldap::RawEntry&& entry) {
    ldap::MappedEntry mapped = ldap::map_entry(entry, options_);
    for (auto& w : mapped.warnings) warnings_.push_back(std::move(w));
    if (mapped.employee) snapshot.employees.push_back(std::move(*mapped.employee));
  };

  std::vector<std::string> reasons;
  for (const auto& base : options_.bases) {
    request.base = base;
    const ldap::SearchOutcome outcome = ldap::paged_search(ld.get(), request, on_entry);
    if (outcome.complete) continue;
    reasons.push_back(outcome.reason);
    // A lost connection fails every later base too; one reason is enough. Other failures
    // (a missing base, a size limit) concern one base: read the others for what they hold.
    if (outcome.connection_lost) break;
  }

  snapshot.complete = reasons.empty();
  for (const auto& r : reasons) {
    if (!snapshot.incomplete_reason.empty()) snapshot.incomplete_reason += "; ";
    snapshot.incomplete_reason += r;
  }
  return snapshot;
}

}  // namespace valtuus
