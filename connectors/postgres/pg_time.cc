#include "connectors/postgres/pg_time.h"

#include <cstdio>

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

}  // namespace valtuus
