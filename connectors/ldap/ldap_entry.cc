#include "connectors/ldap/ldap_entry.h"

#include <algorithm>
#include <cctype>

#include "connectors/ldap/ldap_values.h"
#include "core/dn.h"
#include "core/text_fold.h"

namespace valtuus::ldap {

namespace {

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Employee fields that AD returns as single values, with the option naming their attribute.
struct TextField {
  std::string AttributeMap::*attribute;
  std::string Employee::*field;
  const char* name;  // as RefusedValue::field names it
};
constexpr TextField kTextFields[] = {
    {&AttributeMap::given_name, &Employee::given_name, "given_name"},
    {&AttributeMap::surname, &Employee::surname, "surname"},
    {&AttributeMap::display_name, &Employee::display_name, "display_name"},
    {&AttributeMap::mail, &Employee::mail, "mail"},
};
// Those whose values many people share (read after the ones above, in this order).
struct SharedField {
  std::string AttributeMap::*attribute;
  SharedText Employee::*field;
  const char* name;
};
constexpr SharedField kSharedFields[] = {
    {&AttributeMap::department, &Employee::department, "department"},
    {&AttributeMap::title, &Employee::title, "title"},
};

// "fi", "sv" or "en" from a language tag as directories hold it ("sv", "sv-FI", "EN_us");
// "" for any other language.
std::string notification_language(std::string_view tag) {
  const std::size_t end = tag.find_first_of("-_");
  std::string primary(tag.substr(0, end));
  for (char& c : primary) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return primary == "fi" || primary == "sv" || primary == "en" ? primary : std::string();
}

class Mapper {
 public:
  Mapper(const RawEntry& entry, const LdapOptions& options) : entry_(entry), options_(options) {}

  MappedEntry run() {
    Employee e;
    e.dn = entry_.dn;
    const bool key = read_key(e);
    const bool account = read_account(e);
    // A DN that is not clean text cannot be stored or shown; the entry's position (OU,
    // leavers' OU) is unknown, so the person is refused as a whole.
    const bool dn = dn_usable();
    if (!key || !account || !dn) return std::move(out_);
    for (const auto& f : kTextFields) e.*f.field = text(options_.attributes.*f.attribute, f.name);
    for (const auto& f : kSharedFields) e.*f.field = text(options_.attributes.*f.attribute, f.name);
    // The manager is a DN, as AD writes it (RFC 4514 escapes and all): one that does not parse
    // is refused like any bad value, named in the refused list, and never taken as "none"
    // (the store keeps the manager it had, so a report is not cut off from their manager).
    // Checked before it is shared, so that a refused value is not kept.
    std::string manager = text(options_.attributes.manager, "manager");
    if (!manager.empty() && !parse_dn(manager)) {
      bad(options_.attributes.manager, "manager", "not a distinguished name");
      manager.clear();
    }
    e.manager = manager;
    if (!options_.long_leave_attribute.empty()) {
      e.long_leave_marker = text(options_.long_leave_attribute, "long_leave");
    }
    if (!options_.identity_code_attribute.empty()) {
      e.identity_code = text(options_.identity_code_attribute, "identity_code");
    }
    e.preferred_language =
        notification_language(text(options_.attributes.language, "preferred_language"));
    e.ou = parent_ou(entry_.dn);
    read_groups(e);
    read_account_control(e);
    read_expiry(e);
    e.bad_fields = std::move(bad_);
    out_.employee = std::move(e);
    return std::move(out_);
  }

 private:
  void warn(const std::string& what) { out_.warnings.push_back(printable_dn() + ": " + what); }

  // Records a refused value: the attribute goes to bad_fields, the entry and field to the
  // refused list (with the key and account read so far, never the value).
  void bad(const std::string& attribute, const char* field, const std::string& problem) {
    bad_.push_back(attribute);
    out_.refused.push_back({printable_dn(), key_, account_, field, attribute + ": " + problem});
  }

