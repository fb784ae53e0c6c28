// Reading what a browser sends: form bodies and query strings
// (application/x-www-form-urlencoded) and cookies. Pure.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace valtuus {

using FormFields = std::map<std::string, std::string>;  // a repeated name keeps its last value

// Percent-decoding with '+' as space; nullopt for a malformed escape or a NUL byte.
std::optional<std::string> url_decode(std::string_view text);
std::string url_encode(std::string_view text);

// "a=1&b=two+words"; malformed pairs are skipped.
FormFields parse_form(std::string_view body);

// The query of a request target ("/path?a=1" gives a=1).
FormFields parse_query(std::string_view target);
std::string_view target_path(std::string_view target);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace valtuus
