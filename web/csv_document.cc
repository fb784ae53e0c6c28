#include "web/csv_document.h"

namespace valtuus {

namespace {

std::string field(const CsvCell& cell) {
  // A leading apostrophe keeps a spreadsheet from reading the cell as a formula. Built by
  // appending, not insert(0, ...), which GCC 12 at -O2 flags with a false -Wrestrict.
  const bool formula_like = !cell.number && !cell.text.empty() &&
                            std::string("=+-@\t\r").find(cell.text[0]) != std::string::npos;
  std::string value = formula_like ? std::string("'") : std::string();
  value += cell.text;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void append_row(std::string& out, const std::vector<CsvCell>& row) {
  for (std::size_t c = 0; c < row.size(); ++c) {
    if (c) out += ',';
    out += field(row[c]);
  }
  out += "\r\n";
}

}  // namespace

std::string csv_document(const std::vector<std::string>& header,
                         const std::vector<std::vector<CsvCell>>& rows) {
  std::string out;
  std::vector<CsvCell> names;
  for (const auto& name : header) names.push_back({name, false});
  append_row(out, names);
  for (const auto& row : rows) append_row(out, row);
  return out;
}

}  // namespace valtuus
