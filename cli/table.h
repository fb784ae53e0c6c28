// Plain-text tables for people, and RFC 4180 CSV for spreadsheets. Column widths count
// characters, not bytes, so names with Å, Ä and Ö line up.
#pragma once

#include <functional>
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

// The same layout for `rows` rows whose cells `cell(row, column)` makes when asked (twice each:
// once for the widths, once to print), so that a long table is never held whole.
void print_text_rows(std::ostream& out, const std::vector<std::string>& header, std::size_t rows,
                     const std::function<std::string(std::size_t, std::size_t)>& cell,
                     std::size_t max_cell_width = 60);
void print_csv(std::ostream& out, const Table& table);

// One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF.
std::string csv_field(const std::string& value);

}  // namespace valtuus
