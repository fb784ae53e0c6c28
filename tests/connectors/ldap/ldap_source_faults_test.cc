// What a read does when the network fails after the bind: the snapshot comes back incomplete,
// keeping what was read, and is never mistaken for a complete one (DESIGN.md invariant 5).
// A TcpProxy between the connector and the test slapd cuts or freezes the connection (the
// shared slapd itself is not killed: other tests use it at the same time). Retries are off
// unless a test is about them; waits between attempts are recorded, not slept.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "connectors/ldap/ldap_handle.h"
#include "connectors/ldap/ldap_paged_search.h"
#include "connectors/ldap/ldap_source.h"
#include "core/errors.h"
#include "tests/support/ldap_test_directory.h"
#include "tests/support/tcp_proxy.h"

namespace valtuus {
namespace {

using testing::LdapTestDirectory;
using testing::TcpProxy;

constexpr int kUsers = 60;

std::uint16_t port_of(const std::string& uri) {  // ldaps://127.0.0.1:3636/ → 3636
  const auto colon = uri.rfind(':');
  return static_cast<std::uint16_t>(std::stoi(uri.substr(colon + 1)));
}

class LdapFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kUsers; ++i) dir_.add_user({.account = "f" + std::to_string(i)});
    options_ = dir_.reader_options();
    options_.page_size = 5;
    options_.uri = "ldaps://127.0.0.1:" + std::to_string(proxy_.port()) + "/";
    options_.retries = 0;
    // One clean read through the proxy: how many bytes a whole read takes.
    const Snapshot clean = LdapDirectorySource(options_).read_all();
    ASSERT_TRUE(clean.complete) << clean.incomplete_reason;
    ASSERT_EQ(clean.employees.size(), static_cast<std::size_t>(kUsers));
    whole_read_bytes_ = proxy_.server_bytes();
  }

  LdapTestDirectory dir_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  TcpProxy proxy_{port_of(dir_.reader_options().uri)};
  // A source whose waits between attempts are recorded instead of slept, with a random
  // source of 0 (no jitter taken off: delays of exactly 1 s, 2 s, ...).
  LdapDirectorySource source() {
    RetryEnvironment environment;
    environment.uniform = [] { return 0.0; };
    environment.sleep = [this](std::chrono::milliseconds d) { waits_.push_back(d); };
    return LdapDirectorySource(options_, environment);
  }

  LdapOptions options_;
  std::size_t whole_read_bytes_ = 0;
  std::vector<std::chrono::milliseconds> waits_;
};

TEST_F(LdapFaultTest, ConnectionDroppedMidReadGivesIncompleteSnapshot) {
  proxy_.set_fault(TcpProxy::Fault::cut, whole_read_bytes_ / 2);
  const Snapshot snapshot = LdapDirectorySource(options_).read_all();
  EXPECT_FALSE(snapshot.complete);
  EXPECT_NE(snapshot.incomplete_reason.find(options_.uri), std::string::npos)
      << snapshot.incomplete_reason;
  EXPECT_GT(snapshot.employees.size(), 0u);  // what was read is kept...
  EXPECT_LT(snapshot.employees.size(), static_cast<std::size_t>(kUsers));  // ...and is partial
}

TEST_F(LdapFaultTest, StalledServerGivesIncompleteSnapshotAfterTimeout) {
  proxy_.set_fault(TcpProxy::Fault::stall, whole_read_bytes_ / 2);
  options_.operation_timeout_s = 1;
  const auto start = std::chrono::steady_clock::now();
  const Snapshot snapshot = LdapDirectorySource(options_).read_all();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_FALSE(snapshot.complete);
  EXPECT_NE(snapshot.incomplete_reason.find("no answer within 1 s"), std::string::npos)
      << snapshot.incomplete_reason;
  EXPECT_LT(snapshot.employees.size(), static_cast<std::size_t>(kUsers));
}

TEST_F(LdapFaultTest, ConnectionDroppedBeforeBindIsTransientError) {
  proxy_.set_fault(TcpProxy::Fault::cut, 10);  // inside the TLS handshake
  EXPECT_THROW(LdapDirectorySource(options_).read_all(), TransientError);
}

TEST_F(LdapFaultTest, ConnectionCutOnceIsRetriedAndTheReadCompletes) {
  proxy_.set_fault(TcpProxy::Fault::cut, whole_read_bytes_ / 2, 1);  // only the first connection
  options_.retries = 2;
  LdapDirectorySource s = source();
  ::testing::internal::CaptureStderr();
  const Snapshot snapshot = s.read_all();
  const std::string log = ::testing::internal::GetCapturedStderr();
  // The retry is logged when it happens, with the server and the error.
  EXPECT_NE(log.find("warning: directory " + options_.uri +
                     ": attempt 1 of 3 failed (connection lost during the read); retrying in "
                     "1000 ms"),
            std::string::npos)
      << log;
  EXPECT_TRUE(snapshot.complete) << snapshot.incomplete_reason;
  EXPECT_EQ(snapshot.employees.size(), static_cast<std::size_t>(kUsers));  // not 1.5 times
  EXPECT_EQ(s.last_attempts(), 2);
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(1)}));
  ASSERT_FALSE(s.last_warnings().empty());
  EXPECT_NE(s.last_warnings()[0].find("attempt 1 failed (connection lost"), std::string::npos)
      << s.last_warnings()[0];
}

