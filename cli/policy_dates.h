// Dates and times as valtuusctl's policy commands print them: ISO 8601, UTC, no locale.
#pragma once

#include <chrono>
#include <string>

#include "core/employee.h"

namespace valtuus {

std::string format_day(std::chrono::sys_days day);  // "2027-01-31"
std::string format_utc(TimePoint at);               // "2027-01-31 08:05 UTC"

}  // namespace valtuus
