// Validation of an existing mandate spreadsheet (one row per grant held in Suomi.fi) before
// it is imported into the grant ledger. Pure: the caller reads the file, passes the catalog's
// ids and today's date, and gets either records or every problem at once, so that a person
// fixes the whole file in one round. Rows that already ended are skipped with a warning.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/csv.h"

namespace valtuus {

// The longest validity Suomi.fi allows for a mandate: 25 years.
constexpr int kMaxGrantDays = 9131;

struct GrantRecord {
  std::size_t line = 0;  // where the row starts in the file
  std::string account;   // trimmed, as written (lookups ignore case)
  std::string mandate;   // a catalog id
  std::chrono::year_month_day valid_from;
  std::chrono::year_month_day valid_until;
  std::string granted_by;  // optional: who granted it in Suomi.fi, for the audit trail
  std::string note;        // optional, for the audit trail
  // The identity code (henkilötunnus) is deliberately not carried: it is validated where it is
  // read and dropped, so that nothing downstream can print, log or store it in clear.
};

struct ImportProblem {
  std::size_t line = 0;
  std::size_t column_number = 0;  // set for CSV syntax errors: FILE:LINE:COLUMN: message
  std::string column;             // set for data errors: FILE:LINE: column: message
  std::string message;            // never contains an identity code
};

struct GrantImport {
  std::vector<GrantRecord> records;  // empty whenever problems is not
  std::vector<ImportProblem> problems;
  // Rows left out without refusing the file: a grant that has already ended is not held any
  // more, so there is nothing to import (a spreadsheet keeps its history; that is no error).
  std::vector<ImportProblem> warnings;
  bool has_identity_code_column = false;
};

// Reads and validates the text of a CSV file: a header row naming the columns (in any order),
// then one grant per row. `known_mandates` are the catalog's ids; `today` tells an expired
// grant (not held any more: skipped, with a warning) from a current one.
GrantImport read_grant_csv(std::string_view text, const std::set<std::string>& known_mandates,
                           std::chrono::year_month_day today);

// The same, reading the file from a stream a chunk at a time: memory holds the records, not
// the text. More than `max_rows` rows (the header not counted) is a problem, and nothing more
// is read.
GrantImport read_grant_csv(std::istream& in, const std::set<std::string>& known_mandates,
                           std::chrono::year_month_day today, std::size_t max_rows);

// The same, for records already split into fields.
GrantImport validate_grant_rows(const std::vector<CsvRecord>& rows,
                                const std::set<std::string>& known_mandates,
                                std::chrono::year_month_day today);

// YYYY-MM-DD, a real calendar date; nothing else (no time, no other separators).
std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text);

// True when the text contains something shaped like a Finnish personal identity code
// (DDMMYY, a century sign, three digits, a check character), checksum or not: such a value
// outside the identity_code column would end up in the append-only audit trail.
bool contains_identity_code(std::string_view text);

// "FILE:LINE: column: message" or "FILE:LINE:COLUMN: message".
std::string format_problem(const std::string& file, const ImportProblem& problem);

}  // namespace valtuus
