// valtuusd --check-config: what the service would refuse at start, found before the start.
#pragma once

#include "daemon/settings.h"

namespace valtuus {

// Opens every file the service will need, as the service opens it (relative secret names in
// $CREDENTIALS_DIRECTORY): the directory and database password files, the identity key, the
// directory's CA file; and refuses combinations that cannot work. Throws ConfigError naming
// the option. Does not connect to any server.
void check_service_files(const Settings& settings);

}  // namespace valtuus
