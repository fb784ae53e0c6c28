// The directory goes away in the middle of a paged read (a TcpProxy between valtuusd and the
// suite's slapd cuts the connection, as a killed slapd would; the shared slapd itself keeps
// serving the other tests). The read is incomplete: the run revokes and supersedes nothing,
// the retry is logged, and the loop's next cycle reads completely without a restart.
#include <signal.h>

#include <cstdint>
#include <string>

#include "tests/faults/fault_fixture.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"

namespace valtuus::testing {
namespace {

// ldaps://127.0.0.1:3636/ with another port.
std::string with_port(const std::string& uri, std::uint16_t port) {
  const auto colon = uri.rfind(':');
  const auto end = uri.find('/', colon);
  return uri.substr(0, colon + 1) + std::to_string(port) +
         (end == std::string::npos ? "" : uri.substr(end));
}

std::uint16_t port_of(const std::string& uri) {
  return static_cast<std::uint16_t>(std::stoi(uri.substr(uri.rfind(':') + 1)));
}

class DirectoryFaultTest : public FaultTest {};

TEST_F(DirectoryFaultTest, ServerGoneMidPagedReadRevokesNothingAndTheLoopRecovers) {
  migrate();
  add_people("dirf", 120);
  const std::string direct = test_env().get("VALTUUS_TEST_LDAP_URI");
  TcpProxy proxy(port_of(direct));
  config_ = loop_config({{"directory.uri", with_port(direct, proxy.port())},
                         {"directory.page_size", "10"},
                         {"directory.retries", "1"},
                         {"directory.retry_delay", "1"},
                         {"directory.retry_max_delay", "1"}});
  // A complete first run through the proxy (an import needs one). The last people the server
  // returns hold a mandate: a read cut in the middle never reaches them, so treating the cut
  // read as complete would make them leavers.
  const ProcessResult first = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  record_holders({"dirf00000110", "dirf00000115", "dirf00000119"});
  // A second complete run settles what the import changed, and measures a whole read.
  const std::size_t before = proxy.server_bytes();
  const ProcessResult second = valtuusd({"--config", config_, "--once"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const std::size_t whole = proxy.server_bytes() - before;
  const long long open_before =
      count("SELECT count(*) FROM change_item WHERE state IN ('proposed', 'approved')");
  ASSERT_GT(open_before, 0);

  // The next two connections die half-way through the read: the first attempt and its retry.
  proxy.set_fault(TcpProxy::Fault::cut, whole / 2, 2);
  auto daemon = start(config_);
  ASSERT_TRUE(daemon->wait_for_err("INCOMPLETE", 60s)) << daemon->err();
  // The retry was logged when it happened, with the error.
  EXPECT_NE(daemon->err().find("attempt 1 of 2 failed (connection lost during the read)"),
            std::string::npos)
      << daemon->err();
  // The loop recovers by itself: the next cycle reads everything.
  const int complete_before = occurrences(daemon->err(), kRunLine);
  ASSERT_TRUE(daemon->wait_for_err(kRunLine, 60s, complete_before + 1)) << daemon->err();
  daemon->signal(SIGTERM);
  EXPECT_EQ(daemon->wait(20s), 0) << daemon->err();

  EXPECT_GE(count("SELECT count(*) FROM sync_run WHERE NOT snapshot_complete"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM change_item WHERE state IN ('proposed', 'approved')"),
            open_before);
  expect_invariants();
}

}  // namespace
}  // namespace valtuus::testing
