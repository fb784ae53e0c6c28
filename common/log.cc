#include "common/log.h"

#include <cstdio>
#include <mutex>
#include <string>

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

}  // namespace

void set_log_program(std::string_view program) {
  std::lock_guard lock(log_mutex);
  program_name = program;
}

void set_log_threshold(LogLevel threshold) {
  std::lock_guard lock(log_mutex);
  log_threshold = threshold;
}

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> /*fields*/) {
  std::lock_guard lock(log_mutex);
  if (level < log_threshold) return;
  std::fprintf(stderr, "%s: %s: %.*s\n", program_name.c_str(), level_name(level),
               static_cast<int>(message.size()), message.data());
}

}  // namespace valtuus
