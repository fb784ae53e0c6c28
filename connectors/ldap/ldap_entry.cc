#include "connectors/ldap/ldap_entry.h"

#include <algorithm>

#include "connectors/ldap/ldap_values.h"
#include "core/dn.h"
#include "core/text_fold.h"

namespace valtuus::ldap {

namespace {

// ASCII only: attribute descriptions are ASCII (RFC 4512), and std::tolower asks the locale.
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// "name;range=..." for `name`: AD's ranged form of an attribute with too many values.
bool ranged_form_of(std::string_view attribute, std::string_view name) {
  return attribute.size() > name.size() && attribute[name.size()] == ';' &&
         equals_nocase(attribute.substr(0, name.size()), name) &&
         attribute.substr(name.size() + 1).rfind("range=", 0) == 0;
}

// "fi", "sv" or "en" from a language tag as directories hold it ("sv", "sv-FI", "EN_us");
// "" for any other language.
std::string_view notification_language(std::string_view tag) {
  const std::string_view primary = tag.substr(0, tag.find_first_of("-_"));
  for (const std::string_view known : {"fi", "sv", "en"}) {
    if (equals_nocase(primary, known)) return known;
  }
  return {};
}

using Field = EntryMapper::Field;
static_assert(EntryMapper::kFieldCount <= 32, "NameMatch keeps one bit per name");

// Employee fields that AD returns as single values (read in this order, after key and account).
struct TextField {
  Field field;
  std::string Employee::*member;
  const char* name;  // as RefusedValue::field names it
};
constexpr TextField kTextFields[] = {
    {EntryMapper::kGivenName, &Employee::given_name, "given_name"},
    {EntryMapper::kSurname, &Employee::surname, "surname"},
    {EntryMapper::kDisplayName, &Employee::display_name, "display_name"},
    {EntryMapper::kMail, &Employee::mail, "mail"},
};
// Those whose values many people share (read after the ones above, in this order).
struct SharedField {
  Field field;
  SharedText Employee::*member;
  const char* name;
};
constexpr SharedField kSharedFields[] = {
    {EntryMapper::kDepartment, &Employee::department, "department"},
    {EntryMapper::kTitle, &Employee::title, "title"},
};

}  // namespace

// One entry's mapping: the rules of map_entry (ldap_entry.h), in the order they were always
// applied, so that warnings and refused values come out in the same order.
class EntryMapping {
 public:
  EntryMapping(EntryMapper& mapper, const EntryView& entry, std::vector<std::string>& warnings,
               std::vector<RefusedValue>& refused)
      : mapper_(mapper),
        options_(mapper.options_),
        entry_(entry),
        warnings_(warnings),
        refused_(refused) {
    find_attributes();
  }

  bool run(std::vector<Employee>& out) {
    std::string key;
    const bool key_read = read_key(key);
    std::string_view account;
    const bool account_read = read_account(account);
    // A DN that is not clean text cannot be stored or shown; the entry's position (OU,
    // leavers' OU) is unknown, so the person is refused as a whole.
    const bool dn = dn_usable();
    if (!key_read || !account_read || !dn) return false;
    Employee& e = out.emplace_back();
    e.key = std::move(key);
    key_ = e.key;
    e.account = account;
    account_ = e.account;
    e.dn = entry_.dn;
    for (const auto& f : kTextFields) e.*f.member = text(f.field, f.name);
    for (const auto& f : kSharedFields) e.*f.member = shared(text(f.field, f.name));
    read_manager(e);
    if (!options_.long_leave_attribute.empty()) {
      e.long_leave_marker = shared(text(EntryMapper::kLongLeave, "long_leave"));
    }
    if (!options_.identity_code_attribute.empty()) {
      e.identity_code = text(EntryMapper::kIdentityCode, "identity_code");
    }
    e.preferred_language =
        shared(notification_language(text(EntryMapper::kLanguage, "preferred_language")));
    if (const auto plain = parent_ou_plain(entry_.dn)) {
      e.ou = shared(*plain);
    } else {
      e.ou = shared(parent_ou_full(entry_.dn));
    }
    read_groups(e);
    read_account_control(e);
    read_expiry(e);
    e.bad_fields = std::move(bad_);
    return true;
  }

