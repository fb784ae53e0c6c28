#include "cli/table.h"

#include <algorithm>

#include "core/text_fold.h"

namespace valtuus {

namespace {

// Cuts `text` to `width` characters, ending with "…" when cut; never splits a UTF-8 sequence.
std::string cut(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) return text;
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool starts_char = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts_char && ++chars > width - 1) break;
    out.push_back(text[i]);
  }
  return out + "…";
}

}  // namespace

void print_text_rows(std::ostream& out, const std::vector<std::string>& header, std::size_t rows,
                     const std::function<std::string(std::size_t, std::size_t)>& cell,
                     std::size_t max_cell_width) {
  const std::size_t columns = header.size();
  std::vector<std::size_t> widths(columns, 0);
  for (std::size_t c = 0; c < columns; ++c)
    widths[c] = display_width(cut(header[c], max_cell_width));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns; ++c) {
      widths[c] = std::max(widths[c], display_width(cut(cell(r, c), max_cell_width)));
    }
  }
  std::string line;
  const auto print_row = [&](const auto& value) {
    line.clear();
    for (std::size_t c = 0; c < columns; ++c) {
      const std::string text = cut(value(c), max_cell_width);
      line += text;
      if (c + 1 < columns) line.append(widths[c] - display_width(text) + 2, ' ');
    }
    out << line << '\n';
  };
  print_row([&](std::size_t c) { return header[c]; });
  for (std::size_t r = 0; r < rows; ++r) print_row([&](std::size_t c) { return cell(r, c); });
}

void print_text(std::ostream& out, const Table& table) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(table.header);
  for (const auto& row : table.rows) {
    std::vector<std::string> cut_row;
    for (const auto& cell : row) cut_row.push_back(cut(cell, table.max_cell_width));
    cells.push_back(std::move(cut_row));
  }
  std::vector<std::size_t> widths(table.header.size(), 0);
  for (const auto& row : cells)
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], display_width(row[c]));
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - display_width(row[c]) + 2, ' ');
    }
    out << line << '\n';
  }
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void print_csv(std::ostream& out, const Table& table) {
  auto print_row = [&](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) out << (c ? "," : "") << csv_field(row[c]);
    out << "\r\n";
  };
  print_row(table.header);
  for (const auto& row : table.rows) print_row(row);
}

}  // namespace valtuus
