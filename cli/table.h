// Plain-text tables for people, and RFC 4180 CSV for spreadsheets. Column widths count
// characters, not bytes, so names with Å, Ä and Ö line up.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace valtuus {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::size_t max_cell_width = 60;  // longer cells are cut with "…" in text output (not in CSV)
};

void print_text(std::ostream& out, const Table& table);
void print_csv(std::ostream& out, const Table& table);

// One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF.
std::string csv_field(const std::string& value);

}  // namespace valtuus
