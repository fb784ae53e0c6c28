#include "common/privileges.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/errors.h"

namespace valtuus {

void refuse_root(std::string_view program) {
  const char* allow = std::getenv("VALTUUS_ALLOW_ROOT");
  if (::geteuid() == 0 && !(allow && std::string_view(allow) == "1")) {
    throw ConfigError("refusing to run as root: run " + std::string(program) +
                      " as its own user (the systemd unit's User=); VALTUUS_ALLOW_ROOT=1 is "
                      "for test rigs only");
  }
}

}  // namespace valtuus
