#include "connectors/ldap/ldap_session.h"

#include <strings.h>

#include <chrono>
#include <ctime>
#include <set>
#include <utility>

#include "connectors/ldap/ldap_errors.h"
#include "connectors/ldap/ldap_filter.h"
#include "connectors/ldap/ldap_paged_search.h"
#include "connectors/ldap/ldap_range.h"
#include "connectors/ldap/ldap_values.h"

namespace valtuus::ldap {

namespace {

// "YYYYMMDDHHMMSSZ" (GeneralizedTime, UTC), the form modifyTimestamp is compared with.
std::string generalized_time(TimePoint t) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%SZ", &utc);
  return text;
}

// The well-known GUID of AD's Deleted Objects container: the DN form works whatever the
// container is called (its name is not localised today, but the GUID is the documented way).
std::string deleted_objects_dn(const std::string& naming_context) {
  return "<WKGUID=18E2EA80684F11D2B9AA00C04F79F805," + naming_context + ">";
}

// The critical show-deleted control: without it AD hides tombstones, and a server that does not
// know it must refuse rather than silently return none.
ControlPtr show_deleted_control(LDAP* ld) {
  LDAPControl* raw = nullptr;
  const int rc = ldap_control_create(kShowDeletedOid, 1, nullptr, 0, &raw);
  if (rc != LDAP_SUCCESS) throw_ldap_error(ld, rc, "", "creating the show-deleted control");
  return ControlPtr(raw);
}

}  // namespace

std::string employee_filter(const LdapOptions& options) {
  if (options.member_of.empty()) return options.filter;
  return "(&" + options.filter + equality_filter("memberOf", options.member_of) + ")";
}

std::string changes_filter(const std::string& base, const Watermark& since) {
  if (since.kind == Watermark::Kind::usn) {
    const auto usn = parse_int64(since.value);
    const std::string next = usn && *usn >= 0 ? std::to_string(*usn + 1) : since.value;
    return "(&" + base + "(uSNChanged>=" + escape_filter_value(next) + "))";
  }
  if (since.kind == Watermark::Kind::timestamp) {
    return "(&" + base + "(modifyTimestamp>=" + escape_filter_value(since.value) + "))";
  }
  return base;
}

Session::Session(const LdapOptions& options, const BindFunction& bind,
                 std::vector<std::string>& warnings, StopRequested stop_requested)
    : options_(options),
      warnings_(warnings),
      stop_requested_(std::move(stop_requested)),
      ld_(connect_and_bind(options, bind)) {
  std::string error;
  if (auto info = read_server_info(ld_.get(), options_.uri, options_.operation_timeout_s, error,
                                   stop_requested_)) {
    server_ = std::move(*info);
    if (!server_.paged_results) {
      warnings_.push_back("directory " + options_.uri +
                          ": the server does not advertise paged results; reading unpaged, so "
                          "its size limit ends the read as incomplete");
    }
  } else {
    // Without the RootDSE: page anyway (the control is not critical, a server that does not
    // know it ignores it) and offer no watermark.
    server_.paged_results = true;
    warnings_.push_back(error + " (paging regardless; no watermark)");
  }
}

Watermark Session::watermark(TimePoint now) const {
  Watermark w;
  if (server_.has_usn()) {
    w.kind = Watermark::Kind::usn;
    w.value = std::to_string(*server_.highest_committed_usn);
    w.server = server_.ds_service_name + "|" + server_.invocation_id;
  } else {
    w.kind = Watermark::Kind::timestamp;
    w.value = generalized_time(now - std::chrono::seconds(options_.clock_skew_margin_s));
    w.server = options_.uri;
  }
  return w;
}

