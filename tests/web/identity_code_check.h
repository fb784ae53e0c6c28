// Whether a text shows a Finnish identity code (DDMMYY, century sign, individual number, check
// character). The code must stand alone: person references are random UUIDs, and about one in
// a hundred has six decimal digits, a hyphen and four more inside it ("…123456-7890-…"), which
// is not an identity code and must not fail a page.
#pragma once

#include <regex>
#include <string>

namespace valtuus::testing {

inline bool shows_identity_code(const std::string& text) {
  static const std::regex code(R"((^|[^0-9A-Za-z])\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]([^0-9A-Za-z]|$))");
  return std::regex_search(text, code);
}

}  // namespace valtuus::testing
