// Exit codes shared by valtuusd and valtuusctl (BSD sysexits where one fits), so that systemd
// and scripts can tell a configuration error (do not restart in a loop) from a passing fault.
#pragma once

namespace valtuus {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;         // an operation failed (e.g. a refused decision)
constexpr int kExitChangesPending = 2;  // --check: the plan is not empty
constexpr int kExitUsage = 64;          // EX_USAGE: bad command line
constexpr int kExitDataError = 65;      // EX_DATAERR: bad input data
constexpr int kExitTransient = 75;      // EX_TEMPFAIL: try again later
constexpr int kExitConfig = 78;         // EX_CONFIG: a person must fix the configuration

}  // namespace valtuus
