#include "web/web_options.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {
namespace {

WebOptions parse(std::vector<std::string> words) {
  words.insert(words.begin(), "valtuus-web");
  std::vector<const char*> argv;
  for (const auto& word : words) argv.push_back(word.c_str());
  po::variables_map vm;
  po::store(
      po::parse_command_line(static_cast<int>(argv.size()), argv.data(), web_options_description()),
      vm);
  po::notify(vm);
  return web_options_from(vm);
}

std::string error_of(std::vector<std::string> words) {
  try {
    parse(std::move(words));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(WebOptions, DefaultsListenOnLoopbackWithLimits) {
  const WebOptions options = parse({});
  EXPECT_EQ(options.listen_address, "127.0.0.1");
  EXPECT_EQ(options.max_header_bytes, 16u * 1024);
  EXPECT_EQ(options.request_timeout, std::chrono::seconds{10});
}

TEST(WebOptions, AnAddressOutsideLoopbackNeedsToBeAllowed) {
  EXPECT_NE(error_of({"--web.listen_address=0.0.0.0"}).find("web.listen_address"),
            std::string::npos);
  EXPECT_EQ(parse({"--web.listen_address=0.0.0.0", "--web.allow_non_loopback=true"}).listen_address,
            "0.0.0.0");
  EXPECT_EQ(parse({"--web.listen_address=::1"}).listen_address, "::1");
  EXPECT_NE(error_of({"--web.listen_address=console.example"}).find("not an IP address"),
            std::string::npos);
}

TEST(WebOptions, LimitsOutOfRangeAreRefusedByName) {
  EXPECT_NE(error_of({"--web.max_header_bytes=100"}).find("web.max_header_bytes"),
            std::string::npos);
  EXPECT_NE(error_of({"--web.request_timeout=0"}).find("web.request_timeout"), std::string::npos);
  EXPECT_NE(error_of({"--web.max_connections=0"}).find("web.max_connections"), std::string::npos);
}

TEST(WebOptions, TlsNeedsBothFiles) {
  EXPECT_NE(error_of({"--web.tls_cert_file=cert.pem"}).find("set both"), std::string::npos);
  EXPECT_EQ(error_of({"--web.tls_cert_file=cert.pem", "--web.tls_key_file=key.pem"}), "");
}

TEST(WebOptions, AUnixSocketTakesAnAbsolutePathAndAnOctalMode) {
  const WebOptions options = parse({"--web.socket=/run/valtuus-web/web.sock"});
  EXPECT_EQ(options.socket_path, "/run/valtuus-web/web.sock");
  EXPECT_EQ(options.socket_mode, 0660u);
  EXPECT_EQ(parse({"--web.socket=/s", "--web.socket_mode=0600"}).socket_mode, 0600u);
  EXPECT_NE(error_of({"--web.socket=run/web.sock"}).find("not an absolute path"),
            std::string::npos);
  EXPECT_NE(error_of({"--web.socket=/" + std::string(120, 'a')}).find("web.socket"),
            std::string::npos);
  for (const char* mode : {"0777", "0755", "660x", "9", "0400"}) {
    EXPECT_NE(error_of({"--web.socket=/s", std::string("--web.socket_mode=") + mode})
                  .find("web.socket_mode"),
              std::string::npos)
        << mode;
  }
  EXPECT_NE(error_of({"--web.socket=/s", "--web.tls_cert_file=c.pem", "--web.tls_key_file=k.pem"})
                .find("web.socket and web.tls_cert_file"),
            std::string::npos);
}

}  // namespace
}  // namespace valtuus
