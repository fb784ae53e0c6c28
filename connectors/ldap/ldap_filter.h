// Building LDAP search filters safely. A value placed in a filter without escaping can change
// the filter's meaning (a name "*" would match everyone), so every value goes through here.
#pragma once

#include <string>
#include <string_view>

namespace valtuus::ldap {

// RFC 4515 escaping of an assertion value: '*', '(', ')', '\' and NUL become \2a, \28, \29,
// \5c and \00. Everything else, including UTF-8, is kept as it is. Pure.
std::string escape_filter_value(std::string_view value);

// "(attribute=escaped value)": an equality filter for one value. Pure.
std::string equality_filter(std::string_view attribute, std::string_view value);

}  // namespace valtuus::ldap
