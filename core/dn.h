// Distinguished names as values (RFC 4514), for matching configured DNs such as
// reconcile.leavers_ou against an entry's position in the directory. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace valtuus {

// One RDN's attribute-value pairs ("CN=a+OU=b" has two), each type lowercased and each value
// unescaped and folded (core/text_fold.h), sorted so that the order within an RDN does not
// matter.
using NormalizedRdn = std::vector<std::pair<std::string, std::string>>;

// The RDNs of `dn` from the entry itself to the root ("CN=a,OU=b,DC=x" gives cn=a, ou=b,
// dc=x), normalized; nullopt when `dn` is not a DN (empty, an RDN without '=', an escape that
// is neither a special character nor two hex digits, an unfinished quote).
// Understands `\,` `\+` `\"` `\\` `\<` `\>` `\;` `\=` `\#` `\ ` and hex pairs such as `\2C`
// or `\C3\A4` (UTF-8 bytes); a value in double quotes (RFC 2253's older form) too.
std::optional<std::vector<NormalizedRdn>> parse_dn(std::string_view dn);

// Whether `dn` names `base` itself or an entry anywhere under it, comparing types without
// regard to case and values as core/text_fold.h folds them. False when either does not parse.
bool dn_within(std::string_view dn, std::string_view base);

// Configured OUs, parsed once, to ask of many entries whether they are in or under one of them
// (dn_within for each, with every entry's DN parsed once). An OU that does not parse matches
// nothing.
class OuSet {
 public:
  explicit OuSet(const std::vector<std::string>& ous);
  bool empty() const { return ous_.empty(); }
  bool contains(std::string_view dn) const;
  // For an entry already parsed (parse_dn), when several sets are asked about one entry.
  bool contains(const std::vector<NormalizedRdn>& entry) const;

 private:
  std::vector<std::vector<NormalizedRdn>> ous_;
};

// Why `text` cannot be used as a configured DN (e.g. a bare OU name), or nullopt when it can.
std::optional<std::string> dn_problem(std::string_view text);

}  // namespace valtuus
