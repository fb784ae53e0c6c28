#include "common/file_check.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/secret_file.h"
#include "core/errors.h"

namespace valtuus {

void require_readable_file(const std::string& path, const std::string& option, bool non_empty) {
  if (path.empty()) throw ConfigError(option + ": no file given");
  const std::string resolved = resolve_credential_path(path);
  std::error_code ec;
  const auto status = std::filesystem::status(resolved, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw ConfigError(option + ": '" + resolved + "' does not exist");
  }
  // An ifstream opens a folder without complaint and then reads nothing: say what it is.
  if (std::filesystem::is_directory(status)) {
    throw ConfigError(option + ": '" + resolved + "' is a folder, not a file");
  }
  std::ifstream in(resolved, std::ios::binary);
  if (!in) {
    throw ConfigError(option + ": cannot read '" + resolved + "': " + std::strerror(errno));
  }
  if (non_empty && in.peek() == std::ifstream::traits_type::eof()) {
    throw ConfigError(option + ": '" + resolved + "' is empty");
  }
}

void require_readable_folder(const std::string& path, const std::string& option) {
  if (path.empty()) throw ConfigError(option + ": no folder given");
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    throw ConfigError(option + ": '" + path + "' is not a folder");
  }
  std::filesystem::directory_iterator it(path, ec);
  if (ec) throw ConfigError(option + ": cannot read '" + path + "': " + ec.message());
}

}  // namespace valtuus