 private:
  static constexpr int kNone = -1;

  // Which attribute of the entry each configured name finds: the first of that name (without
  // regard to case), else the first in AD's ranged form ("memberOf;range=0-1499").
  void find_attributes() {
    exact_.fill(kNone);
    ranged_.fill(kNone);
    for (std::size_t a = 0; a < entry_.attributes.size(); ++a) {
      const EntryMapper::NameMatch& m = mapper_.match(a, entry_.attributes[a].name);
      for (std::uint32_t bits = m.exact | m.ranged; bits != 0; bits &= bits - 1) {
        const auto n = static_cast<std::size_t>(__builtin_ctz(bits));
        auto& slot = (m.exact >> n & 1u) != 0 ? exact_[n] : ranged_[n];
        if (slot == kNone) slot = static_cast<int>(a);
      }
    }
  }

  // The values of `field`'s attribute, or nullptr when the entry has none of that name (or the
  // field is not mapped). `ranged` is set when they came in the ranged form.
  const EntryView::Attribute* find(Field field, bool* ranged = nullptr) const {
    const int n = mapper_.name_of_[field];
    if (n == kNone) return nullptr;
    if (exact_[static_cast<std::size_t>(n)] != kNone) {
      return &entry_.attributes[static_cast<std::size_t>(exact_[static_cast<std::size_t>(n)])];
    }
    if (ranged_[static_cast<std::size_t>(n)] != kNone) {
      if (ranged != nullptr) *ranged = true;
      return &entry_.attributes[static_cast<std::size_t>(ranged_[static_cast<std::size_t>(n)])];
    }
    return nullptr;
  }

  // The first value of `field`'s attribute; nullopt when it has none.
  std::optional<std::string_view> first(Field field) const {
    const auto* attribute = find(field);
    if (attribute == nullptr || attribute->count == 0) return std::nullopt;
    return entry_.values[attribute->first];
  }

  const std::string& attribute(Field field) const { return *mapper_.attribute_[field]; }

  SharedText shared(std::string_view text) { return mapper_.shared_.get(text); }

  void warn(const std::string& what) { warnings_.push_back(printable_dn() + ": " + what); }

  // Records a refused value: the attribute goes to bad_fields, the entry and field to the
  // refused list (with the key and account read so far, never the value).
  void bad(const std::string& name, const char* field, const std::string& problem) {
    bad_.push_back(name);
    refused_.push_back(
        {printable_dn(), std::string(key_), std::string(account_), field, name + ": " + problem});
  }

  // The DN for logs and the database: control characters and bytes that are not UTF-8
  // written as RFC 4514 hex escapes ("\0A"), so a hostile DN can neither forge a log line nor
  // break a COPY.
  std::string printable_dn() const {
    if (acceptable_value(entry_.dn)) return std::string(entry_.dn);
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
      refused_.push_back(
          {printable_dn(), std::string(key_), std::string(account_), "dn", "DN: " + *problem});
      return false;
    }
    return true;
  }

  // The first value of a single-valued attribute without surrounding white space (Unicode's:
  // a TAB pasted from an HR system is no reason to refuse a value), or "" and a refused
  // field when what is left is unacceptable (control characters inside, bad UTF-8, too long).
  std::string_view text(Field field, const char* name) {
    if (mapper_.name_of_[field] == kNone) return {};  // not mapped
    const auto raw = first(field);
    if (!raw) return {};
    const std::string_view value = trim_space(*raw);
    if (auto problem = value_problem(value)) {
      bad(attribute(field), name, *problem);
      return {};
    }
    return value;
  }

