// Times as PostgreSQL timestamptz text ("YYYY-MM-DD HH:MM:SS+00"), for parameters and COPY.
#pragma once

#include <string>

#include "core/employee.h"

namespace valtuus {

std::string pg_timestamp(TimePoint t);

}  // namespace valtuus
