#include "connectors/ldap/ldap_filter.h"

namespace valtuus::ldap {

std::string escape_filter_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '*':
        out += "\\2a";
        break;
      case '(':
        out += "\\28";
        break;
      case ')':
        out += "\\29";
        break;
      case '\\':
        out += "\\5c";
        break;
      case '\0':
        out += "\\00";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string equality_filter(std::string_view attribute, std::string_view value) {
  std::string out = "(";
  out += attribute;
  out += '=';
  out += escape_filter_value(value);
  out += ')';
  return out;
}

}  // namespace valtuus::ldap
