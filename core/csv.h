// A strict RFC 4180 CSV reader for files people export from spreadsheets: quoted fields,
// doubled quotes, CRLF, LF (or lone CR) line ends, line breaks inside quoted fields and a UTF-8
// byte order mark. Pure: it reads text already in memory, so that it can be tested alone.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace valtuus {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts (a quoted field may span lines)
  std::vector<std::string> fields;
};

// Where and why the text is not CSV. Column counts characters (code points), not bytes, so it
// matches what an editor shows for lines with Å, Ä and Ö.
struct CsvError {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;  // never quotes the text itself: a field may hold personal data
};

struct CsvResult {
  std::vector<CsvRecord> records;
  std::optional<CsvError> error;  // set: records are incomplete and must not be used
};

// Reads all records. A line break at the very end of the text does not start a record; an
// empty line elsewhere is a record with one empty field (callers decide what it means).
// Errors: a quote left open at the end of the text, a quote inside an unquoted field, text
// after a closing quote, and bytes that are not UTF-8 (a file saved as Latin-1 or ANSI).
CsvResult parse_csv(std::string_view text);

// The same records from a stream, read `chunk_bytes` at a time and handed to `each` as they are
// parsed, so that memory holds a chunk, not the file. Stops at the first error (returned) or
// when `each` returns false.
std::optional<CsvError> read_csv(std::istream& in, const std::function<bool(CsvRecord&)>& each,
                                 std::size_t chunk_bytes = 1 << 20);

}  // namespace valtuus
