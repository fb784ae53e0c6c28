// valtuus-web's own options (web.*): where it listens and the limits it puts on every
// request, so that one client (or many) cannot hold memory or connections without end.
#pragma once

#include <boost/program_options.hpp>
#include <chrono>
#include <cstddef>
#include <string>

namespace valtuus {

struct WebOptions {
  std::string listen_address = "127.0.0.1";  // loopback: the reverse proxy is in front
  unsigned short port = 8443;
  std::size_t max_header_bytes = 16 * 1024;  // request line and headers together
  std::size_t max_body_bytes = 64 * 1024;    // forms are small; no uploads
  // To send one whole request, counted from when the server starts waiting for it (so a
  // kept-alive connection gets as long to start its next one), and to take one response.
  std::chrono::milliseconds request_timeout{10'000};
  int max_connections = 200;  // beyond this, 503 and close
  int threads = 2;
  std::string tls_cert_file;  // both set: serve HTTPS; both empty: plain HTTP behind the proxy
  std::string tls_key_file;
  // Set: listen on this Unix socket instead of TCP (listen_address and port unused). The
  // proxy on the same machine connects to it; the file's mode says who else may.
  std::string socket_path;
  unsigned socket_mode = 0660;
};

boost::program_options::options_description web_options_description();

// Throws ConfigError naming the option when a value is out of range, or when only one of the
// two TLS files is set, or when the address is not a loopback address without
// web.allow_non_loopback (the console is meant to sit behind the organisation's proxy), or
// when web.socket is not an absolute path that fits a socket address, or is set with TLS.
WebOptions web_options_from(const boost::program_options::variables_map& vm);

}  // namespace valtuus
