// The server's limits, each against a real socket with a request that breaks it.
#include "web/http_server.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/errors.h"

#include "tests/web/http_test_client.h"
#include "web/web_app.h"

namespace valtuus {
namespace {

using namespace std::chrono_literals;
using testing::http_get;
using testing::http_request_unix;
using testing::RawClient;

WebOptions small_limits() {
  WebOptions options;
  options.port = 0;
  options.max_header_bytes = 2048;
  options.max_body_bytes = 1024;
  options.request_timeout = 400ms;
  options.max_connections = 3;
  options.threads = 2;
  return options;
}

struct CountingHandler {
  std::atomic<int> calls{0};
  HttpHandler handler() {
    return [this](const HttpRequest& request, const RequestInfo& info) {
      ++calls;
      HttpResponse response{boost::beast::http::status::ok, request.version()};
      response.body() = "body=" + request.body() + " peer=" + info.peer_address;
      return response;
    };
  }
};

TEST(HttpServer, AnswersAWellFormedRequestWithTheConsoleHeaders) {
  HttpServer server(small_limits(), handle_web_request);
  server.start();
  const std::string response = http_get(server.port(), "/healthz");
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
  EXPECT_NE(response.find("X-Frame-Options: DENY"), std::string::npos) << response;
  EXPECT_NE(response.find("Content-Security-Policy: default-src 'self'"), std::string::npos);
  EXPECT_EQ(http_get(server.port(), "/nothing-here").rfind("HTTP/1.1 404", 0), 0u);
}

TEST(HttpServer, HeadersOverTheLimitGet431AndNeverReachTheHandler) {
  CountingHandler counting;
  HttpServer server(small_limits(), counting.handler());
  server.start();
  RawClient client(server.port());
  client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(3000, 'a') + "\r\n\r\n");
  const std::string response = client.read_until_closed();
  EXPECT_EQ(response.rfind("HTTP/1.1 431", 0), 0u) << response;
  EXPECT_EQ(counting.calls.load(), 0);
}

TEST(HttpServer, ABodyOverTheLimitGets413AndNeverReachesTheHandler) {
  CountingHandler counting;
  HttpServer server(small_limits(), counting.handler());
  server.start();
  RawClient client(server.port());
  client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n" +
              std::string(1025, 'b'));
  const std::string response = client.read_until_closed();
  EXPECT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response;
  EXPECT_EQ(counting.calls.load(), 0);

  // A chunked body is counted as it arrives, so it cannot slip past the declared length.
  RawClient chunked(server.port());
  chunked.send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" +
               std::string(1024, 'c') + "\r\n10\r\n" + std::string(16, 'd') + "\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.read_until_closed().rfind("HTTP/1.1 413", 0), 0u);

  // At the limit it passes.
  RawClient fits(server.port());
  fits.send("POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1024\r\n\r\n" +
            std::string(1024, 'e'));
  EXPECT_EQ(fits.read_until_closed().rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_EQ(counting.calls.load(), 1);
}

TEST(HttpServer, ASlowRequestIsDisconnectedAfterTheRequestTimeout) {
  CountingHandler counting;
  HttpServer server(small_limits(), counting.handler());
  server.start();
  RawClient client(server.port());
  const auto start = std::chrono::steady_clock::now();
  // Headers trickle in but never end: the timeout covers the whole request, not each byte.
  client.send("GET / HTTP/1.1\r\n");
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(150ms);
    client.send("X-Slow: " + std::to_string(i) + "\r\n");
  }
  EXPECT_TRUE(client.closed_within(3s));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 3s);  // generous: CI runs sanitizers with every core busy
  EXPECT_EQ(counting.calls.load(), 0);
}

TEST(HttpServer, AKeptAliveConnectionServesSeveralRequestsThenTimesOutWhenIdle) {
  CountingHandler counting;
  HttpServer server(small_limits(), counting.handler());
  server.start();
  RawClient client(server.port());
  client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string responses = client.read_until_closed(3s);
  EXPECT_EQ(counting.calls.load(), 2);
  EXPECT_NE(responses.find("peer=127.0.0.1"), std::string::npos) << responses;
  EXPECT_NE(responses.find("HTTP/1.1 200", 10), std::string::npos) << responses;
}

TEST(HttpServer, ConnectionsOverTheLimitGet503UntilOneCloses) {
  CountingHandler counting;
  HttpServer server(small_limits(), counting.handler());  // 3 connections
  server.start();
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(server.port()));
    held.back()->send("GET / HTTP/1.1\r\n");  // open, and not finished
  }
  std::this_thread::sleep_for(100ms);  // let the server accept all three
  EXPECT_EQ(http_get(server.port(), "/").rfind("HTTP/1.1 503", 0), 0u);
  held.clear();
  std::string response;
  for (int i = 0; i < 50 && response.rfind("HTTP/1.1 200", 0) != 0; ++i) {
    std::this_thread::sleep_for(20ms);
    response = http_get(server.port(), "/");
  }
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response;
}

