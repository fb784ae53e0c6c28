// --check-config opens the files a service will need the way the service opens them, so that a
// configuration that cannot start is refused before the start, with the option named.
#pragma once

#include <string>

namespace valtuus {

// Throws ConfigError naming `option` when `path` (a relative path is looked up in
// $CREDENTIALS_DIRECTORY first, as for secrets) is missing, is a folder, cannot be opened for
// reading, or (with `non_empty`) is empty. Never reads more than it needs, never prints content.
void require_readable_file(const std::string& path, const std::string& option,
                           bool non_empty = true);

// Throws ConfigError naming `option` when `path` is not a folder this process can list.
void require_readable_folder(const std::string& path, const std::string& option);

}  // namespace valtuus
