#include "connectors/ldap/ldap_root_dse.h"

#include <algorithm>
#include <cctype>

#include "connectors/ldap/ldap_paged_search.h"
#include "connectors/ldap/ldap_values.h"

namespace valtuus::ldap {

namespace {

bool ends_with_nocase(const std::string& text, const std::string& suffix) {
  if (suffix.empty() || text.size() < suffix.size()) return false;
  // A whole RDN must match: "OU=x,DC=a,DC=b" ends with "DC=a,DC=b", not with "=b".
  const std::size_t start = text.size() - suffix.size();
  if (start > 0 && text[start - 1] != ',') return false;
  return std::equal(suffix.begin(), suffix.end(), text.begin() + static_cast<long>(start),
                    [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b));
                    });
}

// A base search of one entry; on success calls on_entry for it.
SearchOutcome read_entry(LDAP* ld, const std::string& uri, const std::string& dn,
                         std::vector<std::string> attributes, int timeout_s,
                         const StopRequested& stop_requested,
                         const std::function<void(RawEntry&&)>& on_entry) {
  SearchRequest request;
  request.uri = uri;
  request.base = dn;
  request.scope = LDAP_SCOPE_BASE;
  request.filter = "(objectClass=*)";
  request.attributes = std::move(attributes);
  request.paged = false;
  request.timeout_s = timeout_s;
  request.stop_requested = stop_requested;
  return paged_search(ld, request, on_entry);
}

}  // namespace

std::vector<std::string> root_dse_attributes() {
  return {"supportedControl", "highestCommittedUSN", "dsServiceName", "namingContexts"};
}

ServerInfo parse_root_dse(const RawEntry& root) {
  ServerInfo info;
  if (const auto* controls = root.find("supportedControl")) {
    const auto has = [&](const char* oid) {
      return std::find(controls->begin(), controls->end(), oid) != controls->end();
    };
    info.paged_results = has(kPagedResultsOid);
    info.show_deleted = has(kShowDeletedOid);
  }
  if (const auto* usn = root.find("highestCommittedUSN"); usn != nullptr && !usn->empty()) {
    if (const auto value = parse_int64(usn->front()); value && *value >= 0) {
      info.highest_committed_usn = static_cast<std::uint64_t>(*value);
    }
  }
  if (const auto* name = root.find("dsServiceName"); name != nullptr && !name->empty()) {
    info.ds_service_name = name->front();
  }
  if (const auto* contexts = root.find("namingContexts")) info.naming_contexts = *contexts;
  return info;
}

std::string naming_context_of(const std::string& dn, const std::vector<std::string>& contexts) {
  std::string best;
  for (const auto& c : contexts) {
    if (ends_with_nocase(dn, c) && c.size() > best.size()) best = c;
  }
  return best;
}

std::optional<ServerInfo> read_server_info(LDAP* ld, const std::string& uri, int timeout_s,
                                           std::string& error,
                                           const StopRequested& stop_requested) {
  std::optional<ServerInfo> info;
  SearchOutcome outcome = read_entry(ld, uri, "", root_dse_attributes(), timeout_s, stop_requested,
                                     [&](RawEntry&& e) { info = parse_root_dse(e); });
  if (!outcome.complete || !info) {
    error =
        outcome.complete ? "directory " + uri + ": the RootDSE is not readable" : outcome.reason;
    return std::nullopt;
  }
  if (!info->ds_service_name.empty()) {
    // A restored DC keeps its name but gets a new invocationId: a USN watermark from before the
    // restore would then skip changes, so the watermark's server names both.
    outcome = read_entry(ld, uri, info->ds_service_name, {"invocationId"}, timeout_s,
                         stop_requested, [&](RawEntry&& e) {
                           if (const auto* id = e.find("invocationId"); id && !id->empty()) {
                             info->invocation_id = format_object_guid(id->front());
                           }
                         });
    if (!outcome.complete || info->invocation_id.empty()) {
      error = outcome.complete
                  ? "directory " + uri + ": no invocationId on " + info->ds_service_name
                  : outcome.reason;
      return std::nullopt;
    }
  }
  return info;
}

}  // namespace valtuus::ldap
