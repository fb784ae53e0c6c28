// CSV downloads of the security pages: RFC 4180 (CRLF, fields quoted when they hold a comma,
// quote or line break), a header row of field names as valtuusctl's --format csv writes. A text
// cell that a spreadsheet would run as a formula (= + - @ and tab or CR first) gets a leading
// apostrophe: names and departments come from the directory, which anyone may edit somewhere.
#pragma once

#include <string>
#include <vector>

namespace valtuus {

struct CsvCell {
  std::string text;
  bool number = false;  // numbers are written as they are (a negative number is no formula)
};

std::string csv_document(const std::vector<std::string>& header,
                         const std::vector<std::vector<CsvCell>>& rows);

}  // namespace valtuus
