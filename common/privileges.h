// The services run as their own unprivileged user (the units' User=): they hold a directory or
// mail password and need no privilege, so they refuse to start as root.
#pragma once

#include <string_view>

namespace valtuus {

// Throws ConfigError naming `program` when the effective user is root. Test rigs run
// everything as root (CI containers): VALTUUS_ALLOW_ROOT=1 lets them; not for production.
void refuse_root(std::string_view program);

}  // namespace valtuus
