// Runs a program as a child process for end-to-end tests, capturing its output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace valtuus::testing {

struct ProcessResult {
  int exit_code = -1;  // the exit status; 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv[0] with the arguments (no shell interpretation of them) and optional extra
// environment assignments "NAME=value"; stdin is /dev/null.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {});

// A program left running in the background (valtuusd's loop), for tests that signal it and
// watch its log. stdin and stdout are /dev/null; stderr is collected as it comes. The
// destructor kills (SIGKILL) and reaps the child if the test has not.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal_number);  // does nothing once the child was reaped
  // Waits until stderr has at least `occurrences` of `text`; false after `timeout`.
  bool wait_for_err(const std::string& text, std::chrono::milliseconds timeout,
                    int occurrences = 1);
  // Waits for the child to end: its exit code (128+N when killed by signal N), or nullopt if
  // it still runs after `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string err() const;  // stderr so far

 private:
  int count_locked(const std::string& text) const;

  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  mutable std::mutex mutex_;
  std::condition_variable grew_;
  std::string err_;
  std::thread reader_;
};

}  // namespace valtuus::testing