TEST_F(LdapFaultTest, ConnectionCutEveryTimeStaysIncompleteAfterBackingOff) {
  proxy_.set_fault(TcpProxy::Fault::cut, whole_read_bytes_ / 2);
  options_.retries = 2;
  LdapDirectorySource s = source();
  const Snapshot snapshot = s.read_all();
  EXPECT_FALSE(snapshot.complete);
  EXPECT_GT(snapshot.employees.size(), 0u);
  EXPECT_LT(snapshot.employees.size(), static_cast<std::size_t>(kUsers));
  EXPECT_EQ(s.last_attempts(), 3);
  EXPECT_EQ(waits_, (std::vector<std::chrono::milliseconds>{std::chrono::seconds(1),
                                                            std::chrono::seconds(2)}));
}

TEST_F(LdapFaultTest, UnreachableAfterRetriesIsTransientError) {
  proxy_.set_fault(TcpProxy::Fault::cut, 10);
  options_.retries = 3;
  options_.retry_max_delay_s = 3;
  LdapDirectorySource s = source();
  ::testing::internal::CaptureStderr();
  EXPECT_THROW(s.read_all(), TransientError);
  const std::string log = ::testing::internal::GetCapturedStderr();
  // Every failed attempt but the last (whose error the caller reports) is logged with its error.
  for (const char* attempt :
       {"attempt 1 of 4 failed (", "attempt 2 of 4 failed (", "attempt 3 of 4 failed ("}) {
    EXPECT_NE(log.find(attempt), std::string::npos) << attempt << " in " << log;
  }
  EXPECT_EQ(log.find("attempt 4 of 4"), std::string::npos) << log;
  EXPECT_EQ(s.last_attempts(), 4);
  EXPECT_EQ(waits_,
            (std::vector<std::chrono::milliseconds>{
                std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(3)}));
}

// SIGTERM during a read (issue #6): the daemon must not wait out a stalled server's
// operation timeout (60 s by default) before it can exit.
TEST_F(LdapFaultTest, StopWhileTheServerStallsEndsTheReadPromptlyWithCancelled) {
  proxy_.set_fault(TcpProxy::Fault::stall, whole_read_bytes_ / 2);
  options_.operation_timeout_s = 60;
  LdapDirectorySource s(options_);
  std::atomic<bool> stop{false};
  s.set_stop([&] { return stop.load(); });
  std::chrono::steady_clock::time_point stopped_at;
  std::thread stopper([&] {
    // Until the proxy froze the connection, and a little longer, so the read is waiting.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (proxy_.server_bytes() < whole_read_bytes_ + whole_read_bytes_ / 2 &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    stopped_at = std::chrono::steady_clock::now();
    stop = true;
  });
  EXPECT_THROW(s.read_all(), Cancelled);
  const auto ended = std::chrono::steady_clock::now();
  stopper.join();
  // Reached the stall and never got past it (a TLS handshake may differ by a few records
  // from the measured one, so not to the byte).
  EXPECT_GE(proxy_.server_bytes(), whole_read_bytes_ + whole_read_bytes_ / 2)
      << "the stall was not reached: the stop did not interrupt a wait";
  EXPECT_LT(proxy_.server_bytes(), 2 * whole_read_bytes_) << "the read went past the stall";
  EXPECT_LT(ended - stopped_at, std::chrono::seconds(3));
}

TEST_F(LdapFaultTest, StopDuringTheWaitBetweenAttemptsEndsItWithCancelled) {
  proxy_.set_fault(TcpProxy::Fault::cut, 10);  // every connect fails
  options_.retries = 3;
  options_.retry_delay_s = 30;  // the real sleep: the stop must cut it short
  options_.retry_max_delay_s = 60;
  LdapDirectorySource s(options_);
  std::atomic<bool> stop{false};
  s.set_stop([&] { return stop.load(); });
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    stop = true;
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(s.read_all(), Cancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  stopper.join();
  EXPECT_EQ(s.last_attempts(), 1);
}

TEST_F(LdapFaultTest, StopBeforeTheReadConnectsToNothing) {
  LdapDirectorySource s(options_);
  s.set_stop([] { return true; });
  EXPECT_THROW(s.read_all(), Cancelled);
  EXPECT_THROW(s.read_changes(Watermark{}), Cancelled);
  EXPECT_EQ(proxy_.server_bytes(), whole_read_bytes_);
}

TEST_F(LdapFaultTest, PagedSearchCountsEveryPage) {
  const LdapOptions options = dir_.reader_options();
  const ldap::LdapPtr ld = ldap::connect_and_bind(options, ldap::simple_bind(options));
  ldap::SearchRequest request;
  request.uri = options.uri;
  request.base = dir_.base();
  request.filter = options.filter;
  request.attributes = {"sAMAccountName"};
  request.page_size = 7;
  int entries = 0;
  const auto outcome = ldap::paged_search(ld.get(), request, [&](ldap::RawEntry&&) { ++entries; });
  EXPECT_TRUE(outcome.complete) << outcome.reason;
  EXPECT_EQ(entries, kUsers);
  EXPECT_EQ(outcome.entries, static_cast<std::size_t>(kUsers));
  EXPECT_EQ(outcome.pages, static_cast<std::size_t>((kUsers + 6) / 7));  // 9 pages
}

}  // namespace
}  // namespace valtuus
