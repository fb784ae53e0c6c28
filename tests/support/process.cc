#include "tests/support/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace valtuus::testing {

namespace {

std::string drain(int fd) {
  std::string out;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(fd);
  return out;
}

// argv and this process's environment with `env`'s NAME=value assignments replacing or adding,
// as the NULL-terminated arrays posix_spawn takes (pointing into the strings kept here).
struct SpawnArguments {
  SpawnArguments(const std::vector<std::string>& argv, const std::vector<std::string>& env)
      : args(argv) {
    for (char** e = environ; *e; ++e) environment.emplace_back(*e);
    for (const std::string& assignment : env) {
      const std::string name = assignment.substr(0, assignment.find('=') + 1);
      std::erase_if(environment, [&](const std::string& v) { return v.rfind(name, 0) == 0; });
      environment.push_back(assignment);
    }
    for (auto& v : environment) c_env.push_back(v.data());
    c_env.push_back(nullptr);
    for (auto& a : args) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
  }
  SpawnArguments(const SpawnArguments&) = delete;
  SpawnArguments& operator=(const SpawnArguments&) = delete;

  std::vector<std::string> args, environment;
  std::vector<char*> c_argv, c_env;
};

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0 || ::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);

  SpawnArguments spawn(argv, env);
  std::vector<char*>& c_argv = spawn.c_argv;
  std::vector<char*>& c_env = spawn.c_env;

  pid_t pid = 0;
  int rc = posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  ProcessResult result;
  std::thread err_reader([&] { result.err = drain(err_pipe[0]); });
  result.out = drain(out_pipe[0]);
  err_reader.join();
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& env) {
  int err_pipe[2];
  if (::pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_addclose(&actions, err_pipe[0]);

  SpawnArguments spawn(argv, env);
  std::vector<char*>& c_argv = spawn.c_argv;
  std::vector<char*>& c_env = spawn.c_env;
  // The child must not inherit a blocked signal mask or ignored signals from a test thread.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const int rc = posix_spawn(&pid_, c_argv[0], &actions, &attributes, c_argv.data(), c_env.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(err_pipe[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  reader_ = std::thread([this, fd = err_pipe[0]] {
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      {
        std::lock_guard lock(mutex_);
        err_.append(buffer, static_cast<std::size_t>(n));
      }
      grew_.notify_all();
    }
    ::close(fd);
  });
}

BackgroundProcess::~BackgroundProcess() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // The pipe closes when the child (and anything it started) is gone.
  reader_.join();
}

void BackgroundProcess::signal(int signal_number) {
  if (!exit_code_) ::kill(pid_, signal_number);
}

int BackgroundProcess::count_locked(const std::string& text) const {
  int found = 0;
  for (std::size_t at = err_.find(text); at != std::string::npos;
       at = err_.find(text, at + text.size())) {
    ++found;
  }
  return found;
}

bool BackgroundProcess::wait_for_err(const std::string& text, std::chrono::milliseconds timeout,
                                     int occurrences) {
  std::unique_lock lock(mutex_);
  return grew_.wait_for(lock, timeout, [&] { return count_locked(text) >= occurrences; });
}

std::optional<int> BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!exit_code_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return exit_code_;
}

std::string BackgroundProcess::err() const {
  std::lock_guard lock(mutex_);
  return err_;
}

}  // namespace valtuus::testing
