// One line per event on stderr, prefixed with the program and the level. Callers must never
// pass secrets or personal identity codes. (Journal fields come with the systemd work.)
#pragma once

#include <string_view>

namespace valtuus {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

void set_log_program(std::string_view program);
void set_log_threshold(LogLevel threshold);
void log(LogLevel level, std::string_view message);

inline void log_info(std::string_view m) {
  log(LogLevel::kInfo, m);
}
inline void log_warning(std::string_view m) {
  log(LogLevel::kWarning, m);
}
inline void log_error(std::string_view m) {
  log(LogLevel::kError, m);
}

}  // namespace valtuus
