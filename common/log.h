// Logging. Under systemd (JOURNAL_STREAM set) events go to the journal with structured fields;
// otherwise one line per event on stderr, prefixed with the program and the level. Callers
// must never pass secrets or personal identity codes, in the message or in a field.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace valtuus {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// A structured field for the journal, e.g. {"VALTUUS_RUN_ID", "42"}. Names are upper case
// letters, digits and underscores (journal rules). On stderr fields are not printed: the
// message must read well on its own.
struct LogField {
  std::string_view name;
  std::string value;
};

void set_log_program(std::string_view program);
void set_log_threshold(LogLevel threshold);
void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

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