  // The DN for logs and the database: control characters and bytes that are not UTF-8
  // written as RFC 4514 hex escapes ("\0A"), so a hostile DN can neither forge a log line nor
  // break a COPY.
  std::string printable_dn() const {
    if (acceptable_value(entry_.dn)) return entry_.dn;
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : entry_.dn) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c >= 0x7f) {
        out += '\\';
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      } else {
        out += ch;
      }
    }
    return out.size() > kMaxValueBytes ? out.substr(0, kMaxValueBytes) : out;
  }

  bool dn_usable() {
    if (auto problem = value_problem(entry_.dn)) {
      warn("skipped: the DN " + *problem);
      out_.refused.push_back({printable_dn(), key_, account_, "dn", "DN: " + *problem});
      return false;
    }
    return true;
  }

  // The first value of a single-valued attribute without surrounding white space (Unicode's:
  // a TAB pasted from an HR system is no reason to refuse a value), or "" and a refused
  // field when what is left is unacceptable (control characters inside, bad UTF-8, too long).
  std::string text(const std::string& attribute, const char* field) {
    if (attribute.empty()) return {};  // not mapped
    const auto* values = entry_.find(attribute);
    if (values == nullptr || values->empty()) return {};
    const std::string_view value = trim_space(values->front());
    if (auto problem = value_problem(value)) {
      bad(attribute, field, *problem);
      return {};
    }
    return std::string(value);
  }

  // Key and account are read before anything else: an entry without them is refused as a
  // whole, but each is recorded when readable, so that the reconcile knows whom it concerns.
  bool read_key(Employee& e) {
    const auto& name = options_.key_attribute;
    const auto* values = entry_.find(name);
    std::string problem;
    if (values == nullptr || values->empty()) {
      problem = "missing";
    } else if (equals_nocase(name, "objectGUID")) {
      e.key = format_object_guid(values->front());
      if (e.key.empty()) problem = "not 16 bytes";
    } else if (auto bad_value = value_problem(trim_space(values->front()))) {
      problem = *bad_value;
    } else if (trim_space(values->front()).empty()) {
      problem = "empty";
    } else {
      e.key = std::string(trim_space(values->front()));
    }
    if (!problem.empty()) {
      warn("skipped: " + name + " " + problem);
      pending_.push_back({"key", name + ": " + problem});
      return false;
    }
    key_ = e.key;
    return true;
  }

  bool read_account(Employee& e) {
    const std::string& name = options_.attributes.account;
    const auto* values = entry_.find(name);
    const std::string_view value =
        values == nullptr || values->empty() ? std::string_view() : trim_space(values->front());
    std::string problem;
    if (value.empty()) {
      problem = "missing";
    } else if (auto bad_value = value_problem(value)) {
      problem = *bad_value;
    } else {
      e.account = value;
      account_ = e.account;
    }
    // Both key and account known now: record what was refused of either.
    for (auto& [field, reason] : pending_) {
      out_.refused.push_back({printable_dn(), key_, account_, field, reason});
    }
    pending_.clear();
    if (!problem.empty()) {
      warn("skipped: " + name + " " + problem);
      out_.refused.push_back({printable_dn(), key_, "", "account", name + ": " + problem});
      return false;
    }
    return true;
  }

  void read_groups(Employee& e) {
    const std::string& name = options_.attributes.groups;
    if (name.empty()) return;
    bool ranged = false;
    const auto* values = entry_.find(name, &ranged);
    if (values == nullptr) return;
    std::optional<std::string> rejected;
    for (const auto& v : *values) {
      if (auto problem = value_problem(v)) {
        rejected = problem;
      } else {
        e.groups.push_back(v);
      }
    }
    // The reader completes ranged values before mapping; still ranged means that failed.
    if (ranged) {
      warn(name + " returned in part (range retrieval failed); group list incomplete");
      bad(name, "groups", "returned in part (range retrieval failed)");
    } else if (rejected) {
      bad(name, "groups", "a value " + *rejected);
    }
  }

  void read_account_control(Employee& e) {
    const std::string& name = options_.attributes.account_control;
    if (name.empty()) return;
    const auto* values = entry_.find(name);
    if (values == nullptr || values->empty()) return;
    const auto flags = parse_int64(values->front());
    if (!flags) {
      bad(name, "account_flags", "not an integer");
      return;
    }
    e.disabled = (*flags & 0x2) != 0;  // ACCOUNTDISABLE
  }

  void read_expiry(Employee& e) {
    const std::string& name = options_.attributes.account_expires;
    if (name.empty()) return;
    const auto* values = entry_.find(name);
    if (values == nullptr || values->empty()) return;
    const auto ticks = parse_int64(values->front());
    if (!ticks || *ticks < 0) {
      bad(name, "account_expires", "not a time stamp (AD ticks)");
      return;
    }
    e.account_expires = ad_ticks_to_time(*ticks);
  }

  const RawEntry& entry_;
  const LdapOptions& options_;
  MappedEntry out_;
  std::vector<std::string> bad_;
  std::string key_, account_;                                 // as far as read
  std::vector<std::pair<std::string, std::string>> pending_;  // field, reason before the account
};

}  // namespace

const std::vector<std::string>* RawEntry::find(std::string_view name, bool* ranged) const {
  for (const auto& [attribute, values] : attributes) {
    if (equals_nocase(attribute, name)) return &values;
  }
  // AD sends "memberOf;range=0-1499" instead of "memberOf" when there are too many values.
  for (const auto& [attribute, values] : attributes) {
    const std::string_view a = attribute;
    if (a.size() > name.size() && a[name.size()] == ';' &&
        equals_nocase(a.substr(0, name.size()), name) &&
        a.substr(name.size() + 1).rfind("range=", 0) == 0) {
      if (ranged != nullptr) *ranged = true;
      return &values;
    }
  }
  return nullptr;
}

std::vector<std::string> requested_attributes(const LdapOptions& options) {
  const AttributeMap& m = options.attributes;
  std::vector<std::string> names;
  for (const auto* name :
       {&m.account, &m.given_name, &m.surname, &m.display_name, &m.mail, &m.department, &m.title,
        &m.groups, &m.manager, &m.language, &m.account_control, &m.account_expires,
        &options.key_attribute, &options.long_leave_attribute, &options.identity_code_attribute}) {
    if (name->empty()) continue;
    const bool known = std::any_of(names.begin(), names.end(),
                                   [&](const std::string& n) { return equals_nocase(n, *name); });
    if (!known) names.push_back(*name);
  }
  // A window asks for the groups in ranges from the first request on ("memberOf;range=0-499").
  if (options.range_window > 0 && !m.groups.empty()) {
    for (auto& n : names) {
      if (equals_nocase(n, m.groups)) {
        n += ";range=0-" + std::to_string(options.range_window - 1);
      }
    }
  }
  return names;
}

MappedEntry map_entry(const RawEntry& entry, const LdapOptions& options) {
  return Mapper(entry, options).run();
}

}  // namespace valtuus::ldap
