// The last catch of each program: log the error once and exit with the code its kind calls for,
// so systemd and scripts see the same codes from valtuusd, valtuusctl and valtuus-notify.
#pragma once

#include <exception>

namespace valtuus {

// ConfigError → 78, TransientError → 75, DataError → 65, anything else → 1.
int log_error_exit(const std::exception& error);

}  // namespace valtuus
