// valtuus-web serving TLS itself from a certificate and key file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>

#include "core/errors.h"
#include "tests/support/process.h"
#include "tests/web/http_test_client.h"
#include "web/http_server.h"
#include "web/web_app.h"

namespace valtuus {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

class HttpsServerTest : public ::testing::Test {
 protected:
  HttpsServerTest() {
    dir_ = std::filesystem::temp_directory_path() / ("valtuus-web-tls-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    const auto result = testing::run_process(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", (dir_ / "key.pem").string(),
         "-out", (dir_ / "cert.pem").string()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
  }
  ~HttpsServerTest() override { std::filesystem::remove_all(dir_); }

  WebOptions options() const {
    WebOptions o;
    o.port = 0;
    o.tls_cert_file = (dir_ / "cert.pem").string();
    o.tls_key_file = (dir_ / "key.pem").string();
    return o;
  }

  std::filesystem::path dir_;
};

TEST_F(HttpsServerTest, AnswersOverTlsAndNotInTheClear) {
  HttpServer server(options(), handle_web_request);
  server.start();

  asio::io_context io;
  asio::ssl::context context(asio::ssl::context::tls_client);
  context.load_verify_file((dir_ / "cert.pem").string());
  context.set_verify_mode(asio::ssl::verify_peer);
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream(io, context);
  boost::beast::get_lowest_layer(stream).connect(
      {asio::ip::make_address("127.0.0.1"), server.port()});
  stream.handshake(asio::ssl::stream_base::client);
  http::request<http::string_body> request{http::verb::get, "/healthz", 11};
  request.set(http::field::host, "localhost");
  http::write(stream, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "ok\n");

  // Plain HTTP to the TLS port gets no page.
  const std::string clear = testing::http_get(server.port(), "/healthz");
  EXPECT_EQ(clear.find("ok"), std::string::npos) << clear;
}

TEST_F(HttpsServerTest, AMissingOrBadKeyIsAConfigurationError) {
  WebOptions missing = options();
  missing.tls_key_file = (dir_ / "nothing.pem").string();
  EXPECT_THROW(HttpServer(missing, handle_web_request), ConfigError);
  WebOptions wrong = options();
  wrong.tls_key_file = wrong.tls_cert_file;  // a certificate is not a key
  EXPECT_THROW(HttpServer(wrong, handle_web_request), ConfigError);
}

}  // namespace
}  // namespace valtuus
