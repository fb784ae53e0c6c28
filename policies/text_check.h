// Internal to the policy loader: checks that a policy file is UTF-8 text before YAML sees it,
// and converts byte offsets to the line and column a person sees in an editor.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace valtuus::policy_internal {

struct TextProblem {
  std::size_t offset;   // of the first bad byte
  std::string message;  // what is wrong there, and a hint
};

// The first byte that is not part of well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF), or a control character other than tab, line feed and carriage
// return. A leading UTF-8 byte order mark is allowed.
std::optional<TextProblem> check_text(std::string_view text);

// The 1-based column, in code points, of byte `offset` on its line.
int column_at(std::string_view text, std::size_t offset);

// The 1-based line of byte `offset`.
int line_at(std::string_view text, std::size_t offset);

}  // namespace valtuus::policy_internal
