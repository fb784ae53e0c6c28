#include "common/log.h"

#include <sys/stat.h>
#include <sys/uio.h>
// The entry names the caller by its fields, not log.cc by CODE_FILE/CODE_LINE.
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace valtuus {

namespace {

std::mutex log_mutex;
std::string program_name = "valtuus";
LogLevel log_threshold = LogLevel::kInfo;

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// syslog(3) priorities, as the journal's PRIORITY field wants them.
char level_priority(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return '7';
    case LogLevel::kInfo:
      return '6';
    case LogLevel::kWarning:
      return '4';
    case LogLevel::kError:
      return '3';
  }
  return '6';
}

constexpr std::array<std::string_view, 3> kOwnFields = {"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER"};

bool parse_number(std::string_view text, unsigned long long& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// The documented test (systemd.exec(5), $JOURNAL_STREAM): stderr is connected to the journal
// when the variable names stderr's device and inode. Checked at each call, as stderr may be
// redirected after start.
bool stderr_is_journal() {
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return journal_stream_matches(std::getenv("JOURNAL_STREAM"), st.st_dev, st.st_ino);
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void write_line(LogLevel level, std::string_view message) {
  std::fprintf(stderr, "%s: %s: %.*s\n", program_name.c_str(), level_name(level),
               static_cast<int>(message.size()), message.data());
}

// One structured journal entry. Returns false when the journal did not take it.
bool send_to_journal(LogLevel level, std::string_view message,
                     std::initializer_list<LogField> fields) {
  std::vector<std::string> items;
  items.reserve(3 + fields.size());
  items.push_back("MESSAGE=" + std::string(message));
  items.push_back(std::string("PRIORITY=") + level_priority(level));
  items.push_back("SYSLOG_IDENTIFIER=" + program_name);
  for (const LogField& field : fields) {
    if (!is_valid_log_field_name(field.name)) continue;
    std::string item(field.name);
    item += '=';
    item += field.value;
    items.push_back(std::move(item));
  }
  std::vector<iovec> iov;
  iov.reserve(items.size());
  for (std::string& item : items) iov.push_back(iovec{item.data(), item.size()});
  return sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0;
}

}  // namespace

bool is_valid_log_field_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (name.front() == '_' || (name.front() >= '0' && name.front() <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  for (std::string_view own : kOwnFields) {
    if (name == own) return false;
  }
  return true;
}

bool journal_stream_matches(const char* journal_stream, unsigned long long dev,
                            unsigned long long ino) {
  if (journal_stream == nullptr) return false;
  const std::string_view text(journal_stream);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  unsigned long long stream_dev = 0;
  unsigned long long stream_ino = 0;
  return parse_number(text.substr(0, colon), stream_dev) &&
         parse_number(text.substr(colon + 1), stream_ino) && stream_dev == dev && stream_ino == ino;
}

std::string one_line(std::string_view message) {
  while (!message.empty() && is_blank(message.back())) message.remove_suffix(1);
  while (!message.empty() && is_blank(message.front())) message.remove_prefix(1);
  std::string out;
  out.reserve(message.size());
  std::size_t i = 0;
  while (i < message.size()) {
    const char c = message[i];
    if (c == '\n' || c == '\r') {
      // One separator for the break and the blanks around it (also for blank lines).
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      while (i < message.size() && is_blank(message[i])) ++i;
      out += "; ";
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && c != '\t') || byte == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
    ++i;
  }
  return out;
}

void set_log_program(std::string_view program) {
  std::lock_guard lock(log_mutex);
  program_name = program;
}

void set_log_threshold(LogLevel threshold) {
  std::lock_guard lock(log_mutex);
  log_threshold = threshold;
}

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
  std::lock_guard lock(log_mutex);
  if (level < log_threshold) return;
  const std::string line = one_line(message);
  // Should the journal refuse the entry, the line on stderr still reaches it (unstructured).
  if (stderr_is_journal() && send_to_journal(level, line, fields)) return;
  write_line(level, line);
}

}  // namespace valtuus
