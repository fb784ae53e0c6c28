#include "connectors/postgres/pg_time.h"

#include <charconv>
#include <cstdio>

#include "core/errors.h"

namespace valtuus {

std::string pg_timestamp(TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld:%02ld+00", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(hms.hours().count()),
                long(hms.minutes().count()), long(hms.seconds().count()));
  return text;
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The number of exactly `digits` digits at `p` (within `end`), or -1.
int fixed_number(const char* p, const char* end, int digits) {
  if (end - p < digits) return -1;
  int value = 0;
  for (int i = 0; i < digits; ++i) {
    if (!is_digit(p[i])) return -1;
    value = value * 10 + (p[i] - '0');
  }
  return value;
}

}  // namespace

std::chrono::sys_days parse_pg_date(std::string_view text, std::string_view what) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  int year = 0;
  const auto [year_end, failed] = std::from_chars(begin, end, year);
  // The year: digits only (from_chars would take a sign), at least four of them.
  const bool year_ok =
      failed == std::errc{} && year_end - begin >= 4 && is_digit(*begin) && end - year_end == 6;
  const int month = year_ok && year_end[0] == '-' ? fixed_number(year_end + 1, end, 2) : -1;
  const int day = month >= 0 && year_end[3] == '-' ? fixed_number(year_end + 4, end, 2) : -1;
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (day < 0 || !date.ok()) {
    throw DataError(std::string(what) + ": '" + std::string(text) +
                    "' is not a date as YYYY-MM-DD (DateStyle ISO)");
  }
  return std::chrono::sys_days{date};
}

}  // namespace valtuus
