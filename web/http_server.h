// valtuus-web's HTTP/1.1 server (Boost.Beast over Asio), plain or TLS. It enforces the limits
// of WebOptions on every connection, before any handler sees a request:
//   - request line and headers over max_header_bytes: 431, connection closed;
//   - a body (declared or sent) over max_body_bytes: 413, connection closed;
//   - a request not complete within request_timeout (a slow or stalled client): closed;
//   - more than max_connections open at once: 503, connection closed;
//   - a request Beast cannot parse: 400, connection closed.
// Handlers run on the server's threads.
#pragma once

#include <memory>

#include "web/http_types.h"
#include "web/web_options.h"

namespace valtuus {

class HttpServer {
 public:
  // Binds and listens (port 0: any free port, see port()), or on options.socket_path (given
  // options.socket_mode); reads the TLS files when set. Throws ConfigError when it cannot.
  HttpServer(const WebOptions& options, HttpHandler handler);
  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  unsigned short port() const;  // 0 on a Unix socket

  // Starts options.threads threads serving connections; returns at once.
  void start();
  // Stops accepting, lets each connection finish the request it is answering (within
  // request_timeout), closes the idle ones and joins the threads; removes the socket file.
  // Idempotent.
  void stop();

  struct State;  // shared with the connections, which may outlive a call

 private:
  std::shared_ptr<State> state_;
};

}  // namespace valtuus
