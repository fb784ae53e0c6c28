// Text comparison as the policy language defines it: case is ignored, surrounding white space
// is ignored, and Finnish and Swedish letters (Å, Ä, Ö, and the other Latin-1 letters) fold
// like ASCII ones. Pure functions over UTF-8; invalid UTF-8 bytes are kept as they are.
#pragma once

#include <string>
#include <string_view>

namespace valtuus {

// `text` without surrounding white space: ASCII (space, TAB, LF, VT, FF, CR) and Unicode's
// (no-break, typographic and ideographic spaces, NEL, line and paragraph separators).
std::string_view trim_space(std::string_view text);

// Trims white space as trim_space does and lowercases ASCII and Latin-1 letters.
std::string fold(std::string_view text);

// fold(text) written to `out`, which has room for text.size() characters (folding never
// lengthens a text); returns its length. For a caller that folds a value only to digest it.
std::size_t fold_to(std::string_view text, char* out);

// fold(a) == fold(b), without allocating for the common ASCII case.
bool folded_equal(std::string_view a, std::string_view b);

// Number of code points, for aligning UTF-8 text in columns.
std::size_t display_width(std::string_view utf8);

}  // namespace valtuus
