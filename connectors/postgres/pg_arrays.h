// PostgreSQL array literals for statement parameters: values travel as data, never as SQL.
#pragma once

#include <string>
#include <vector>

namespace valtuus {

// {"a","b\"c"}: a text[] literal, every element quoted and escaped.
std::string text_array_literal(const std::vector<std::string>& values);

// {t,f} and {1,2}: boolean[] and integer/bigint[] literals.
std::string bool_array_literal(const std::vector<bool>& values);
std::string number_array_literal(const std::vector<long long>& values);

// Parses a text[] value as libpq returns it ({a,"b c",NULL}); NULL elements are skipped.
std::vector<std::string> parse_text_array(const std::string& literal);

}  // namespace valtuus
