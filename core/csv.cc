#include "core/csv.h"

namespace valtuus {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Length of the UTF-8 sequence starting at text[i], or 0 when it is not valid UTF-8 (overlong
// forms, surrogates and code points above U+10FFFF included).
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) low = 0xA0;
    if (b == 0xED) high = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) low = 0x90;
    if (b == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {
    if (text_.substr(0, kBom.size()) == kBom) pos_ = kBom.size();
  }

  CsvResult run() {
    CsvResult result;
    while (pos_ < text_.size() && !error_) {
      CsvRecord record;
      record.line = line_;
      read_record(record);
      if (!error_) result.records.push_back(std::move(record));
    }
    result.error = std::move(error_);
    return result;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  // Consumes a line break (CRLF, LF or a lone CR) if one is here.
  bool take_line_break() {
    if (at_end()) return false;
    if (peek() == '\n' || peek() == '\r') {
      if (peek() == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
      ++pos_;
      ++line_;
      column_ = 1;
      return true;
    }
    return false;
  }

  // Appends one character (a whole UTF-8 sequence) to `out`; false after reporting bad bytes.
  bool take_char(std::string& out) {
    const std::size_t n = utf8_length(text_, pos_);
    if (n == 0) {
      fail(line_, column_, "not UTF-8 text; save the file as \"CSV UTF-8\"");
      return false;
    }
    out.append(text_.substr(pos_, n));
    pos_ += n;
    ++column_;
    return true;
  }

  void fail(std::size_t line, std::size_t column, std::string message) {
    error_ = CsvError{line, column, std::move(message)};
  }

  void read_record(CsvRecord& record) {
    for (;;) {
      std::string field;
      const bool ok = !at_end() && peek() == '"' ? read_quoted(field) : read_plain(field);
      if (!ok) return;
      record.fields.push_back(std::move(field));
      if (at_end() || take_line_break()) return;
      ++pos_;  // the comma: both field readers stop only at a comma, a line break or the end
      ++column_;
    }
  }

  bool read_plain(std::string& field) {
    while (!at_end() && peek() != ',' && peek() != '\n' && peek() != '\r') {
      if (peek() == '"') {
        fail(line_, column_, "a quote inside an unquoted field; quote the whole field");
        return false;
      }
      if (!take_char(field)) return false;
    }
    return true;
  }

  bool read_quoted(std::string& field) {
    const std::size_t open_line = line_, open_column = column_;
    ++pos_;
    ++column_;
    for (;;) {
      if (at_end()) {
        fail(open_line, open_column, "the quote opened here is never closed");
        return false;
      }
      if (peek() == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {  // "" stands for "
          field.push_back('"');
          pos_ += 2;
          column_ += 2;
          continue;
        }
        ++pos_;
        ++column_;
        if (!at_end() && peek() != ',' && peek() != '\n' && peek() != '\r') {
          fail(line_, column_, "text after a closing quote; double a quote inside a field");
          return false;
        }
        return true;
      }
      if (peek() == '\n' || peek() == '\r') {
        // A line break inside quotes belongs to the field; CRLF is kept as LF.
        take_line_break();
        field.push_back('\n');
        continue;
      }
      if (!take_char(field)) return false;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t column_ = 1;
  std::optional<CsvError> error_;
};

}  // namespace

CsvResult parse_csv(std::string_view text) {
  return Reader(text).run();
}

}  // namespace valtuus
