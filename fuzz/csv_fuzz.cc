// libFuzzer target for the grant import: the CSV reader and the row validation behind
// `valtuusctl import grants`. Any bytes must give records or problems, never a crash or a
// hang, and the promises of core/csv.h and core/grant_import.h must hold: records only when
// there is no problem, positions inside the text, and no problem that repeats an identity code.
//
//   csv_fuzz -max_len=4096 corpus/ fuzz/corpus/csv_fuzz
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/csv.h"
#include "core/grant_import.h"

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (char c : text) lines += (c == '\n' || c == '\r') ? 1 : 0;

  const valtuus::CsvResult csv = valtuus::parse_csv(text);
  if (csv.error) {
    check(csv.error->line >= 1 && csv.error->line <= lines);
    check(!csv.error->message.empty());
  }
  std::size_t previous = 0;
  for (const auto& record : csv.records) {
    check(record.line >= 1 && record.line <= lines && record.line > previous);
    check(!record.fields.empty());
    previous = record.line;
  }

  using namespace std::chrono;
  const std::set<std::string> known{"kela-etuustiedot", "te-tyonhakija"};
  const valtuus::GrantImport import =
      valtuus::read_grant_csv(text, known, year_month_day{year{2026}, month{12}, day{6}});
  check(import.problems.empty() || import.records.empty());
  for (const auto& problem : import.problems) {
    check(!problem.message.empty());
    check(problem.line <= lines);
    check(!valtuus::format_problem("f.csv", problem).empty());
  }
  for (const auto& record : import.records) {
    check(known.count(record.mandate) == 1);
    check(!record.account.empty());
    check(record.valid_from.ok() && record.valid_until.ok());
    check(record.valid_from <= record.valid_until);
  }
  return 0;
}
