// Logging. Under systemd, when stderr is the journal stream ($JOURNAL_STREAM names its device
// and inode), events go to the journal with structured fields (MESSAGE, PRIORITY,
// SYSLOG_IDENTIFIER and the caller's); otherwise one line per event on stderr, prefixed with
// the program and the level. Callers must never pass secrets or personal identity codes, in
// the message or in a field.
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

// Whether `name` may name a journal field: 1 to 64 characters, upper case ASCII letters, digits
// and '_', not starting with a digit or '_' (fields starting with '_' are the journal's own),
// and not one of the fields log() sets itself (MESSAGE, PRIORITY, SYSLOG_IDENTIFIER). log()
// drops fields with other names rather than send what the journal would refuse.
bool is_valid_log_field_name(std::string_view name);

// Whether $JOURNAL_STREAM (`journal_stream`, "DEVICE:INODE" in decimal; null when unset) names
// the file that stderr is (device `dev`, inode `ino`): then stderr goes straight to the journal
// and log() sends structured entries instead of lines. Exposed for tests.
bool journal_stream_matches(const char* journal_stream, unsigned long long dev,
                            unsigned long long ino);

// `message` as one line, as log() writes it: PostgreSQL's multi-line errors ("ERROR: ...",
// "DETAIL: ...", "HINT: ...") and any other line breaks become "; ", surrounding white space
// of each line and the end is dropped, and other control characters are shown as \xNN, so
// that one event is one line in a file or in grep and no value can forge another line.
std::string one_line(std::string_view message);

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
