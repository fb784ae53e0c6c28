#include "web/http_server.h"

#include <fmt/core.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/log.h"
#include "common/secret_file.h"
#include "core/errors.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;
using unix_stream = beast::basic_stream<local>;

namespace valtuus {

namespace {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;
};

}  // namespace

struct HttpServer::State {
  WebOptions options;
  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  local::acceptor local_acceptor{io};  // open instead of acceptor when options.socket_path is set
  std::optional<asio::ssl::context> tls;
  std::atomic<int> connections{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;  // guards sessions and threads
  std::set<std::weak_ptr<SessionBase>, std::owner_less<std::weak_ptr<SessionBase>>> sessions;
  std::vector<std::thread> threads;
};

namespace {

HttpResponse plain_response(http::status status, const std::string& text, unsigned version) {
  HttpResponse response{status, version};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  response.body() = text + "\n";
  response.keep_alive(false);
  response.prepare_payload();
  return response;
}

// One connection. Stream is beast::tcp_stream, beast::ssl_stream<beast::tcp_stream> or
// unix_stream (a Unix socket: plain, from the proxy on the same machine).
template <typename Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  using Lowest = std::remove_reference_t<beast::lowest_layer_type<Stream>>;
  static constexpr bool kTls = !std::is_same_v<Stream, Lowest>;
  static constexpr bool kUnix = std::is_same_v<Lowest, unix_stream>;

  template <typename... Args>
  Session(std::shared_ptr<HttpServer::State> state, Args&&... args)
      : state_(std::move(state)), stream_(std::forward<Args>(args)...) {
    ++state_->connections;
  }
  ~Session() override { --state_->connections; }

  void start(bool over_limit) {
    over_limit_ = over_limit;
    asio::dispatch(tcp_stream().get_executor(),
                   beast::bind_front_handler(&Session::on_start, this->shared_from_this()));
  }

  // From stop(): a connection waiting for a request is closed; one answering finishes first.
  void close_if_idle() override {
    asio::post(tcp_stream().get_executor(), [self = this->shared_from_this()] {
      if (self->reading_) beast::get_lowest_layer(self->stream_).cancel();
    });
  }

 private:
  Lowest& tcp_stream() { return beast::get_lowest_layer(stream_); }

  void on_start() {
    if constexpr (kUnix) {
      // Not an IP address, so no TCP client can pass for it (web.trusted_proxy = unix).
      info_.peer_address = kUnixSocketPeer;
    } else {
      boost::system::error_code error;
      const auto endpoint = tcp_stream().socket().remote_endpoint(error);
      if (!error) info_.peer_address = endpoint.address().to_string();
    }
    info_.tls = kTls;
    if constexpr (kTls) {
      tcp_stream().expires_after(state_->options.request_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
    } else {
      on_handshake({});
    }
  }

  void on_handshake(beast::error_code error) {
    if (error) return;  // not a TLS client, or too slow: nothing to answer
    if (over_limit_) {
      log_warning(fmt::format("web: more than {} connections; refused one from {}",
                              state_->options.max_connections, info_.peer_address));
      send(
          plain_response(http::status::service_unavailable, "Too many connections, try again", 11));
      return;
    }
    read_request();
  }

  void read_request() {
    if (state_->stopping) return finish();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser_->body_limit(state_->options.max_body_bytes);
    tcp_stream().expires_after(state_->options.request_timeout);
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
  }

  void on_read(beast::error_code error, std::size_t) {
    reading_ = false;
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted || error == asio::error::connection_reset) {
      return finish();
    }
    if (error == http::error::header_limit) {
      return send(plain_response(http::status::request_header_fields_too_large,
                                 "Request headers too large", 11));
    }
    if (error == http::error::body_limit) {
      return send(plain_response(http::status::payload_too_large, "Request body too large", 11));
    }
    if (error) {
      return send(plain_response(http::status::bad_request, "Bad request", 11));
    }
    HttpRequest request = parser_->release();
    HttpResponse response;
    try {
      response = state_->handler(request, info_);
    } catch (const std::exception& e) {
      // The text may quote personal data from the database: the log gets the kind only.
      log_error(fmt::format("web: {} {} failed: {}", std::string(request.method_string()),
                            std::string(request.target().substr(0, request.target().find('?'))),
                            typeid(e).name()));
      response =
          plain_response(http::status::internal_server_error, "Internal error", request.version());
    }
    response.version(request.version());
    if (!request.keep_alive() || state_->stopping) response.keep_alive(false);
    response.prepare_payload();
    send(std::move(response));
  }

  void send(HttpResponse response) {
    response_ = std::make_shared<HttpResponse>(std::move(response));
    tcp_stream().expires_after(state_->options.request_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::on_write, this->shared_from_this(),
                                                response_->need_eof()));
  }

  void on_write(bool close, beast::error_code error, std::size_t) {
    response_.reset();
    if (error) return;
    if (close) return finish();
    read_request();
  }

  void finish() {
    if constexpr (kTls) {
      tcp_stream().expires_after(std::chrono::seconds{2});
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      boost::system::error_code ignored;
      tcp_stream().socket().shutdown(asio::socket_base::shutdown_send, ignored);
    }
  }

  std::shared_ptr<HttpServer::State> state_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
  RequestInfo info_;
  bool over_limit_ = false;
  bool reading_ = false;
};

