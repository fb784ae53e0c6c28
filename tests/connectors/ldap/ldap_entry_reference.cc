#include "tests/connectors/ldap/ldap_entry_reference.h"

#include <algorithm>
#include <cctype>

#include "connectors/ldap/ldap_values.h"
#include "core/dn.h"
#include "core/text_fold.h"

namespace valtuus::ldap::reference {

std::optional<std::string> value_problem(std::string_view text) {
  if (text.size() > kMaxValueBytes) {
    return "longer than " + std::to_string(kMaxValueBytes) + " bytes (" +
           std::to_string(text.size()) + ")";
  }
  if (!valid_utf8(text)) return "not valid UTF-8";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return "contains a control character";
    // C1 controls U+0080..U+009F are encoded as c2 80 .. c2 9f.
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return "contains a control character";
    }
  }
  return std::nullopt;
}

namespace {

bool equals_nocase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RawEntry::find as it was.
const std::vector<std::string>* find(const RawEntry& entry, std::string_view name,
                                     bool* ranged = nullptr) {
  for (const auto& [attribute, values] : entry.attributes) {
    if (equals_nocase(attribute, name)) return &values;
  }
  for (const auto& [attribute, values] : entry.attributes) {
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
    e.ou = parent_ou_full(entry_.dn);
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
    if (!value_problem(entry_.dn)) return entry_.dn;
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
    const auto* values = find(entry_, attribute);
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
    const auto* values = find(entry_, name);
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
    const auto* values = find(entry_, name);
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
    const auto* values = find(entry_, name, &ranged);
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
    const auto* values = find(entry_, name);
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
    const auto* values = find(entry_, name);
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

MappedEntry map_entry(const RawEntry& entry, const LdapOptions& options) {
  return Mapper(entry, options).run();
}

}  // namespace valtuus::ldap::reference
