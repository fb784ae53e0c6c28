// One shape for every oversight report, printed as a table for people, RFC 4180 CSV with a
// header row naming the fields (as JSON does) for spreadsheets, or JSON for scripts. The JSON is a
// stable contract (documented in docs/reports.md): {"report", "generated_at", "filters", "rows":
// [{field: value}], "summary"}; fields are only ever added.
#pragma once

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace valtuus {

struct ReportColumn {
  std::string field;   // JSON key
  std::string header;  // table and CSV header
};

struct Report {
  Report(std::string report_name, std::string at, nlohmann::json report_filters)
      : name(std::move(report_name)),
        generated_at(std::move(at)),
        filters(std::move(report_filters)) {}

  std::string name;
  std::string generated_at;
  nlohmann::json filters = nlohmann::json::object();
  std::vector<ReportColumn> columns;
  std::vector<std::vector<nlohmann::json>> rows;  // one cell per column
  nlohmann::json summary = nlohmann::json::object();
  std::vector<std::string> summary_lines;  // after the table in text output only
  std::string empty_text;                  // the table's line when there are no rows
};

// --format's value; throws UsageError unless it is table, csv or json.
std::string report_format(const boost::program_options::variables_map& values);

// A cell as text: strings as they are, null as empty, booleans as true/false, arrays joined
// with ", ".
std::string cell_text(const nlohmann::json& cell);

// A cell for a value that may be absent: JSON null (an empty cell in table and CSV) when it is.
nlohmann::json text_or_null(const std::string& text);
template <typename Number>
nlohmann::json number_or_null(const std::optional<Number>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

void print_report(std::ostream& out, const Report& report, const std::string& format);

}  // namespace valtuus
