// Times as PostgreSQL timestamptz text ("YYYY-MM-DD HH:MM:SS+00"), for parameters and COPY, and
// dates as PostgreSQL gives them as text.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/employee.h"

namespace valtuus {

std::string pg_timestamp(TimePoint t);

// A date as date::text gives it with the DateStyle ISO the store's sessions use: "YYYY-MM-DD"
// (a year of four or more digits). Anything else (another DateStyle, a BC date, a date that
// does not exist) is a DataError naming `what` (the column) and the text: read otherwise, it
// would be a wrong date, not an error. Without sscanf: the state load parses one for most
// ledger rows.
std::chrono::sys_days parse_pg_date(std::string_view text, std::string_view what);

}  // namespace valtuus
