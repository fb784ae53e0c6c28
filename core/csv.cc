#include "core/csv.h"

#include <istream>

namespace valtuus {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// read_csv() holds one record whole; a longer one is not a spreadsheet row.
constexpr std::size_t kMaxRecordBytes = 16 * 1024 * 1024;

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
  // `first_line`: the line the text starts on (a later piece of a file); a byte order mark is
  // skipped only at the start of the file.
  explicit Reader(std::string_view text, std::size_t first_line = 1)
      : text_(text), line_(first_line) {
    if (first_line == 1 && text_.substr(0, kBom.size()) == kBom) pos_ = kBom.size();
  }

  CsvResult run() {
    CsvResult result;
    result.error = each([&](CsvRecord& record) {
      result.records.push_back(std::move(record));
      return true;
    });
    return result;
  }

  // Reads records until the end, an error or `take` returning false.
  template <typename Take>
  std::optional<CsvError> each(Take&& take) {
    while (pos_ < text_.size() && !error_) {
      CsvRecord record;
      record.line = line_;
      read_record(record);
      if (error_ || !take(record)) break;
    }
    return std::move(error_);
  }

  std::size_t line() const { return line_; }

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
  std::size_t line_;
  std::size_t column_ = 1;
  std::optional<CsvError> error_;
};

}  // namespace

CsvResult parse_csv(std::string_view text) {
  return Reader(text).run();
}

std::optional<CsvError> read_csv(std::istream& in, const std::function<bool(CsvRecord&)>& each,
                                 std::size_t chunk_bytes) {
  // The file is read a chunk at a time and parsed up to its last line break outside quotes,
  // where a record of valid CSV ends: a doubled quote flips the state twice, so counting quotes
  // tells inside from outside. (In invalid CSV the reader stops at the first stray quote, which
  // lies before any cut made after it.) What follows the cut waits for the next chunk.
  std::string buffer;
  std::size_t scanned = 0;  // bytes of `buffer` whose quote state is known
  bool quoted = false;
  std::size_t line = 1;
  std::string chunk(chunk_bytes, '\0');
  bool more = true;
  while (more) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    more = got == chunk.size();
    if (!more && in.bad()) return CsvError{line, 0, "cannot read the file"};
    buffer.append(chunk, 0, got);
    std::size_t cut = 0;  // one past the last line break outside quotes
    for (std::size_t i = scanned; i < buffer.size(); ++i) {
      if (buffer[i] == '"') quoted = !quoted;
      if (buffer[i] == '\n' && !quoted) cut = i + 1;
    }
    scanned = buffer.size();
    if (more && cut == 0) {  // one record longer than a chunk: read on, within reason
      if (buffer.size() > kMaxRecordBytes) {
        return CsvError{line, 0, "a row longer than 16 MiB; is it the right file?"};
      }
      continue;
    }
    const std::size_t end = more ? cut : buffer.size();
    Reader reader(std::string_view(buffer).substr(0, end), line);
    bool stopped = false;
    std::optional<CsvError> error = reader.each([&](CsvRecord& record) {
      stopped = !each(record);
      return !stopped;
    });
    if (error || stopped) return error;
    line = reader.line();
    buffer.erase(0, end);
    scanned = buffer.size();
  }
  return std::nullopt;
}

}  // namespace valtuus
