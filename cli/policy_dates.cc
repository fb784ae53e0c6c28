#include "cli/policy_dates.h"

#include <cstdio>

namespace valtuus {

std::string format_day(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

std::string format_utc(TimePoint at) {
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::hh_mm_ss time{at - day};
  char text[16];
  std::snprintf(text, sizeof text, " %02d:%02d UTC", static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()));
  return format_day(day) + text;
}

}  // namespace valtuus
