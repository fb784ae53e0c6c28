#include "connectors/ldap/ldap_entry.h"

#include <algorithm>
#include <cctype>

#include "connectors/ldap/ldap_values.h"

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
};
constexpr TextField kTextFields[] = {
    {&AttributeMap::given_name, &Employee::given_name},
    {&AttributeMap::surname, &Employee::surname},
    {&AttributeMap::display_name, &Employee::display_name},
    {&AttributeMap::mail, &Employee::mail},
    {&AttributeMap::department, &Employee::department},
    {&AttributeMap::title, &Employee::title},
    {&AttributeMap::manager, &Employee::manager},
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
    if (!read_key(e) || !read_account(e)) return std::move(out_);
    for (const auto& f : kTextFields) e.*f.field = text(options_.attributes.*f.attribute);
    if (!options_.long_leave_attribute.empty()) {
      e.long_leave_marker = text(options_.long_leave_attribute);
    }
    if (!options_.identity_code_attribute.empty()) {
      e.identity_code = text(options_.identity_code_attribute);
    }
    e.preferred_language = notification_language(text(options_.attributes.language));
    e.ou = parent_ou(entry_.dn);
    read_groups(e);
    read_account_control(e);
    read_expiry(e);
    e.bad_fields = std::move(bad_);
    out_.employee = std::move(e);
    return std::move(out_);
  }

 private:
  void warn(const std::string& what) { out_.warnings.push_back(entry_.dn + ": " + what); }
  void bad(const std::string& attribute) { bad_.push_back(attribute); }

  // The first value of a single-valued attribute, or "" (and a bad field) when unacceptable.
  std::string text(const std::string& attribute) {
    if (attribute.empty()) return {};  // not mapped
    const auto* values = entry_.find(attribute);
    if (values == nullptr || values->empty()) return {};
    if (!acceptable_value(values->front())) {
      bad(attribute);
      return {};
    }
    return values->front();
  }

  bool read_key(Employee& e) {
    const auto& name = options_.key_attribute;
    const auto* values = entry_.find(name);
    if (values == nullptr || values->empty()) {
      warn("skipped: no " + name);
      return false;
    }
    if (equals_nocase(name, "objectGUID")) {
      e.key = format_object_guid(values->front());
      if (e.key.empty()) warn("skipped: objectGUID is not 16 bytes");
    } else if (acceptable_value(values->front()) && !values->front().empty()) {
      e.key = values->front();
    } else {
      warn("skipped: unusable " + name + " value");
    }
    return !e.key.empty();
  }

  bool read_account(Employee& e) {
    const std::string& name = options_.attributes.account;
    const auto* values = entry_.find(name);
    if (values == nullptr || values->empty() || values->front().empty()) {
      warn("skipped: no " + name);
      return false;
    }
    if (!acceptable_value(values->front())) {
      warn("skipped: unusable " + name + " value");
      return false;
    }
    e.account = values->front();
    return true;
  }

  void read_groups(Employee& e) {
    const std::string& name = options_.attributes.groups;
    if (name.empty()) return;
    bool ranged = false;
    const auto* values = entry_.find(name, &ranged);
    if (values == nullptr) return;
    bool rejected = false;
    for (const auto& v : *values) {
      if (acceptable_value(v)) {
        e.groups.push_back(v);
      } else {
        rejected = true;
      }
    }
    // The reader completes ranged values before mapping; still ranged means that failed.
    if (ranged) warn(name + " returned in part (range retrieval failed); group list incomplete");
    if (rejected || ranged) bad(name);
  }

  void read_account_control(Employee& e) {
    const std::string& name = options_.attributes.account_control;
    if (name.empty()) return;
    const auto* values = entry_.find(name);
    if (values == nullptr || values->empty()) return;
    const auto flags = parse_int64(values->front());
    if (!flags) {
      bad(name);
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
      bad(name);
      return;
    }
    e.account_expires = ad_ticks_to_time(*ticks);
  }

  const RawEntry& entry_;
  const LdapOptions& options_;
  MappedEntry out_;
  std::vector<std::string> bad_;
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
