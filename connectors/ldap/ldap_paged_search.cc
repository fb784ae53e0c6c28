#include "connectors/ldap/ldap_paged_search.h"

#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "connectors/ldap/ldap_errors.h"
#include "connectors/ldap/ldap_handle.h"
#include "core/errors.h"

namespace valtuus::ldap {

namespace {

// The server's position in the result set, handed back with the next page request.
// libldap allocates the value (ldap_parse_pageresponse_control); we free it.
class Cookie {
 public:
  Cookie() = default;
  Cookie(const Cookie&) = delete;
  Cookie& operator=(const Cookie&) = delete;
  ~Cookie() { clear(); }
  berval* get() { return &value_; }
  bool empty() const { return value_.bv_len == 0; }
  void clear() {
    ber_memfree(value_.bv_val);
    value_ = berval{0, nullptr};
  }

 private:
  berval value_{0, nullptr};
};

}  // namespace

bool decode_attributes(BerElement* ber, EntryView& entry) {
  // What ldap_get_attribute_ber does ("{mM}" for each attribute while bytes remain), without
  // the array of values it allocates for every attribute of every entry: the values are read
  // one by one, in place, as its "M" reads them (ber_get_stringbv, not allocating). Stricter
  // than libldap about lengths: a broken entry never reads as another one.
  for (;;) {
    ber_len_t remaining = 0;
    if (ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &remaining) != LBER_OPT_SUCCESS) {
      return false;
    }
    if (remaining == 0) return true;  // end of the attributes
    // Each attribute a sequence of its name and its set of values, which it holds exactly.
    ber_len_t length = 0, before_name = 0;
    berval name{0, nullptr};
    if (ber_skip_tag(ber, &length) == LBER_DEFAULT ||
        ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &before_name) != LBER_OPT_SUCCESS ||
        ber_get_stringbv(ber, &name, 0) == LBER_DEFAULT) {
      return false;
    }
    // The set of values: they must fill it exactly. An empty set is no error (nor was it for
    // "M"); a set or a value that does not decode, or one that runs past the set's end, is.
    ber_len_t set_length = 0, at_start = 0;
    if (ber_skip_tag(ber, &set_length) == LBER_DEFAULT ||
        ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &at_start) != LBER_OPT_SUCCESS ||
        set_length > at_start) {
      return false;
    }
    const std::size_t first = entry.values.size();
    for (ber_len_t read = 0; read < set_length;) {
      berval value{0, nullptr};
      ber_len_t left = 0;
      if (ber_get_stringbv(ber, &value, 0) == LBER_DEFAULT ||
          ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &left) != LBER_OPT_SUCCESS) {
        return false;
      }
      read = at_start - left;
      if (read > set_length) return false;
      entry.values.emplace_back(value.bv_val, value.bv_len);
    }
    ber_len_t after = 0;
    if (ber_get_option(ber, LBER_OPT_REMAINING_BYTES, &after) != LBER_OPT_SUCCESS ||
        before_name - after != length) {
      return false;
    }
    entry.attributes.push_back(
        {std::string_view(name.bv_val, name.bv_len), first, entry.values.size() - first});
  }
}

namespace {

// False when the message does not decode: the entry is lost, so the read is not complete.
bool decode_entry(LDAP* ld, LDAPMessage* msg, EntryView& entry) {
  entry.clear();
  BerElement* raw_ber = nullptr;
  berval dn{0, nullptr};
  // One pass over the BER encoding: the DN and each attribute point into the message.
  const int rc = ldap_get_dn_ber(ld, msg, &raw_ber, &dn);
  BerPtr ber(raw_ber);
  if (rc != LDAP_SUCCESS) return false;
  entry.dn = std::string_view(dn.bv_val, dn.bv_len);
  return decode_attributes(ber.get(), entry);
}

std::vector<char*> attribute_array(const std::vector<std::string>& names) {
  std::vector<char*> array;
  array.reserve(names.size() + 1);
  for (const auto& n : names) array.push_back(const_cast<char*>(n.c_str()));
  array.push_back(nullptr);
  return array;
}

class PagedSearch {
 public:
  PagedSearch(LDAP* ld, const SearchRequest& request,
              const std::function<void(const EntryView&)>& on_entry)
      : ld_(ld), request_(request), on_entry_(on_entry) {}

  SearchOutcome run() {
    auto attributes = attribute_array(request_.attributes);
    do {
      throw_if_stopped();
      if (!run_page(attributes.data())) return outcome_;
      ++outcome_.pages;
    } while (!cookie_.empty());
    outcome_.complete = true;
    return outcome_;
  }

 private:
  void fail(int rc, const std::string& diagnostic, const std::string& what) {
    outcome_.connection_lost = connection_lost(rc);
    outcome_.reason = "directory " + request_.uri + ": base " + request_.base + ": " + what + ": " +
                      describe(rc, diagnostic) + " (after " + std::to_string(outcome_.entries) +
                      " entries)";
  }

  void throw_if_stopped() const {
    if (request_.stop_requested && request_.stop_requested()) {
      throw Cancelled("directory " + request_.uri + ": base " + request_.base +
                      ": read stopped on request");
    }
  }

