#include "policies/text_check.h"

#include <algorithm>
#include <cstdio>

namespace valtuus::policy_internal {
namespace {

std::string hex_byte(unsigned char byte) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned>(byte));
  return buffer;
}

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// Length of the well-formed UTF-8 sequence at text[i], or 0 (Unicode table 3-7).
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = at(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // no overlong forms
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // no overlong forms
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (at(i + 1) < low || at(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (!is_continuation(at(i + k))) return 0;
  }
  return length;
}

}  // namespace

std::optional<TextProblem> check_text(std::string_view text) {
  std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7F) {
      std::string message = "control character " + hex_byte(byte) + " in the text";
      if (byte == 0) message += " (is the file UTF-16? save it as UTF-8)";
      return TextProblem{i, message};
    }
    const std::size_t length = sequence_length(text, i);
    if (length == 0) {
      return TextProblem{i, "not valid UTF-8: byte " + hex_byte(byte) +
                                " (is the file Latin-1 or Windows-1252? save it as UTF-8)"};
    }
    i += length;
  }
  return std::nullopt;
}

int line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const auto newlines = std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n');
  return static_cast<int>(newlines) + 1;
}

int column_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  const std::size_t newline = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  std::size_t start = (newline == std::string_view::npos || newline >= offset) ? 0 : newline + 1;
  if (start == 0 && text.starts_with("\xEF\xBB\xBF") && offset >= 3) start = 3;
  int column = 1;
  for (std::size_t i = start; i < offset; ++i) {
    if (!is_continuation(static_cast<unsigned char>(text[i]))) ++column;
  }
  return column;
}

}  // namespace valtuus::policy_internal
