// ServiceNotifier against a stand-in for systemd's notification socket: what it sends, and
// that it stays silent about the watchdog when the unit has none.
#include "daemon/service_notifier.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace valtuus {
namespace {

// A datagram socket bound where $NOTIFY_SOCKET points, as the service manager's is.
class FakeServiceManager {
 public:
  FakeServiceManager() {
    char dir_template[] = "/tmp/valtuus-notify-XXXXXX";
    dir_ = mkdtemp(dir_template);
    path_ = dir_ + "/notify";
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof address.sun_path - 1);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ADD_FAILURE() << "cannot bind " << path_;
    }
    setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  ~FakeServiceManager() {
    unsetenv("NOTIFY_SOCKET");
    close(fd_);
    std::filesystem::remove_all(dir_);
  }
  // The next message, or "" when none arrives within a short while.
  std::string next() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) return "";
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
};

class ServiceNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
  }
  void TearDown() override { SetUp(); }
};

TEST_F(ServiceNotifierTest, SendsReadyStatusStoppingAndReloading) {
  FakeServiceManager manager;
  ServiceNotifier notifier;
  EXPECT_TRUE(notifier.active());
  notifier.ready();
  EXPECT_EQ(manager.next(), "READY=1");
  notifier.status("run 42: 3 grants, 1 revoke\nsecond line");
  EXPECT_EQ(manager.next(), "STATUS=run 42: 3 grants, 1 revoke second line");
  notifier.stopping();
  EXPECT_EQ(manager.next(), "STOPPING=1");
  notifier.reloading();
  const std::string reloading = manager.next();
  EXPECT_TRUE(reloading.starts_with("RELOADING=1\nMONOTONIC_USEC=")) << reloading;
  notifier.extend_timeout(std::chrono::seconds(30));
  EXPECT_EQ(manager.next(), "EXTEND_TIMEOUT_USEC=30000000");
}

TEST_F(ServiceNotifierTest, WatchdogIntervalIsHalfOfWatchdogSec) {
  FakeServiceManager manager;
  setenv("WATCHDOG_USEC", "60000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  ServiceNotifier notifier;
  ASSERT_TRUE(notifier.watchdog_interval().has_value());
  EXPECT_EQ(*notifier.watchdog_interval(), std::chrono::seconds(30));
  notifier.watchdog();
  EXPECT_EQ(manager.next(), "WATCHDOG=1");
}

TEST_F(ServiceNotifierTest, NoWatchdogMessagesWithoutWatchdogSec) {
  FakeServiceManager manager;
  ServiceNotifier notifier;
  EXPECT_FALSE(notifier.watchdog_interval().has_value());
  notifier.watchdog();
  notifier.ready();
  EXPECT_EQ(manager.next(), "READY=1");  // the watchdog call sent nothing before it
}

TEST_F(ServiceNotifierTest, WatchdogOfAnotherProcessIsNotOurs) {
  FakeServiceManager manager;
  setenv("WATCHDOG_USEC", "60000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  ServiceNotifier notifier;
  EXPECT_FALSE(notifier.watchdog_interval().has_value());
}

TEST_F(ServiceNotifierTest, OutsideSystemdEveryCallIsHarmless) {
  unsetenv("NOTIFY_SOCKET");
  ServiceNotifier notifier;
  EXPECT_FALSE(notifier.active());
  notifier.ready();
  notifier.status("idle");
  notifier.watchdog();
  notifier.reloading();
  notifier.stopping();
}

TEST(StatusLineTest, OneLineOfBoundedLength) {
  EXPECT_EQ(status_line("a\tb\r\nc"), "a b  c");
  const std::string long_text(500, 'x');
  const std::string line = status_line(long_text);
  EXPECT_EQ(line.size(), 203u);
  EXPECT_TRUE(line.ends_with("..."));
  // Never cuts a two-byte character in half.
  std::string finnish(199, 'a');
  finnish += "ääää";
  const std::string cut = status_line(finnish);
  EXPECT_EQ(cut, std::string(199, 'a') + "...");
}

}  // namespace
}  // namespace valtuus
