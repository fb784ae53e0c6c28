// SIGTERM while the directory read is slow (issue #6): the loop must stop within systemd's
// 10 s even when the directory stalls mid-read, not after the connector's operation timeout
// (60 s) or its retries. A TcpProxy between valtuusd and the suite's slapd freezes the
// connection halfway through the read.
#include <signal.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

#include "tests/e2e/daemon_fixture.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

class DaemonStopTest : public DaemonTest {};

// `count` more people in `base`, so that their entries are most of what a read moves and
// half of its bytes falls inside the search, after the handshake and the bind.
std::string many_people_ldif(const std::string& base, int count) {
  std::string ldif;
  for (int i = 0; i < count; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "%08d", i);
    const std::string account = std::string("stop") + id;
    ldif +=
        "dn: cn=" + account + "," + base +
        "\nobjectClass: inetOrgPerson\nobjectClass: user\ncn: " + account +
        "\nsn: Virtanen\ngivenName: Aino\ndisplayName: Aino Virtanen\nsAMAccountName: " + account +
        "\ndepartment: Kirjasto\ntitle: Kirjastonhoitaja\nobjectGUID: stopguid" + id +
        "\nobjectCategory: person\nuserAccountControl: 512\naccountExpires: 0\n\n";
  }
  return ldif;
}

// ldaps://127.0.0.1:3636/ with another port.
std::string with_port(const std::string& uri, std::uint16_t port) {
  const auto colon = uri.rfind(':');
  const auto end = uri.find('/', colon);
  return uri.substr(0, colon + 1) + std::to_string(port) +
         (end == std::string::npos ? "" : uri.substr(end));
}

std::uint16_t port_of(const std::string& uri) {
  const auto colon = uri.rfind(':');
  return static_cast<std::uint16_t>(std::stoi(uri.substr(colon + 1)));
}

TEST_F(DaemonStopTest, SigtermWhileTheDirectoryStallsExitsWithinTenSecondsWritingNothing) {
  migrate();
  ProcessResult added = ldap_modify(many_people_ldif(base_, 150));
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string direct = test_env().get("VALTUUS_TEST_LDAP_URI");
  TcpProxy proxy(port_of(direct));
  // The operation timeout is the default one, stated: without a stop inside the read the
  // daemon would wait all of it.
  const std::string config = loop_config(
      {{"directory.uri", with_port(direct, proxy.port())}, {"directory.operation_timeout", "60"}});

  // One whole read through the proxy, writing nothing: how many bytes a read takes.
  ProcessResult dry = valtuusd({"--config", config, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const std::size_t whole = proxy.server_bytes();
  ASSERT_GT(whole, 0u);
  ASSERT_EQ(count("SELECT count(*) FROM sync_run"), 0);

  proxy.set_fault(TcpProxy::Fault::stall, whole / 2);
  auto daemon = start(config);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (proxy.server_bytes() < whole + whole / 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(proxy.server_bytes(), whole + whole / 2) << daemon->err();
  // The daemon now waits for the rest of the read, which does not come.
  std::this_thread::sleep_for(1s);
  ASSERT_FALSE(daemon->wait(0ms).has_value()) << daemon->err();

  const auto signalled = std::chrono::steady_clock::now();
  daemon->signal(SIGTERM);
  const std::optional<int> exit_code = daemon->wait(20s);
  const auto took = std::chrono::steady_clock::now() - signalled;
  ASSERT_TRUE(exit_code.has_value()) << daemon->err();
  EXPECT_EQ(*exit_code, 0) << daemon->err();
  EXPECT_LT(took, 10s) << std::chrono::duration<double>(took).count() << " s\n" << daemon->err();
  EXPECT_NE(daemon->err().find("stopped before writing anything"), std::string::npos)
      << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM change_item"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_event WHERE action = 'sync_run'"), 0);
}

// A directory that accepts the connection and then says nothing: libldap's connect, TLS
// handshake and bind cannot be interrupted, and with long timeouts nothing else would end them.
// The signal watcher's last resort still ends the process within 10 s, with nothing written.
TEST_F(DaemonStopTest, SigtermWhileTheHandshakeStallsStillExitsWithinTenSeconds) {
  migrate();
  const std::string direct = test_env().get("VALTUUS_TEST_LDAP_URI");
  TcpProxy proxy(port_of(direct));
  proxy.set_fault(TcpProxy::Fault::stall, 0);
  const std::string config = loop_config({{"directory.uri", with_port(direct, proxy.port())},
                                          {"directory.network_timeout", "60"},
                                          {"directory.operation_timeout", "60"}});
  auto daemon = start(config);
  std::this_thread::sleep_for(2s);
  ASSERT_FALSE(daemon->wait(0ms).has_value()) << daemon->err();
  const auto signalled = std::chrono::steady_clock::now();
  daemon->signal(SIGTERM);
  const std::optional<int> exit_code = daemon->wait(30s);
  const auto took = std::chrono::steady_clock::now() - signalled;
  ASSERT_TRUE(exit_code.has_value()) << daemon->err();
  EXPECT_EQ(*exit_code, 0) << daemon->err();
  EXPECT_LT(took, 10s) << std::chrono::duration<double>(took).count() << " s\n" << daemon->err();
  EXPECT_EQ(count("SELECT count(*) FROM sync_run"), 0);
}

}  // namespace
}  // namespace valtuus::testing