  // Key and account are read before anything else: an entry without them is refused as a
  // whole, but each is recorded when readable, so that the reconcile knows whom it concerns.
  bool read_key(std::string& key) {
    const std::string& name = attribute(EntryMapper::kKey);
    const auto value = first(EntryMapper::kKey);
    std::string problem;
    if (!value) {
      problem = "missing";
    } else if (equals_nocase(name, "objectGUID")) {
      key = format_object_guid(*value);
      if (key.empty()) problem = "not 16 bytes";
    } else if (auto bad_value = value_problem(trim_space(*value))) {
      problem = *bad_value;
    } else if (trim_space(*value).empty()) {
      problem = "empty";
    } else {
      key = trim_space(*value);
    }
    if (!problem.empty()) {
      warn("skipped: " + name + " " + problem);
      key_problem_ = name + ": " + problem;
      key.clear();
      return false;
    }
    key_ = key;
    return true;
  }

  bool read_account(std::string_view& account) {
    const std::string& name = attribute(EntryMapper::kAccount);
    const auto raw = first(EntryMapper::kAccount);
    const std::string_view value = raw ? trim_space(*raw) : std::string_view();
    std::string problem;
    if (value.empty()) {
      problem = "missing";
    } else if (auto bad_value = value_problem(value)) {
      problem = *bad_value;
    } else {
      account = value;
      account_ = value;
    }
    // Both key and account known now: record what was refused of either.
    if (!key_problem_.empty()) {
      refused_.push_back({printable_dn(), std::string(key_), std::string(account_), "key",
                          std::move(key_problem_)});
    }
    if (!problem.empty()) {
      warn("skipped: " + name + " " + problem);
      refused_.push_back({printable_dn(), std::string(key_), "", "account", name + ": " + problem});
      return false;
    }
    return true;
  }

  // The manager is a DN, as AD writes it (RFC 4514 escapes and all): one that does not parse
  // is refused like any bad value, named in the refused list, and never taken as "none"
  // (the store keeps the manager it had, so a report is not cut off from their manager).
  // Checked before it is shared, so that a refused value is not kept.
  void read_manager(Employee& e) {
    const std::string_view manager = text(EntryMapper::kManager, "manager");
    if (manager.empty()) return;
    if (const auto known = mapper_.good_managers_.find(manager);
        known != mapper_.good_managers_.end()) {
      e.manager = shared(*known);
      return;
    }
    if (!parse_dn(manager)) {
      bad(attribute(EntryMapper::kManager), "manager", "not a distinguished name");
      return;
    }
    e.manager = shared(manager);
    mapper_.good_managers_.insert(e.manager.str());  // the pooled text: lives as long as we do
  }

  void read_groups(Employee& e) {
    if (attribute(EntryMapper::kGroups).empty()) return;
    bool ranged = false;
    const auto* values = find(EntryMapper::kGroups, &ranged);
    if (values == nullptr) return;
    std::optional<std::string> rejected;
    e.groups.reserve(values->count);
    for (const std::string_view v : entry_.values_of(*values)) {
      if (auto problem = value_problem(v)) {
        rejected = std::move(problem);
      } else {
        e.groups.push_back(shared(v));
      }
    }
    const std::string& name = attribute(EntryMapper::kGroups);
    // The reader completes ranged values before mapping; still ranged means that failed.
    if (ranged) {
      warn(name + " returned in part (range retrieval failed); group list incomplete");
      bad(name, "groups", "returned in part (range retrieval failed)");
    } else if (rejected) {
      bad(name, "groups", "a value " + *rejected);
    }
  }

  void read_account_control(Employee& e) {
    if (attribute(EntryMapper::kAccountControl).empty()) return;
    const auto value = first(EntryMapper::kAccountControl);
    if (!value) return;
    const auto flags = parse_int64(*value);
    if (!flags) {
      bad(attribute(EntryMapper::kAccountControl), "account_flags", "not an integer");
      return;
    }
    e.disabled = (*flags & 0x2) != 0;  // ACCOUNTDISABLE
  }