  // One page: send the request, then take its messages one at a time. False on failure.
  bool run_page(char** attributes) {
    ControlPtr control;
    int rc = LDAP_SUCCESS;
    if (request_.paged) {
      LDAPControl* raw_control = nullptr;
      rc = ldap_create_page_control(ld_, request_.page_size, cookie_.get(), 0, &raw_control);
      control.reset(raw_control);
      if (rc != LDAP_SUCCESS) {
        fail(rc, diagnostic_of(ld_), "paging control");
        return false;
      }
    }
    std::vector<LDAPControl*> server_controls = request_.controls;
    if (control) server_controls.push_back(control.get());
    server_controls.push_back(nullptr);
    int msgid = 0;
    rc = ldap_search_ext(ld_, request_.base.c_str(), request_.scope, request_.filter.c_str(),
                         attributes, 0, server_controls.data(), nullptr, nullptr, LDAP_NO_LIMIT,
                         &msgid);
    if (rc == LDAP_FILTER_ERROR) {
      throw ConfigError("directory " + request_.uri + ": directory.filter '" + request_.filter +
                        "': " + describe(rc, diagnostic_of(ld_)));
    }
    if (rc != LDAP_SUCCESS) {
      fail(rc, diagnostic_of(ld_), "search");
      return false;
    }
    using std::chrono::steady_clock;
    const bool stoppable = static_cast<bool>(request_.stop_requested);
    const std::chrono::milliseconds slice =
        stoppable ? std::chrono::milliseconds{kStopCheckMs}
                  : std::chrono::milliseconds{std::chrono::seconds(request_.timeout_s)};
    // The timeout is for each message: it starts again whenever one arrives (from the next
    // wait on: one clock reading per message, which the read of 100,000 entries notices).
    const auto per_message = std::chrono::seconds(request_.timeout_s);
    auto deadline = steady_clock::now() + per_message;
    bool arrived = false;
    for (;;) {
      // Asked before each wait (cheap beside decoding an entry), and the waits are sliced
      // when a stop may come, so that it is seen while a server stalls or trickles.
      if (stoppable && request_.stop_requested()) {
        ldap_abandon_ext(ld_, msgid, nullptr, nullptr);
        throw_if_stopped();
      }
      const auto now = steady_clock::now();
      if (arrived) deadline = now + per_message;
      arrived = false;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      const auto wait = std::max(std::chrono::milliseconds{0}, std::min(slice, left));
      timeval timeout{static_cast<time_t>(wait.count() / 1000),
                      static_cast<suseconds_t>(wait.count() % 1000 * 1000)};
      LDAPMessage* raw = nullptr;
      const int type = ldap_result(ld_, msgid, LDAP_MSG_ONE, &timeout, &raw);
      MessagePtr msg(raw);
      if (type == 0 && steady_clock::now() < deadline) continue;
      arrived = type > 0;
      if (type == 0) {
        ldap_abandon_ext(ld_, msgid, nullptr, nullptr);
        fail(LDAP_TIMEOUT, "no answer within " + std::to_string(request_.timeout_s) + " s",
             "search");
        return false;
      }
      if (type == -1) {
        int code = LDAP_OTHER;
        ldap_get_option(ld_, LDAP_OPT_RESULT_CODE, &code);
        fail(code, diagnostic_of(ld_), "reading results");
        return false;
      }
      if (type == LDAP_RES_SEARCH_ENTRY) {
        if (!decode_entry(ld_, msg.get(), entry_)) {
          ldap_abandon_ext(ld_, msgid, nullptr, nullptr);
          fail(LDAP_DECODING_ERROR, diagnostic_of(ld_), "decoding an entry");
          return false;
        }
        on_entry_(entry_);
        ++outcome_.entries;
      } else if (type == LDAP_RES_SEARCH_RESULT) {
        return finish_page(msg.get());
      }
      // LDAP_RES_SEARCH_REFERENCE, LDAP_RES_INTERMEDIATE: nothing we read.
    }
  }

  // The page's final message: its result code, and the cookie for the next page.
  bool finish_page(LDAPMessage* msg) {
    int result = LDAP_SUCCESS;
    char* raw_diagnostic = nullptr;
    LDAPControl** raw_controls = nullptr;
    const int rc =
        ldap_parse_result(ld_, msg, &result, nullptr, &raw_diagnostic, nullptr, &raw_controls, 0);
    LdapString diagnostic(raw_diagnostic);
    ControlsPtr controls(raw_controls);
    if (rc != LDAP_SUCCESS) {
      fail(rc, diagnostic_of(ld_), "parsing the result");
      return false;
    }
    if (result != LDAP_SUCCESS) {
      fail(result, diagnostic ? diagnostic.get() : "", "search");
      return false;
    }
    cookie_.clear();
    LDAPControl* response = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, controls.get(), nullptr);
    if (response == nullptr) return true;  // not paged: the server returned everything
    ber_int_t estimate = 0;
    const int parsed = ldap_parse_pageresponse_control(ld_, response, &estimate, cookie_.get());
    if (parsed != LDAP_SUCCESS) {
      cookie_.clear();
      fail(parsed, diagnostic_of(ld_), "parsing the paging control");
      return false;
    }
    return true;
  }

  LDAP* ld_;
  const SearchRequest& request_;
  const std::function<void(const EntryView&)>& on_entry_;
  EntryView entry_;  // reused: its vectors keep their capacity from one entry to the next
  Cookie cookie_;
  SearchOutcome outcome_;
};

}  // namespace

SearchOutcome paged_search(LDAP* ld, const SearchRequest& request,
                           const std::function<void(const EntryView&)>& on_entry) {
  return PagedSearch(ld, request, on_entry).run();
}

SearchOutcome paged_search(LDAP* ld, const SearchRequest& request,
                           const std::function<void(RawEntry&&)>& on_entry) {
  return paged_search(ld, request, [&](const EntryView& entry) { on_entry(entry.to_raw()); });
}

}  // namespace valtuus::ldap
