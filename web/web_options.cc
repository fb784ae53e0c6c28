#include "web/web_options.h"

#include <fmt/core.h>

#include <sys/un.h>

#include <boost/asio/ip/address.hpp>

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description web_options_description() {
  po::options_description options("Web console");
  // clang-format off
  options.add_options()
      ("web.listen_address", po::value<std::string>()->default_value("127.0.0.1"),
       "address to listen on (a loopback address unless web.allow_non_loopback)")
      ("web.port", po::value<int>()->default_value(8443),
       "TCP port (1 to 65535; 0: any free port, logged at start)")
      ("web.allow_non_loopback", po::value<bool>()->default_value(false),
       "allow listening on an address other than loopback (serve TLS then)")
      ("web.max_header_bytes", po::value<int>()->default_value(16 * 1024),
       "largest request line and headers, in bytes (1024 to 1048576); larger gets 431")
      ("web.max_body_bytes", po::value<int>()->default_value(64 * 1024),
       "largest request body, in bytes (0 to 10485760); larger gets 413")
      ("web.request_timeout", po::value<int>()->default_value(10),
       "seconds a client has to send one whole request (1 to 300); slower is disconnected")
      ("web.max_connections", po::value<int>()->default_value(200),
       "open connections at most (1 to 100000); more get 503 and are closed")
      ("web.threads", po::value<int>()->default_value(2), "worker threads (1 to 64)")
      ("web.tls_cert_file", po::value<std::string>()->default_value(""),
       "PEM certificate chain; with web.tls_key_file, serve HTTPS")
      ("web.tls_key_file", po::value<std::string>()->default_value(""),
       "PEM private key (a secret file; a bare name is looked up in $CREDENTIALS_DIRECTORY)")
      ("web.socket", po::value<std::string>()->default_value(""),
       "listen on this Unix socket instead of TCP (an absolute path, e.g. "
       "/run/valtuus-web/web.sock); the reverse proxy on the same machine connects to it")
      ("web.socket_mode", po::value<std::string>()->default_value("0660"),
       "the socket file's permissions, octal (0600 to 0666): owner valtuus_web and its group; "
       "add the proxy's user (www-data) to that group");
  // clang-format on
  return options;
}

namespace {

int in_range(const po::variables_map& vm, const char* name, int low, int high) {
  const int value = vm[name].as<int>();
  if (value < low || value > high) {
    throw ConfigError(fmt::format("{}: {} is out of range ({} to {})", name, value, low, high));
  }
  return value;
}

void socket_options_from(const po::variables_map& vm, WebOptions& options) {
  options.socket_path = vm["web.socket"].as<std::string>();
  if (options.socket_path.empty()) return;
  if (options.socket_path.front() != '/') {
    throw ConfigError(fmt::format("web.socket: {} is not an absolute path", options.socket_path));
  }
  if (options.socket_path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw ConfigError(fmt::format("web.socket: {} is longer than a socket address allows ({})",
                                  options.socket_path, sizeof(sockaddr_un{}.sun_path) - 1));
  }
  // Behind a proxy on the same machine nothing travels a network: the proxy speaks TLS.
  if (!options.tls_cert_file.empty()) {
    throw ConfigError(
        "web.socket and web.tls_cert_file: a Unix socket serves plain HTTP to the "
        "proxy on the same machine; set one or the other");
  }
  const std::string mode = vm["web.socket_mode"].as<std::string>();
  std::size_t end = 0;
  unsigned long value = 0;
  try {
    value = std::stoul(mode, &end, 8);
  } catch (const std::exception&) {
    end = 0;
  }
  if (mode.empty() || end != mode.size() || value < 0600 || value > 0666 || (value & 0111)) {
    throw ConfigError(fmt::format(
        "web.socket_mode: {} is not an octal mode from 0600 to 0666 without execute bits", mode));
  }
  options.socket_mode = static_cast<unsigned>(value);
}

}  // namespace

WebOptions web_options_from(const po::variables_map& vm) {
  WebOptions options;
  options.listen_address = vm["web.listen_address"].as<std::string>();
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(options.listen_address, error);
  if (error) {
    throw ConfigError(
        fmt::format("web.listen_address: {} is not an IP address", options.listen_address));
  }
  if (!address.is_loopback() && !vm["web.allow_non_loopback"].as<bool>()) {
    throw ConfigError(fmt::format(
        "web.listen_address: {} is not a loopback address; put the console behind the reverse "
        "proxy, or set web.allow_non_loopback = true",
        options.listen_address));
  }
  options.port = static_cast<unsigned short>(in_range(vm, "web.port", 0, 65535));
  options.max_header_bytes =
      static_cast<std::size_t>(in_range(vm, "web.max_header_bytes", 1024, 1 << 20));
  options.max_body_bytes =
      static_cast<std::size_t>(in_range(vm, "web.max_body_bytes", 0, 10 << 20));
  options.request_timeout = std::chrono::seconds{in_range(vm, "web.request_timeout", 1, 300)};
  options.max_connections = in_range(vm, "web.max_connections", 1, 100000);
  options.threads = in_range(vm, "web.threads", 1, 64);
  options.tls_cert_file = vm["web.tls_cert_file"].as<std::string>();
  options.tls_key_file = vm["web.tls_key_file"].as<std::string>();
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    throw ConfigError("web.tls_cert_file and web.tls_key_file: set both (HTTPS) or neither");
  }
  socket_options_from(vm, options);
  return options;
}

}  // namespace valtuus
