#include "cli/policy_dates.h"

#include "core/calendar.h"

#include <cstdio>

namespace valtuus {

std::string format_day(std::chrono::sys_days day) {
  return format_iso_date(day);
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
