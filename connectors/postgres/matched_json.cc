#include "connectors/postgres/matched_json.h"

#include <nlohmann/json.hpp>

namespace valtuus {

namespace {

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF),
// the input dump() accepts.
bool valid_utf8(const std::string& text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int more = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (end - p <= more) return false;
    if (p[1] < low || p[1] > high) return false;
    for (int i = 2; i <= more; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += more + 1;
  }
  return true;
}

// A JSON string as dump() writes it: quotes, backslash and control characters escaped (the
// short forms where JSON has them), everything else as is.
void append_string(std::string& out, const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string matched_json(const Provenance& provenance) {
  std::string out = "[";
  for (const auto& [attribute, value] : provenance.matched) {
    if (!valid_utf8(attribute) || !valid_utf8(value)) {
      // dump()'s own error, word for word.
      nlohmann::json matched = nlohmann::json::array();
      matched.push_back({{"attribute", attribute}, {"value", value}});
      return matched.dump();
    }
    if (out.size() > 1) out += ',';
    out += "{\"attribute\":";
    append_string(out, attribute);
    out += ",\"value\":";
    append_string(out, value);
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace valtuus