  void read_expiry(Employee& e) {
    if (attribute(EntryMapper::kAccountExpires).empty()) return;
    const auto value = first(EntryMapper::kAccountExpires);
    if (!value) return;
    const auto ticks = parse_int64(*value);
    if (!ticks || *ticks < 0) {
      bad(attribute(EntryMapper::kAccountExpires), "account_expires",
          "not a time stamp (AD ticks)");
      return;
    }
    e.account_expires = ad_ticks_to_time(*ticks);
  }

  EntryMapper& mapper_;
  const LdapOptions& options_;
  const EntryView& entry_;
  std::vector<std::string>& warnings_;
  std::vector<RefusedValue>& refused_;
  std::array<int, EntryMapper::kFieldCount> exact_{}, ranged_{};  // by index in names_
  std::vector<std::string> bad_;
  std::string_view key_, account_;  // as far as read
  std::string key_problem_;         // why the key was refused, recorded with the account
};

EntryMapper::EntryMapper(const LdapOptions& options) : options_(options) {
  const AttributeMap& m = options.attributes;
  attribute_ = {&options.key_attribute,
                &m.account,
                &m.given_name,
                &m.surname,
                &m.display_name,
                &m.mail,
                &m.department,
                &m.title,
                &m.manager,
                &options.long_leave_attribute,
                &options.identity_code_attribute,
                &m.language,
                &m.groups,
                &m.account_control,
                &m.account_expires};
  name_of_.fill(-1);
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const std::string& name = *attribute_[f];
    // An empty name maps nothing (the old lookup of "" found nothing either: no attribute
    // description is empty).
    if (name.empty()) continue;
    std::size_t n = 0;  // at most kFieldCount names: they fit the bits of NameMatch
    while (n < names_.size() && !equals_nocase(names_[n], name)) ++n;
    if (n == names_.size()) names_.push_back(name);
    name_of_[f] = static_cast<int>(n);
  }
}

const EntryMapper::NameMatch& EntryMapper::match(std::size_t position,
                                                 std::string_view description) {
  if (position >= by_position_.size()) by_position_.resize(position + 1);
  NameMatch& m = by_position_[position];
  if (m.known && m.description == description) return m;
  m.description.assign(description);
  m.exact = m.ranged = 0;
  for (std::size_t n = 0; n < names_.size(); ++n) {
    if (equals_nocase(description, names_[n])) {
      m.exact |= 1u << n;
    } else if (ranged_form_of(description, names_[n])) {
      m.ranged |= 1u << n;
    }
  }
  m.known = true;
  return m;
}

bool EntryMapper::map(const EntryView& entry, std::vector<Employee>& out,
                      std::vector<std::string>& warnings, std::vector<RefusedValue>& refused) {
  return EntryMapping(*this, entry, warnings, refused).run(out);
}

void EntryView::assign(const RawEntry& entry) {
  clear();
  dn = entry.dn;
  for (const auto& [name, list] : entry.attributes) {
    attributes.push_back({name, values.size(), list.size()});
    values.insert(values.end(), list.begin(), list.end());
  }
}

RawEntry EntryView::to_raw() const {
  RawEntry raw;
  raw.dn = dn;
  for (const auto& a : attributes) {
    auto& [name, list] = raw.attributes.emplace_back();
    name = a.name;
    for (const std::string_view v : values_of(a)) list.emplace_back(v);
  }
  return raw;
}

const std::vector<std::string>* RawEntry::find(std::string_view name, bool* ranged) const {
  for (const auto& [attribute, values] : attributes) {
    if (equals_nocase(attribute, name)) return &values;
  }
  // AD sends "memberOf;range=0-1499" instead of "memberOf" when there are too many values.
  for (const auto& [attribute, values] : attributes) {
    if (ranged_form_of(attribute, name)) {
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
  EntryMapper mapper(options);
  EntryView view;
  view.assign(entry);
  MappedEntry mapped;
  std::vector<Employee> out;
  if (mapper.map(view, out, mapped.warnings, mapped.refused)) {
    mapped.employee = std::move(out.front());
  }
  return mapped;
}

}  // namespace valtuus::ldap
