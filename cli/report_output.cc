#include "cli/report_output.h"

#include "cli/command.h"
#include "cli/table.h"

namespace valtuus {

std::string report_format(const boost::program_options::variables_map& values) {
  const std::string format = values["format"].as<std::string>();
  if (format != "table" && format != "csv" && format != "json") {
    throw UsageError("--format: '" + format + "' is not one of table, csv, json");
  }
  return format;
}

std::string cell_text(const nlohmann::json& cell) {
  if (cell.is_null()) return "";
  if (cell.is_string()) return cell.get<std::string>();
  if (cell.is_boolean()) return cell.get<bool>() ? "true" : "false";
  if (cell.is_array()) {
    std::string joined;
    for (const auto& element : cell) joined += (joined.empty() ? "" : ", ") + cell_text(element);
    return joined;
  }
  return cell.dump();
}

void print_report(std::ostream& out, const Report& report, const std::string& format) {
  if (format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : report.rows) {
      nlohmann::json object = nlohmann::json::object();
      for (std::size_t c = 0; c < report.columns.size(); ++c)
        object[report.columns[c].field] = c < row.size() ? row[c] : nlohmann::json();
      rows.push_back(std::move(object));
    }
    const nlohmann::json document = {{"report", report.name},
                                     {"generated_at", report.generated_at},
                                     {"filters", report.filters},
                                     {"rows", std::move(rows)},
                                     {"summary", report.summary}};
    out << document.dump(2) << '\n';
    return;
  }
  // CSV's header names the fields as JSON does (for scripts); the table's is for people.
  Table table;
  for (const ReportColumn& column : report.columns)
    table.header.push_back(format == "csv" ? column.field : column.header);
  for (const auto& row : report.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(cell_text(cell));
    table.rows.push_back(std::move(cells));
  }
  if (format == "csv") {
    print_csv(out, table);
    return;
  }
  if (table.rows.empty()) {
    out << report.empty_text << '\n';
  } else {
    print_text(out, table);
  }
  for (const std::string& line : report.summary_lines) out << line << '\n';
}

nlohmann::json text_or_null(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

}  // namespace valtuus
