// Secrets (directory and database passwords) come only from files, never from the command
// line or the configuration file itself, so that they stay out of `ps`, shell history and logs.
#pragma once

#include <string>

namespace valtuus {

// Reads a secret from `path`. A relative path is looked up in $CREDENTIALS_DIRECTORY first
// (systemd's LoadCredential=), so a unit can say `password_file = ldap-password`.
// One trailing newline is removed. Throws ConfigError naming `option` and the path when the
// file cannot be read or is empty; the message never contains the secret.
std::string read_secret_file(const std::string& path, const std::string& option);

// Where a secret file really is: a relative path in $CREDENTIALS_DIRECTORY when it exists
// there, else the path as given. For readers that need the raw bytes (identity keys).
std::string resolve_credential_path(const std::string& path);

}  // namespace valtuus
