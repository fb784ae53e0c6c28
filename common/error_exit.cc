#include "common/error_exit.h"

#include "common/exit_codes.h"
#include "common/log.h"
#include "core/errors.h"

namespace valtuus {

int log_error_exit(const std::exception& error) {
  log_error(error.what());
  if (dynamic_cast<const ConfigError*>(&error)) return kExitConfig;
  if (dynamic_cast<const TransientError*>(&error)) return kExitTransient;
  if (dynamic_cast<const DataError*>(&error)) return kExitDataError;
  return kExitFailure;
}

}  // namespace valtuus
