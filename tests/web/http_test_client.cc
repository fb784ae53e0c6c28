#include "tests/web/http_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace valtuus::testing {

RawClient::RawClient(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
}

RawClient::RawClient(const std::string& socket_path) {
  fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof address.sun_path) throw std::runtime_error("path too long");
  socket_path.copy(address.sun_path, socket_path.size());
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot connect to unix:" + socket_path);
  }
}

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

void RawClient::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server closed early: what it answered is still readable
    sent += static_cast<std::size_t>(n);
  }
}

std::string RawClient::read_until_closed(std::chrono::milliseconds deadline) {
  std::string out;
  const auto end = std::chrono::steady_clock::now() + deadline;
  char buffer[4096];
  while (!closed_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed_ = true;  // orderly close, or reset: either way the server is done with us
      break;
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

bool RawClient::closed_within(std::chrono::milliseconds deadline) {
  read_until_closed(deadline);
  return closed_;
}

std::string http_get(unsigned short port, const std::string& path) {
  RawClient client(port);
  client.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  return client.read_until_closed();
}

std::string HttpReply::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

std::optional<std::string> HttpReply::set_cookie(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == "set-cookie" && value.rfind(name + "=", 0) == 0) {
      return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
    }
  }
  return std::nullopt;
}

namespace {

std::string request_text(const std::string& method, const std::string& target,
                         const std::string& cookies, const std::string& form,
                         const std::string& extra_headers) {
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n";
  if (!cookies.empty()) request += "Cookie: " + cookies + "\r\n";
  request += extra_headers;
  if (method == "POST") {
    request += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
               std::to_string(form.size()) + "\r\n";
  }
  return request + "\r\n" + form;
}

HttpReply send_and_read(RawClient& client, const std::string& request) {
  client.send(request);
  const std::string text = client.read_until_closed();
  HttpReply reply;
  const auto head_end = text.find("\r\n\r\n");
  if (text.size() < 12 || head_end == std::string::npos) return reply;
  reply.status = std::stoi(text.substr(9, 3));
  std::size_t at = text.find("\r\n") + 2;
  while (at < head_end) {
    const auto end = text.find("\r\n", at);
    const std::string line = text.substr(at, end - at);
    const auto colon = line.find(':');
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers.emplace_back(name, line.substr(line.find_first_not_of(' ', colon + 1)));
    at = end + 2;
  }
  reply.body = text.substr(head_end + 4);
  return reply;
}

}  // namespace

HttpReply http_request(unsigned short port, const std::string& method, const std::string& target,
                       const std::string& cookies, const std::string& form,
                       const std::string& extra_headers) {
  RawClient client(port);
  return send_and_read(client, request_text(method, target, cookies, form, extra_headers));
}

HttpReply http_request_unix(const std::string& socket_path, const std::string& method,
                            const std::string& target, const std::string& cookies,
                            const std::string& extra_headers) {
  RawClient client(socket_path);
  return send_and_read(client, request_text(method, target, cookies, "", extra_headers));
}

}  // namespace valtuus::testing
