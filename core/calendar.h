// Calendar days as people and PostgreSQL write them: "2027-01-31".
#pragma once

#include <chrono>
#include <string>

namespace valtuus {

std::string format_iso_date(std::chrono::year_month_day date);
inline std::string format_iso_date(std::chrono::sys_days day) {
  return format_iso_date(std::chrono::year_month_day{day});
}

// A moment as the reports print it, UTC to the second: "2026-11-24T23:58:01Z".
std::string format_iso_utc(std::chrono::sys_seconds at);

}  // namespace valtuus