TEST(HttpServer, GarbageGets400) {
  CountingHandler counting;
  HttpServer server(small_limits(), counting.handler());
  server.start();
  RawClient client(server.port());
  client.send("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_EQ(client.read_until_closed().rfind("HTTP/1.1 400", 0), 0u);
  EXPECT_EQ(counting.calls.load(), 0);
}

TEST(HttpServer, AFailingHandlerGivesABare500) {
  HttpServer server(small_limits(), [](const HttpRequest&, const RequestInfo&) -> HttpResponse {
    throw std::runtime_error("row of 010101-123N");
  });
  server.start();
  const std::string response = http_get(server.port(), "/");
  EXPECT_EQ(response.rfind("HTTP/1.1 500", 0), 0u) << response;
  EXPECT_EQ(response.find("010101"), std::string::npos) << response;
}

TEST(HttpServer, StopClosesIdleConnectionsAtOnceAndFinishesTheOneInFlight) {
  WebOptions options = small_limits();
  options.request_timeout = 5s;
  std::atomic<bool> in_handler{false};
  HttpServer server(options, [&](const HttpRequest& request, const RequestInfo&) {
    in_handler = true;
    std::this_thread::sleep_for(300ms);
    HttpResponse response{boost::beast::http::status::ok, request.version()};
    response.body() = "finished";
    return response;
  });
  server.start();
  RawClient idle(server.port());
  RawClient busy(server.port());
  busy.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!in_handler) std::this_thread::sleep_for(5ms);
  const auto start = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_TRUE(idle.closed_within(1s));
  const std::string answer = busy.read_until_closed(1s);
  EXPECT_NE(answer.find("finished"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
}

// A folder of its own for each socket test (the path must stay under 108 bytes).
class UnixSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("vw-sock-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "web.sock").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  WebOptions socket_limits(unsigned mode = 0660) const {
    WebOptions options = small_limits();
    options.socket_path = path_;
    options.socket_mode = mode;
    return options;
  }
  unsigned file_mode() const {
    struct stat status {};
    if (::lstat(path_.c_str(), &status) != 0) return 0;
    return status.st_mode & 07777;
  }
  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(UnixSocketTest, ServesRequestsWithTheConfiguredModeAndRemovesTheFileAtStop) {
  CountingHandler counting;
  // As under systemd (UMask=0077): the mode comes from the option, not the umask.
  const mode_t old_umask = ::umask(0077);
  HttpServer server(socket_limits(0660), counting.handler());
  ::umask(old_umask);
  server.start();
  EXPECT_EQ(file_mode(), 0660u);
  EXPECT_EQ(server.port(), 0);
  const auto reply = http_request_unix(path_, "GET", "/x");
  EXPECT_EQ(reply.status, 200);
  // The console can tell a request that came through the socket (and nothing else can say so).
  EXPECT_EQ(reply.body, std::string("body= peer=") + kUnixSocketPeer);
  EXPECT_EQ(counting.calls.load(), 1);
  server.stop();
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_THROW(RawClient{path_}, std::runtime_error);
}

TEST_F(UnixSocketTest, TheLimitsHoldOnTheSocketToo) {
  CountingHandler counting;
  HttpServer server(socket_limits(0600), counting.handler());
  server.start();
  EXPECT_EQ(file_mode(), 0600u);
  RawClient big(path_);
  big.send("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(3000, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.read_until_closed().rfind("HTTP/1.1 431", 0), 0u);
  RawClient slow(path_);
  slow.send("GET / HTTP/1.1\r\n");
  EXPECT_TRUE(slow.closed_within(3s));
  EXPECT_EQ(counting.calls.load(), 0);
}

TEST_F(UnixSocketTest, AStaleSocketIsReplacedALiveOneAndAnyOtherFileAreRefused) {
  CountingHandler counting;
  {
    // A live server on the path: a second one must not take it over.
    HttpServer first(socket_limits(), counting.handler());
    first.start();
    try {
      HttpServer second(socket_limits(), counting.handler());
      FAIL() << "took over a socket in use";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
    EXPECT_EQ(http_request_unix(path_, "GET", "/").status, 200);  // the first still answers
  }
  // A socket file left behind by a process that died (bound, never unlinked).
  {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, path_.size());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ::close(fd);
  }
  ASSERT_TRUE(std::filesystem::is_socket(path_));
  {
    HttpServer server(socket_limits(), counting.handler());
    server.start();
    EXPECT_EQ(http_request_unix(path_, "GET", "/").status, 200);
  }
  // Not a socket: never deleted.
  std::ofstream(path_) << "keep me";
  try {
    HttpServer server(socket_limits(), counting.handler());
    FAIL() << "replaced a regular file";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("not a socket"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(std::filesystem::is_regular_file(path_));
}

}  // namespace
}  // namespace valtuus
