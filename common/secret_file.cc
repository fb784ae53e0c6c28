#include "common/secret_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace valtuus {

std::string resolve_credential_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY"); creds && *creds) {
    std::filesystem::path candidate = std::filesystem::path(creds) / path;
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) return candidate.string();
  }
  return path;
}

std::string read_secret_file(const std::string& path, const std::string& option) {
  if (path.empty()) throw ConfigError(option + ": no file given");
  const std::string resolved = resolve_credential_path(path);
  // An ifstream opens a folder and reads nothing from it, which would read as "empty".
  std::error_code ec;
  if (std::filesystem::is_directory(resolved, ec)) {
    throw ConfigError(option + ": '" + resolved + "' is a folder, not a file");
  }
  std::ifstream in(resolved, std::ios::binary);
  if (!in) {
    throw ConfigError(option + ": cannot read '" + resolved + "': " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::string secret = content.str();
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  if (secret.empty()) throw ConfigError(option + ": '" + resolved + "' is empty");
  return secret;
}

}  // namespace valtuus
