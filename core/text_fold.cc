#include "core/text_fold.h"

#include <cstdint>

namespace valtuus {

namespace {

bool is_ascii_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// Length in bytes of the Unicode white space character (Unicode's White_Space property,
// beyond ASCII) at `i`: NEL U+0085, no-break space U+00A0, Ogham space U+1680, the spaces
// U+2000..U+200A, line and paragraph separators U+2028/U+2029, U+202F, U+205F and the
// ideographic space U+3000. Values pasted from documents and HR systems carry them. 0 when
// there is none at `i`.
std::size_t unicode_space_at(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  if (i + 1 < text.size() && byte(i) == 0xC2 && (byte(i + 1) == 0xA0 || byte(i + 1) == 0x85)) {
    return 2;
  }
  if (i + 2 >= text.size()) return 0;
  const unsigned char a = byte(i), b = byte(i + 1), c = byte(i + 2);
  if (a == 0xE2 && b == 0x80 && (c <= 0x8A || c == 0xA8 || c == 0xA9 || c == 0xAF)) return 3;
  if (a == 0xE2 && b == 0x81 && c == 0x9F) return 3;  // U+205F
  if (a == 0xE1 && b == 0x9A && c == 0x80) return 3;  // U+1680
  if (a == 0xE3 && b == 0x80 && c == 0x80) return 3;  // U+3000
  return 0;
}

}  // namespace

std::string_view trim_space(std::string_view text) {
  for (;;) {
    if (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.front()))) {
      text.remove_prefix(1);
    } else if (std::size_t n = unicode_space_at(text, 0)) {
      text.remove_prefix(n);
    } else {
      break;
    }
  }
  for (;;) {
    if (!text.empty() && is_ascii_space(static_cast<unsigned char>(text.back()))) {
      text.remove_suffix(1);
      continue;
    }
    bool trimmed = false;
    for (std::size_t n : {std::size_t{2}, std::size_t{3}}) {
      if (text.size() >= n && unicode_space_at(text, text.size() - n) == n) {
        text.remove_suffix(n);
        trimmed = true;
        break;
      }
    }
    if (!trimmed) break;
  }
  return text;
}

std::size_t fold_to(std::string_view text, char* out) {
  text = trim_space(text);
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') {
      out[n++] = static_cast<char>(c + ('a' - 'A'));
    } else if (c == 0xC3 && i + 1 < text.size()) {
      // Latin-1 capitals U+00C0..U+00DE (Å Ä Ö É Ü ...) are C3 80..C3 9E in UTF-8; their small
      // letters are 0x20 higher. U+00D7 (×) is not a letter and stays.
      auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9E && next != 0x97)
        next = static_cast<unsigned char>(next + 0x20);
      out[n++] = static_cast<char>(c);
      out[n++] = static_cast<char>(next);
      ++i;
    } else {
      out[n++] = static_cast<char>(c);
    }
  }
  return n;
}

std::string fold(std::string_view text) {
  std::string out(text.size(), '\0');
  out.resize(fold_to(text, out.data()));
  return out;
}

bool folded_equal(std::string_view a, std::string_view b) {
  return fold(a) == fold(b);
}

std::size_t display_width(std::string_view utf8) {
  std::size_t width = 0;
  for (char ch : utf8) {
    // Count every byte that does not continue a multi-byte sequence.
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++width;
  }
  return width;
}

}  // namespace valtuus