ReadOutcome Session::read_employees(const std::string& filter, std::vector<Employee>& out) {
  SearchRequest request;
  request.uri = options_.uri;
  request.filter = filter;
  request.attributes = requested_attributes(options_);
  request.page_size = options_.page_size;
  request.timeout_s = options_.operation_timeout_s;
  request.paged = server_.paged_results;
  request.stop_requested = stop_requested_;

  ReadOutcome result;
  EntryMapper mapper(options_);
  for (const auto& base : options_.bases) {
    request.base = base;
    // Entries with ranged values wait until the base's search is over: the follow-up
    // searches then do not interleave with the pages on the connection.
    std::vector<RawEntry> ranged;
    std::size_t found = 0;
    const auto map = [&](const EntryView& entry) {
      if (mapper.map(entry, out, warnings_, result.refused)) ++found;
    };
    const SearchOutcome outcome = paged_search(ld_.get(), request, [&](const EntryView& entry) {
      if (has_ranges(entry)) {
        ranged.push_back(entry.to_raw());
      } else {
        map(entry);
      }
    });
    EntryView view;
    for (auto& entry : ranged) {
      if (!outcome.connection_lost) {
        const std::string failure =
            complete_ranges(ld_.get(), entry, options_.range_window, options_.operation_timeout_s,
                            options_.uri, stop_requested_);
        // An employee whose groups could not all be read makes the read incomplete: a
        // missing group must not look like a removed one.
        if (!failure.empty()) result.reasons.push_back(failure);
      }
      view.assign(entry);
      map(view);
    }
    if (!outcome.complete) {
      result.reasons.push_back(outcome.reason);
      // A lost connection fails every later base too; other failures (a missing base, a size
      // limit) concern one base: read the others for what they hold.
      if (outcome.connection_lost) {
        result.connection_lost = true;
        break;
      }
    } else if (found == 0) {
      warnings_.push_back("directory " + options_.uri + ": base " + base +
                          ": no employees found (check the base, the filter and the account's "
                          "read rights)");
    }
  }
  return result;
}

ReadOutcome Session::read_deleted_keys(std::uint64_t min_usn, std::vector<std::string>& keys) {
  ReadOutcome result;
  std::set<std::string> contexts;
  for (const auto& base : options_.bases) {
    const std::string nc = naming_context_of(base, server_.naming_contexts);
    if (nc.empty()) {
      result.reasons.push_back("directory " + options_.uri + ": base " + base +
                               " is in no naming context of the server: deletions not read");
    } else {
      contexts.insert(nc);
    }
  }
  const ControlPtr show_deleted = show_deleted_control(ld_.get());
  SearchRequest request;
  request.uri = options_.uri;
  request.filter = "(&(isDeleted=TRUE)(objectClass=user)(uSNChanged>=" +
                   escape_filter_value(std::to_string(min_usn)) + "))";
  // Tombstones keep objectGUID and sAMAccountName, but not most attributes (employeeID):
  // with another key attribute the key may be missing, which the loop reports.
  request.attributes = {options_.key_attribute, "objectGUID"};
  request.page_size = options_.page_size;
  request.timeout_s = options_.operation_timeout_s;
  request.paged = server_.paged_results;
  request.controls = {show_deleted.get()};
  request.stop_requested = stop_requested_;
  const bool guid_key = strcasecmp(options_.key_attribute.c_str(), "objectGUID") == 0;
  for (const auto& nc : contexts) {
    request.base = deleted_objects_dn(nc);
    const SearchOutcome outcome = paged_search(ld_.get(), request, [&](RawEntry&& entry) {
      const auto* values = entry.find(options_.key_attribute);
      std::string key;
      if (values != nullptr && !values->empty()) {
        key = guid_key ? format_object_guid(values->front()) : values->front();
      }
      if (key.empty() || !acceptable_value(key)) {
        result.reasons.push_back("directory " + options_.uri + ": the deleted entry " + entry.dn +
                                 " kept no " + options_.key_attribute +
                                 ": who left shows only in a full read");
        return;
      }
      keys.push_back(std::move(key));
    });
    if (!outcome.complete) {
      result.reasons.push_back(outcome.reason);
      if (outcome.connection_lost) {
        result.connection_lost = true;
        break;
      }
    }
  }
  return result;
}

}  // namespace valtuus::ldap
