#include "connectors/ldap/ldap_options.h"

#include <algorithm>
#include <cctype>

#include "core/errors.h"

namespace valtuus {

namespace po = boost::program_options;

namespace {

bool starts_with_nocase(const std::string& text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

// An attribute description as RFC 4512 allows it: a name (letter, then letters, digits and
// hyphens) or a numeric OID. Checked so that a typo fails at startup, not as an empty field.
bool valid_attribute_name(const std::string& name) {
  if (name.empty()) return false;
  if (std::isdigit(static_cast<unsigned char>(name[0]))) {
    return std::all_of(name.begin(), name.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
    });
  }
  if (!std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

// A cheap shape check of an RFC 4515 filter: parenthesised and balanced (escaped values use
// \28 and \29, so a literal parenthesis inside a value is already an error). The server does
// the full parse; this catches the common mistake of a missing parenthesis at startup.
bool plausible_filter(const std::string& filter) {
  if (filter.size() < 3 || filter.front() != '(' || filter.back() != ')') return false;
  int depth = 0;
  for (std::size_t i = 0; i < filter.size(); ++i) {
    if (filter[i] == '(') ++depth;
    if (filter[i] == ')' && --depth < 0) return false;
    if (depth == 0 && i + 1 < filter.size()) return false;  // two filters side by side
  }
  return depth == 0;
}

void require_nonempty(const std::string& value, const char* option) {
  if (value.empty()) throw ConfigError(std::string(option) + ": required");
}

void require_range(int value, int low, int high, const char* option) {
  if (value < low || value > high) {
    throw ConfigError(std::string(option) + ": must be between " + std::to_string(low) + " and " +
                      std::to_string(high) + ", not " + std::to_string(value));
  }
}

void require_attribute(const std::string& name, const char* option, bool optional) {
  if (optional && name.empty()) return;
  if (!valid_attribute_name(name)) {
    throw ConfigError(std::string(option) + ": '" + name + "' is not an attribute name");
  }
}

template <typename T>
T get_or(const po::variables_map& vm, const char* name, T fallback) {
  auto it = vm.find(name);
  return it == vm.end() || it->second.empty() ? fallback : it->second.as<T>();
}

// The directory.map.* options: one per Employee field that comes from an attribute.
struct MappedField {
  const char* option;
  std::string AttributeMap::*field;
  const char* help;
};
constexpr MappedField kMappedFields[] = {
    {"directory.map.account", &AttributeMap::account, "attribute of the logon name (required)"},
    {"directory.map.given_name", &AttributeMap::given_name, "attribute of the first name"},
    {"directory.map.surname", &AttributeMap::surname, "attribute of the surname"},
    {"directory.map.display_name", &AttributeMap::display_name, "attribute of the display name"},
    {"directory.map.mail", &AttributeMap::mail, "attribute of the e-mail address"},
    {"directory.map.department", &AttributeMap::department, "attribute of the department"},
    {"directory.map.title", &AttributeMap::title, "attribute of the job title"},
    {"directory.map.groups", &AttributeMap::groups, "multi-valued attribute of group DNs"},
    {"directory.map.manager", &AttributeMap::manager, "attribute of the manager's DN"},
    {"directory.map.language", &AttributeMap::language,
     "attribute of the preferred language of notifications (fi, sv, en)"},
    {"directory.map.account_control", &AttributeMap::account_control,
     "attribute of the account flags (bit 0x2: disabled)"},
    {"directory.map.account_expires", &AttributeMap::account_expires,
     "attribute of the expiry time (AD ticks)"},
};

}  // namespace

po::options_description ldap_options_description() {
  const LdapOptions defaults;
  po::options_description d("Directory (Active Directory over LDAP)");
  // One statement per option (rather than one long chain) keeps clang-format's layout readable.
  auto add = d.add_options();
  add("directory.uri", po::value<std::string>(),
      "ldaps://host[:port]/, or ldap://host[:port]/ upgraded with StartTLS (required)");
  add("directory.bind_dn", po::value<std::string>(),
      "DN of the service account to bind as (required)");
  add("directory.password_file", po::value<std::string>(),
      "file holding the bind password; relative names are looked up in "
      "$CREDENTIALS_DIRECTORY (required)");
  add("directory.base", po::value<std::vector<std::string>>()->composing(),
      "subtree to read employees from; may be given several times (required)");
  add("directory.filter", po::value<std::string>()->default_value(defaults.filter),
      "LDAP filter selecting employee entries");
  add("directory.ca_file", po::value<std::string>(),
      "CA bundle to verify the server certificate (default: the system trust store)");
  add("directory.starttls", po::value<bool>()->default_value(defaults.starttls),
      "for ldap:// URIs, upgrade the connection with StartTLS; turning it off is refused, as "
      "the password would travel in the clear");
  add("directory.insecure_skip_tls_verify_never_in_production",
      po::value<bool>()->default_value(defaults.tls_verify_never_use_in_production),
      "accept any server certificate (laboratory use only)");
  add("directory.network_timeout", po::value<int>()->default_value(defaults.network_timeout_s),
      "seconds to wait for a connection and the TLS handshake");
  add("directory.operation_timeout", po::value<int>()->default_value(defaults.operation_timeout_s),
      "seconds to wait for the bind and for each message of a search");
  add("directory.page_size", po::value<int>()->default_value(defaults.page_size),
      "entries per page of the paged search (1..1000)");
  add("directory.key_attribute", po::value<std::string>()->default_value(defaults.key_attribute),
      "attribute identifying an employee: objectGUID, employeeID or another string attribute");
  add("directory.long_leave_attribute", po::value<std::string>(),
      "attribute marking long leave (e.g. extensionAttribute1); empty: none");
  add("directory.identity_code_attribute", po::value<std::string>(),
      "attribute holding the personal identity code; empty: none");
  for (const auto& f : kMappedFields) {
    add(f.option, po::value<std::string>()->default_value(defaults.attributes.*f.field), f.help);
  }
  add("directory.member_of", po::value<std::string>(),
      "read only members of this group (DN); empty: everyone the filter selects");
  add("directory.range_window", po::value<int>()->default_value(defaults.range_window),
      "values per request of a multi-valued attribute (AD range retrieval); 0: as the server "
      "decides");
  add("directory.retries", po::value<int>()->default_value(defaults.retries),
      "further attempts after a transient failure (server down, connection lost mid-read)");
  add("directory.retry_delay", po::value<int>()->default_value(defaults.retry_delay_s),
      "seconds before the first retry; doubled each time, with jitter");
  add("directory.retry_max_delay", po::value<int>()->default_value(defaults.retry_max_delay_s),
      "longest wait between retries, in seconds");
  add("directory.clock_skew_margin", po::value<int>()->default_value(defaults.clock_skew_margin_s),
      "seconds subtracted from the clock for modifyTimestamp watermarks (servers without USNs)");
  return d;
}

LdapOptions ldap_options_from(const po::variables_map& vm) {
  LdapOptions o;
  o.uri = get_or<std::string>(vm, "directory.uri", "");
  o.bind_dn = get_or<std::string>(vm, "directory.bind_dn", "");
  o.password_file = get_or<std::string>(vm, "directory.password_file", "");
  o.bases = get_or<std::vector<std::string>>(vm, "directory.base", {});
  o.filter = get_or<std::string>(vm, "directory.filter", o.filter);
  o.ca_file = get_or<std::string>(vm, "directory.ca_file", "");
  o.starttls = get_or<bool>(vm, "directory.starttls", o.starttls);
  o.tls_verify_never_use_in_production =
      get_or<bool>(vm, "directory.insecure_skip_tls_verify_never_in_production", false);
  o.network_timeout_s = get_or<int>(vm, "directory.network_timeout", o.network_timeout_s);
  o.operation_timeout_s = get_or<int>(vm, "directory.operation_timeout", o.operation_timeout_s);
  o.page_size = get_or<int>(vm, "directory.page_size", o.page_size);
  o.key_attribute = get_or<std::string>(vm, "directory.key_attribute", o.key_attribute);
  o.long_leave_attribute = get_or<std::string>(vm, "directory.long_leave_attribute", "");
  o.identity_code_attribute = get_or<std::string>(vm, "directory.identity_code_attribute", "");
  for (const auto& f : kMappedFields) {
    o.attributes.*f.field = get_or<std::string>(vm, f.option, o.attributes.*f.field);
  }
  o.member_of = get_or<std::string>(vm, "directory.member_of", "");
  o.range_window = get_or<int>(vm, "directory.range_window", o.range_window);
  o.retries = get_or<int>(vm, "directory.retries", o.retries);
  o.retry_delay_s = get_or<int>(vm, "directory.retry_delay", o.retry_delay_s);
  o.retry_max_delay_s = get_or<int>(vm, "directory.retry_max_delay", o.retry_max_delay_s);
  o.clock_skew_margin_s = get_or<int>(vm, "directory.clock_skew_margin", o.clock_skew_margin_s);
  validate(o);
  return o;
}

void validate(const LdapOptions& o) {
  require_nonempty(o.uri, "directory.uri");
  const bool ldaps = starts_with_nocase(o.uri, "ldaps://");
  if (!ldaps && !starts_with_nocase(o.uri, "ldap://")) {
    throw ConfigError("directory.uri: must start with ldaps:// or ldap://, not '" + o.uri + "'");
  }
  // libldap would accept a list of URIs; one scheme per connection keeps the TLS rule simple.
  if (o.uri.find_first_of(" ,\t") != std::string::npos) {
    throw ConfigError("directory.uri: give a single URI, not a list");
  }
  if (!ldaps && !o.starttls) {
    throw ConfigError(
        "directory.starttls: TLS to the directory is required: use an ldaps:// URI "
        "or keep StartTLS on for ldap://");
  }
  require_nonempty(o.bind_dn, "directory.bind_dn");
  require_nonempty(o.password_file, "directory.password_file");
  if (o.bases.empty()) throw ConfigError("directory.base: required (at least one)");
  for (const auto& base : o.bases) {
    if (base.empty()) throw ConfigError("directory.base: must not be empty");
  }
  if (!plausible_filter(o.filter)) {
    throw ConfigError("directory.filter: '" + o.filter + "' is not one parenthesised LDAP filter");
  }
  require_range(o.network_timeout_s, 1, 3600, "directory.network_timeout");
  require_range(o.operation_timeout_s, 1, 86400, "directory.operation_timeout");
  require_range(o.page_size, 1, 1000, "directory.page_size");
  require_attribute(o.key_attribute, "directory.key_attribute", false);
  require_attribute(o.long_leave_attribute, "directory.long_leave_attribute", true);
  require_attribute(o.identity_code_attribute, "directory.identity_code_attribute", true);
  for (const auto& f : kMappedFields) {
    require_attribute(o.attributes.*f.field, f.option, f.field != &AttributeMap::account);
  }
  // 0 or at least 2: a window of one value would take a round trip per group.
  if (o.range_window != 0) require_range(o.range_window, 2, 100000, "directory.range_window");
  require_range(o.retries, 0, 100, "directory.retries");
  require_range(o.retry_delay_s, 1, 3600, "directory.retry_delay");
  require_range(o.retry_max_delay_s, o.retry_delay_s, 86400, "directory.retry_max_delay");
  require_range(o.clock_skew_margin_s, 0, 86400, "directory.clock_skew_margin");
}

}  // namespace valtuus
