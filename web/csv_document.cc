#include "web/csv_document.h"

namespace valtuus {

namespace {

std::string field(const CsvCell& cell) {
  std::string value = cell.text;
  if (!cell.number && !value.empty() && std::string("=+-@\t\r").find(value[0]) != std::string::npos)
    value.insert(0, "'");
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
