#include "daemon/config_check.h"

#include "common/file_check.h"
#include "common/secret_file.h"

namespace valtuus {

void check_service_files(const Settings& settings) {
  // The service reads the bind password only when it connects; a missing file would otherwise
  // surface at the first read, after the start was reported as good.
  read_secret_file(settings.directory.password_file, "directory.password_file");
  if (!settings.database.password_file.empty()) {
    read_secret_file(settings.database.password_file, "database.password_file");
  }
  if (!settings.directory.ca_file.empty()) {
    require_readable_file(settings.directory.ca_file, "directory.ca_file");
  }
  load_identity(settings);
}

}  // namespace valtuus
