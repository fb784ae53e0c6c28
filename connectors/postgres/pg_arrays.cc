#include "connectors/postgres/pg_arrays.h"

namespace valtuus {

std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string bool_array_literal(const std::vector<bool>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += values[i] ? 't' : 'f';
  }
  return out + "}";
}

std::string number_array_literal(const std::vector<long long>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::vector<std::string> parse_text_array(const std::string& literal) {
  std::vector<std::string> values;
  if (literal.size() < 2) return values;
  std::size_t i = 1;  // past '{'
  while (i < literal.size() && literal[i] != '}') {
    std::string value;
    bool quoted = false;
    if (literal[i] == '"') {
      quoted = true;
      for (++i; i < literal.size() && literal[i] != '"'; ++i) {
        if (literal[i] == '\\' && i + 1 < literal.size()) ++i;
        value += literal[i];
      }
      ++i;  // closing quote
    } else {
      for (; i < literal.size() && literal[i] != ',' && literal[i] != '}'; ++i) value += literal[i];
    }
    if (quoted || value != "NULL") values.push_back(std::move(value));
    if (i < literal.size() && literal[i] == ',') ++i;
  }
  return values;
}

}  // namespace valtuus
