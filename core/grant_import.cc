#include "core/grant_import.h"

#include <array>
#include <cstdio>
#include <istream>
#include <map>
#include <unordered_map>

#include "core/text_fold.h"

namespace valtuus {

namespace {

using std::chrono::year_month_day;

constexpr std::array<std::string_view, 4> kRequired = {"account", "mandate", "valid_from",
                                                       "valid_until"};
constexpr std::array<std::string_view, 3> kOptional = {"identity_code", "granted_by", "note"};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Trims ASCII white space and no-break spaces (U+00A0), which spreadsheets like to leave.
std::string trim(std::string_view text) {
  constexpr std::string_view kNbsp = "\xC2\xA0";
  for (;;) {
    if (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) {
      text.remove_prefix(1);
    } else if (text.substr(0, 2) == kNbsp) {
      text.remove_prefix(2);
    } else if (!text.empty() &&
               (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) {
      text.remove_suffix(1);
    } else if (text.size() >= 2 && text.substr(text.size() - 2) == kNbsp) {
      text.remove_suffix(2);
    } else {
      return std::string(text);
    }
  }
}

// A value for a message: quoted, shortened, and never an identity code.
std::string shown(std::string_view value) {
  if (contains_identity_code(value)) return "(value not shown: it looks like an identity code)";
  std::string text(value.substr(0, 60));
  if (text.size() < value.size()) text += "...";
  return "'" + text + "'";
}

bool is_blank(const CsvRecord& record) {
  for (const std::string& field : record.fields) {
    if (!trim(field).empty()) return false;
  }
  return true;
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

class Validator {
 public:
  Validator(const std::set<std::string>& known, year_month_day today)
      : known_(known), today_(today) {}

  // One record of the file, in order.
  void add(CsvRecord& record) {
    // Empty rows wait: at the end of the file they are fine, before another row a problem.
    if (is_blank(record)) {
      blank_.push_back(std::move(record));
      return;
    }
    for (const CsvRecord& blank : blank_) take(blank);
    blank_.clear();
    take(record);
  }

  GrantImport finish() {
    if (!header_seen_) {
      problem(1, "header", "the file has no header row; the first row must name the columns");
    }
    if (!result_.problems.empty()) result_.records.clear();
    return std::move(result_);
  }

 private:
  void take(const CsvRecord& record) {
    if (!header_seen_) {
      header_seen_ = true;
      header_ok_ = read_header(record);
    } else if (header_ok_) {
      read_row(record);
    }
  }

  void problem(std::size_t line, std::string column, std::string message) {
    result_.problems.push_back({line, 0, std::move(column), std::move(message)});
  }

  bool read_header(const CsvRecord& header) {
    const std::size_t before = result_.problems.size();
    std::vector<std::string> unknown;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const std::string name = fold(header.fields[i]);
      if (name.empty()) {
        problem(header.line, "header", "column " + std::to_string(i + 1) + " has no name");
      } else if (columns_.count(name)) {
        problem(header.line, "header", "column '" + name + "' appears twice");
      } else {
        columns_[name] = i;
        bool known = false;
        for (auto k : kRequired) known = known || name == k;
        for (auto k : kOptional) known = known || name == k;
        if (!known) unknown.push_back("'" + name + "'");
      }
    }
    width_ = header.fields.size();
    if (width_ == 1 && header.fields[0].find(';') != std::string::npos) {
      problem(header.line, "header",
              "the columns are separated by semicolons; save the file as \"CSV UTF-8 (comma "
              "delimited)\"");
      return false;
    }
    if (!unknown.empty()) {
      problem(header.line, "header",
              "unknown column(s) " + join(unknown) +
                  "; the columns are account, mandate, valid_from, valid_until and optionally "
                  "identity_code, granted_by, note");
    }
    std::vector<std::string> missing;
    for (auto name : kRequired) {
      if (!columns_.count(std::string(name))) missing.emplace_back(name);
    }
    if (!missing.empty()) {
      problem(header.line, "header", "missing required column(s) " + join(missing));
    }
    result_.has_identity_code_column = columns_.count("identity_code") > 0;
    return result_.problems.size() == before;
  }

  // The trimmed value of a column, or "" when the file has no such column.
  std::string value(const CsvRecord& row, const char* column) const {
    auto found = columns_.find(column);
    return found == columns_.end() ? std::string() : trim(row.fields[found->second]);
  }

  void read_row(const CsvRecord& row) {
    const std::size_t line = row.line;
    if (is_blank(row)) {
      problem(line, "row", "an empty row; remove it");
      return;
    }
    if (row.fields.size() != width_) {
      problem(line, "row",
              "has " + std::to_string(row.fields.size()) + " fields; the header has " +
                  std::to_string(width_) + " (a comma inside a value needs quotes)");
      return;
    }
    const std::size_t before = result_.problems.size();
    GrantRecord record;
    record.line = line;
    record.account = value(row, "account");
    record.mandate = value(row, "mandate");
    record.granted_by = value(row, "granted_by");
    record.note = value(row, "note");

    if (record.account.empty()) {
      problem(line, "account", "missing");
    } else if (contains_identity_code(record.account)) {
      problem(line, "account",
              "looks like an identity code (not shown); it belongs in identity_code");
    } else if (record.account.find_first_of("\t\n ") != std::string::npos) {
      problem(line, "account", shown(record.account) + " contains white space");
    }
    check_mandate(line, record.mandate);
    const bool current = check_dates(line, row, record);
    if (result_.has_identity_code_column && value(row, "identity_code").empty()) {
      problem(line, "identity_code", "missing; fill it in or remove the column");
    }
    for (const char* column : {"granted_by", "note"}) {
      if (contains_identity_code(value(row, column))) {
        problem(line, column,
                "contains what looks like an identity code (not shown); the audit trail keeps "
                "this text forever, so remove it");
      }
    }
    if (result_.problems.size() != before || !current) return;
    // The same grant twice would hide a typo in one of them; the store could keep only one.
    const std::string key = fold(record.account) + '\n' + record.mandate;
    auto [first, inserted] = seen_.emplace(key, line);
    if (!inserted) {
      problem(line, "mandate",
              "account " + shown(record.account) + " has " + shown(record.mandate) +
                  " already on line " + std::to_string(first->second));
      return;
    }
    result_.records.push_back(std::move(record));
  }

  void check_mandate(std::size_t line, const std::string& mandate) {
    if (mandate.empty()) {
      problem(line, "mandate", "missing");
      return;
    }
    if (known_.count(mandate)) return;
    std::string hint;
    for (const std::string& id : known_) {
      if (folded_equal(id, mandate)) hint = " (did you mean '" + id + "'?)";
    }
    problem(line, "mandate", "unknown mandate " + shown(mandate) + hint);
  }

  // False when the row is valid but not to be imported (it has ended).
  bool check_dates(std::size_t line, const CsvRecord& row, GrantRecord& record) {
    std::optional<year_month_day> dates[2];
    const char* names[2] = {"valid_from", "valid_until"};
    for (int i = 0; i < 2; ++i) {
      const std::string text = value(row, names[i]);
      if (text.empty()) {
        problem(line, names[i], "missing (YYYY-MM-DD)");
      } else if (!(dates[i] = parse_iso_date(text))) {
        problem(line, names[i], shown(text) + " is not a date YYYY-MM-DD");
      }
    }
    if (!dates[0] || !dates[1]) return true;
    record.valid_from = *dates[0];
    record.valid_until = *dates[1];
    const auto from = std::chrono::sys_days{record.valid_from};
    const auto until = std::chrono::sys_days{record.valid_until};
    if (until <= from) {
      problem(line, "valid_until", "must be after valid_from (" + format_iso_date(*dates[0]) + ")");
    } else if ((until - from).count() > kMaxGrantDays) {
      problem(line, "valid_until",
              "more than 25 years (" + std::to_string(kMaxGrantDays) + " days) after valid_from");
    } else if (until < std::chrono::sys_days{today_}) {
      result_.warnings.push_back(
          {line, 0, "valid_until",
           "ended on " + format_iso_date(*dates[1]) + "; not held any more, so skipped"});
      return false;
    }
    return true;
  }

  const std::set<std::string>& known_;
  const year_month_day today_;
  std::map<std::string, std::size_t> columns_;  // folded name -> field index
  std::size_t width_ = 0;
  std::unordered_map<std::string, std::size_t> seen_;  // folded account + mandate -> first line
  std::vector<CsvRecord> blank_;                       // empty rows after the last row that was not
  bool header_seen_ = false;
  bool header_ok_ = false;
  GrantImport result_;
};

}  // namespace

GrantImport validate_grant_rows(const std::vector<CsvRecord>& rows,
                                const std::set<std::string>& known_mandates,
                                std::chrono::year_month_day today) {
  Validator validator(known_mandates, today);
  for (CsvRecord record : rows) validator.add(record);
  return validator.finish();
}

GrantImport read_grant_csv(std::string_view text, const std::set<std::string>& known_mandates,
                           std::chrono::year_month_day today) {
  CsvResult csv = parse_csv(text);
  if (csv.error) {
    GrantImport failed;
    failed.problems.push_back({csv.error->line, csv.error->column, "", csv.error->message});
    return failed;
  }
  return validate_grant_rows(csv.records, known_mandates, today);
}

GrantImport read_grant_csv(std::istream& in, const std::set<std::string>& known_mandates,
                           std::chrono::year_month_day today, std::size_t max_rows) {
  Validator validator(known_mandates, today);
  // The header and max_rows rows; empty rows count too, but only beyond as many again.
  std::size_t rows = 0, records = 0, last_line = 0;
  bool over = false;
  const std::optional<CsvError> error = read_csv(in, [&](CsvRecord& record) {
    last_line = record.line;
    if (!is_blank(record)) ++rows;
    over = rows > max_rows + 1 || ++records > 2 * (max_rows + 1);
    if (over) return false;
    validator.add(record);
    return true;
  });
  GrantImport failed;
  if (error) {
    failed.problems.push_back({error->line, error->column, "", error->message});
    return failed;
  }
  if (over) {
    failed.problems.push_back(
        {last_line, 0, "row",
         "the file has more than " + std::to_string(max_rows) + " rows; import it in parts"});
    return failed;
  }
  return validator.finish();
}

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(text[i])) return std::nullopt;
  }
  const auto number = [&](std::size_t from, std::size_t length) {
    int n = 0;
    for (std::size_t i = from; i < from + length; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const year_month_day date{std::chrono::year{number(0, 4)},
                            std::chrono::month{static_cast<unsigned>(number(5, 2))},
                            std::chrono::day{static_cast<unsigned>(number(8, 2))}};
  if (!date.ok()) return std::nullopt;  // 2023-02-29, 2024-13-01, 2024-04-31
  return date;
}

bool contains_identity_code(std::string_view text) {
  constexpr std::string_view kCentury = "+-ABCDEFYXWVUabcdefyxwvu";
  constexpr std::string_view kCheck = "0123456789ABCDEFHJKLMNPRSTUVWXYabcdefhjklmnprstuvwxy";
  for (std::size_t i = 0; i + 11 <= text.size(); ++i) {
    const std::string_view s = text.substr(i, 11);
    bool digits = true;
    for (std::size_t k : {0, 1, 2, 3, 4, 5, 7, 8, 9}) digits = digits && is_digit(s[k]);
    if (!digits || kCentury.find(s[6]) == std::string_view::npos ||
        kCheck.find(s[10]) == std::string_view::npos) {
      continue;
    }
    const int day = (s[0] - '0') * 10 + (s[1] - '0');
    const int month = (s[2] - '0') * 10 + (s[3] - '0');
    if (day >= 1 && day <= 31 && month >= 1 && month <= 12) return true;
  }
  return false;
}

std::string format_problem(const std::string& file, const ImportProblem& problem) {
  std::string text = file + ":" + std::to_string(problem.line);
  if (problem.column_number)
    return text + ":" + std::to_string(problem.column_number) + ": " + problem.message;
  return text + ": " + problem.column + ": " + problem.message;
}

}  // namespace valtuus
