// valtuusd under a service manager (Type=notify): the test plays systemd's part, with a
// datagram socket in $NOTIFY_SOCKET, and reads what the daemon tells it.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/e2e/daemon_fixture.h"

namespace valtuus::testing {
namespace {

// Collects the notifications sent to a private socket.
class FakeServiceManager {
 public:
  explicit FakeServiceManager(std::string path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof address.sun_path - 1);
    ::unlink(path_.c_str());
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot bind " + path_);
    }
    timeval timeout{0, 100'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    reader_ = std::thread([this] {
      char buffer[4096];
      while (!quit_) {
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) continue;
        std::lock_guard lock(mutex_);
        messages_.emplace_back(buffer, static_cast<std::size_t>(n));
      }
    });
  }
  ~FakeServiceManager() {
    quit_ = true;
    reader_.join();
    ::close(fd_);
    ::unlink(path_.c_str());
  }

  std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  // The index of the first message from `from` on that starts with `prefix`, or -1.
  int find(const std::string& prefix, std::size_t from = 0) const {
    const auto all = messages();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].rfind(prefix, 0) == 0) return static_cast<int>(i);
    }
    return -1;
  }
  bool wait_for(const std::string& prefix, std::chrono::milliseconds timeout,
                std::size_t from = 0) const {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (find(prefix, from) < 0) {
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::atomic<bool> quit_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
  std::thread reader_;
};

std::string joined(const std::vector<std::string>& messages) {
  std::string out;
  for (const auto& m : messages) out += m + " | ";
  return out;
}

class DaemonNotifyTest : public DaemonTest {};

TEST_F(DaemonNotifyTest, TellsTheServiceManagerReadyStatusWatchdogReloadAndStop) {
  migrate();
  // Short, under /tmp: a socket's path must fit in sockaddr_un.
  const std::string socket = "/tmp/valtuus-notify-" + std::to_string(::getpid()) + ".sock";
  FakeServiceManager manager(socket);
  auto daemon = start(loop_config(), {}, {"NOTIFY_SOCKET=" + socket, "WATCHDOG_USEC=2000000"});
  ASSERT_TRUE(manager.wait_for("READY=1", 30s)) << daemon->err();
  // The first run's summary comes with it (after the first successful run).
  ASSERT_TRUE(manager.wait_for("STATUS=run 1: full read; read 4", 30s))
      << joined(manager.messages());
  // The watchdog is fed from the loop's waits (every half WatchdogSec at the latest).
  const std::size_t before = manager.messages().size();
  ASSERT_TRUE(manager.wait_for("WATCHDOG=1", 10s, before)) << joined(manager.messages());

  const std::size_t at_reload = manager.messages().size();
  daemon->signal(SIGHUP);
  ASSERT_TRUE(manager.wait_for("RELOADING=1", 20s, at_reload)) << joined(manager.messages());
  const int reloading = manager.find("RELOADING=1", at_reload);
  ASSERT_TRUE(manager.wait_for("READY=1", 20s, static_cast<std::size_t>(reloading)))
      << joined(manager.messages());

  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(10s), 0) << daemon->err();
  EXPECT_GE(manager.find("STOPPING=1"), 0) << joined(manager.messages());
}

TEST_F(DaemonNotifyTest, WritesTheMetricsFileAfterEachRun) {
  migrate();
  const std::string file = dir_ + "/valtuus.prom";
  auto daemon = start(loop_config({{"metrics.file", file}}));
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 30s, 2)) << daemon->err();
  const std::string metrics = read_text(file);
  EXPECT_NE(metrics.find("valtuus_last_run_entries_read 4"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("valtuus_last_run_id "), std::string::npos) << metrics;
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(10s), 0) << daemon->err();
}

}  // namespace
}  // namespace valtuus::testing