template <typename Socket>
void register_session(const std::shared_ptr<HttpServer::State>& state, Socket socket) {
  const bool over_limit = state->connections.load() >= state->options.max_connections;
  std::shared_ptr<SessionBase> session;
  if constexpr (std::is_same_v<Socket, local::socket>) {
    auto plain = std::make_shared<Session<unix_stream>>(state, std::move(socket));
    plain->start(over_limit);
    session = plain;
  } else if (state->tls) {
    auto tls = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
        state, std::move(socket), *state->tls);
    tls->start(over_limit);
    session = tls;
  } else {
    auto plain = std::make_shared<Session<beast::tcp_stream>>(state, std::move(socket));
    plain->start(over_limit);
    session = plain;
  }
  std::lock_guard lock(state->mutex);
  std::erase_if(state->sessions, [](const auto& weak) { return weak.expired(); });
  state->sessions.insert(session);
}

template <typename Acceptor>
void accept_next(const std::shared_ptr<HttpServer::State>& state, Acceptor& acceptor) {
  using Socket = typename Acceptor::protocol_type::socket;
  acceptor.async_accept(asio::make_strand(state->io),
                        [state, &acceptor](beast::error_code error, Socket socket) {
                          if (error) {
                            if (error == asio::error::operation_aborted || state->stopping) return;
                            log_warning("web: accept failed: " + error.message());
                            return accept_next(state, acceptor);
                          }
                          register_session(state, std::move(socket));
                          accept_next(state, acceptor);
                        });
}

// A socket file left by a valtuus-web that did not stop cleanly is replaced; a live one (some
// other process answers on it) or a file that is not a socket is refused.
void clear_stale_socket(asio::io_context& io, const std::string& path) {
  struct stat status {};
  if (::lstat(path.c_str(), &status) != 0) return;
  if (!S_ISSOCK(status.st_mode)) {
    throw ConfigError(fmt::format("web.socket: {} exists and is not a socket", path));
  }
  local::socket probe(io);
  boost::system::error_code error;
  probe.connect(local::endpoint(path), error);
  if (!error) {
    throw ConfigError(fmt::format("web.socket: {} is in use by another process", path));
  }
  ::unlink(path.c_str());
}

void listen_on_socket(HttpServer::State& state) {
  const WebOptions& options = state.options;
  clear_stale_socket(state.io, options.socket_path);
  boost::system::error_code error;
  auto& acceptor = state.local_acceptor;
  acceptor.open(local(), error);
  // bind creates the file with the process's umask (0077 under systemd: owner only); the
  // configured mode is set before listen, so no client can connect in between.
  if (!error) acceptor.bind(local::endpoint(options.socket_path), error);
  if (!error && ::chmod(options.socket_path.c_str(), options.socket_mode) != 0) {
    error.assign(errno, boost::system::system_category());
  }
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw ConfigError(
        fmt::format("web.socket: cannot listen on {}: {}", options.socket_path, error.message()));
  }
}

void load_tls(HttpServer::State& state) {
  const WebOptions& options = state.options;
  if (options.tls_cert_file.empty()) return;
  state.tls.emplace(asio::ssl::context::tls_server);
  auto& context = *state.tls;
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
  boost::system::error_code error;
  context.use_certificate_chain_file(resolve_credential_path(options.tls_cert_file), error);
  if (error) {
    throw ConfigError(
        fmt::format("web.tls_cert_file: {}: {}", options.tls_cert_file, error.message()));
  }
  const std::string key = read_secret_file(options.tls_key_file, "web.tls_key_file");
  context.use_private_key(asio::buffer(key), asio::ssl::context::pem, error);
  if (error) {
    throw ConfigError(
        fmt::format("web.tls_key_file: {}: {}", options.tls_key_file, error.message()));
  }
}

}  // namespace

HttpServer::HttpServer(const WebOptions& options, HttpHandler handler)
    : state_(std::make_shared<State>()) {
  state_->options = options;
  state_->handler = std::move(handler);
  load_tls(*state_);
  if (!options.socket_path.empty()) {
    listen_on_socket(*state_);
    return;
  }
  const tcp::endpoint endpoint{asio::ip::make_address(options.listen_address), options.port};
  boost::system::error_code error;
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw ConfigError(fmt::format("web.listen_address, web.port: cannot listen on {}:{}: {}",
                                  options.listen_address, options.port, error.message()));
  }
}

HttpServer::~HttpServer() {
  stop();
}

unsigned short HttpServer::port() const {
  if (!state_->options.socket_path.empty()) return 0;
  return state_->acceptor.local_endpoint().port();
}

void HttpServer::start() {
  if (state_->options.socket_path.empty()) {
    accept_next(state_, state_->acceptor);
  } else {
    accept_next(state_, state_->local_acceptor);
  }
  std::lock_guard lock(state_->mutex);
  for (int i = 0; i < state_->options.threads; ++i) {
    state_->threads.emplace_back([state = state_] { state->io.run(); });
  }
}

void HttpServer::stop() {
  if (state_->stopping.exchange(true)) return;
  asio::post(state_->io, [state = state_] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->local_acceptor.close(ignored);
  });
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& weak : state_->sessions) {
      if (auto session = weak.lock()) session->close_if_idle();
    }
    threads.swap(state_->threads);
  }
  // The threads end when the last connection has finished: each is bounded by request_timeout.
  for (std::thread& thread : threads) thread.join();
  // The file stays after the socket closes; gone, it tells the proxy nobody listens.
  if (!state_->options.socket_path.empty()) ::unlink(state_->options.socket_path.c_str());
}

}  // namespace valtuus
