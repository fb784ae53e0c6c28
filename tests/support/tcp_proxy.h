// A TCP relay between a client under test and a real server, which can cut or freeze the
// connection after a given number of bytes from the server. It stands for the network
// failures a connector must survive (a dropped connection, a server that stops answering)
// without touching the shared test server. TLS passes through it untouched.
// Thread-safe: the relay runs on its own thread; the setters may be called from the test.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>

namespace valtuus::testing {

class TcpProxy {
 public:
  enum class Fault {
    none,   // relay everything
    cut,    // after the limit, close both connections
    stall,  // after the limit, relay nothing more but keep the connections open
  };

  // Listens on 127.0.0.1 (a free port) and relays each connection to 127.0.0.1:upstream_port.
  explicit TcpProxy(std::uint16_t upstream_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }

  // Applies to connections accepted from now on: after `server_bytes` bytes from the server,
  // the fault happens; to the next `connections` connections only, or to all when negative
  // (a server that fails once and then works, or one that keeps failing).
  void set_fault(Fault fault, std::size_t server_bytes, int connections = -1);

  // Bytes relayed from the server over all connections so far.
  std::size_t server_bytes() const { return relayed_.load(); }

 private:
  void run();
  void relay(int client);

  std::uint16_t upstream_port_;
  std::uint16_t port_ = 0;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<Fault> fault_{Fault::none};
  std::atomic<std::size_t> limit_{0};
  std::atomic<int> faulty_connections_{-1};
  std::atomic<std::size_t> relayed_{0};
  std::thread thread_;
};

}  // namespace valtuus::testing
