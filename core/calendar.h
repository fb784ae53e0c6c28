// Calendar days as people and PostgreSQL write them: "2027-01-31".
#pragma once

#include <chrono>
#include <string>

namespace valtuus {

std::string format_iso_date(std::chrono::year_month_day date);
inline std::string format_iso_date(std::chrono::sys_days day) {
  return format_iso_date(std::chrono::year_month_day{day});
}

}  // namespace valtuus
