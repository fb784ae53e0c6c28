// A raw TCP client for the server tests: sends exactly the bytes given (well-formed or not,
// whole or in part) and reads what comes back until the server closes or a deadline passes.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace valtuus::testing {

class RawClient {
 public:
  explicit RawClient(unsigned short port);  // connects to 127.0.0.1; throws when it cannot
  explicit RawClient(const std::string& socket_path);  // connects to a Unix socket
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  void send(const std::string& bytes);
  // Everything received until the server closes the connection or `deadline` passes.
  std::string read_until_closed(std::chrono::milliseconds deadline = std::chrono::seconds{5});
  // Whether the server closed the connection before `deadline`.
  bool closed_within(std::chrono::milliseconds deadline);

 private:
  int fd_ = -1;
  bool closed_ = false;
};

// One HTTP/1.1 request with "Connection: close"; returns the whole response text.
std::string http_get(unsigned short port, const std::string& path);

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::string header(const std::string& name) const;  // the first, or ""
  // The value of cookie `name` in a Set-Cookie header, or nullopt when none sets it.
  std::optional<std::string> set_cookie(const std::string& name) const;
};

// A browser's request, reduced: `cookies` as the Cookie header ("a=1; b=2"), a body sent as
// an urlencoded form when not empty.
HttpReply http_request(unsigned short port, const std::string& method, const std::string& target,
                       const std::string& cookies = "", const std::string& form = "",
                       const std::string& extra_headers = "");  // "Name: value\r\n" each
// The same over a Unix socket (web.socket).
HttpReply http_request_unix(const std::string& socket_path, const std::string& method,
                            const std::string& target, const std::string& cookies = "",
                            const std::string& extra_headers = "");

}  // namespace valtuus::testing
