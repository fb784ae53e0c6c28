#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace valtuus::testing {

namespace {

constexpr int kPollMs = 20;  // how quickly the relay notices stop_

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("TcpProxy: " + what + ": " + std::strerror(errno));
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(std::uint16_t upstream_port) : upstream_port_(upstream_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) fail("socket");
  sockaddr_in addr = loopback(0);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
  if (::listen(listener_, 8) != 0) fail("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    fail("getsockname");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

TcpProxy::~TcpProxy() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

void TcpProxy::set_fault(Fault fault, std::size_t server_bytes, int connections) {
  limit_ = server_bytes;
  faulty_connections_ = connections;
  fault_ = fault;
}

void TcpProxy::run() {
  while (!stop_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    relay(client);  // one connection at a time is all the tests need
    ::close(client);
  }
}

void TcpProxy::relay(int client) {
  const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = loopback(upstream_port_);
  if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (server >= 0) ::close(server);
    return;
  }
  Fault fault = fault_;
  // Only the first `connections` connections fail (a negative count: all of them).
  if (faulty_connections_ == 0) {
    fault = Fault::none;
  } else if (faulty_connections_ > 0) {
    --faulty_connections_;
  }
  const std::size_t limit = limit_;
  std::size_t from_server = 0;
  bool frozen = false;
  char buffer[16384];
  while (!stop_) {
    if (frozen) {
      // Move nothing; only notice the client giving up (closing after its timeout).
      pollfd p{client, POLLRDHUP, 0};
      if (::poll(&p, 1, kPollMs) > 0) break;
      continue;
    }
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    if (::poll(fds, 2, kPollMs) <= 0) continue;
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
      if (n <= 0 || !write_all(server, buffer, static_cast<std::size_t>(n))) break;
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(server, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      std::size_t size = static_cast<std::size_t>(n);
      if (fault != Fault::none) size = std::min(size, limit - from_server);
      if (!write_all(client, buffer, size)) break;
      from_server += size;
      relayed_ += size;
      if (fault != Fault::none && from_server >= limit) {
        if (fault == Fault::cut) break;
        frozen = true;  // stall: keep both sockets open, move nothing
      }
    }
  }
  ::close(server);
}

}  // namespace valtuus::testing
