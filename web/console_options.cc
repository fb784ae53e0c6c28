#include "web/console_options.h"

#include <fmt/core.h>

#include <boost/asio/ip/address.hpp>

#include "core/errors.h"

namespace po = boost::program_options;

namespace valtuus {

po::options_description console_options_description() {
  po::options_description options("Web console: roles and sessions");
  // clang-format off
  options.add_options()
      ("web.reviewer_group", po::value<std::string>()->default_value(""),
       "DN of the directory group whose members review and decide items")
      ("web.security_group", po::value<std::string>()->default_value(""),
       "DN of the group whose members read the security reports")
      ("web.admin_group", po::value<std::string>()->default_value(""),
       "DN of the group of the console's administrators")
      ("web.session_idle_timeout", po::value<int>()->default_value(1800),
       "seconds of inactivity that end a session (60 to 86400)")
      ("web.session_lifetime", po::value<int>()->default_value(28800),
       "seconds after login that end a session however active (300 to 86400)")
      ("web.login_max_failures", po::value<int>()->default_value(5),
       "failed logins per account within web.login_failure_window before further tries are "
       "refused (1 to 100); an address gets ten times as many")
      ("web.login_failure_window", po::value<int>()->default_value(900),
       "seconds a failed login counts (60 to 86400)")
      ("web.trusted_header", po::value<std::string>()->default_value(""),
       "single sign-on: the header in which the reverse proxy names the logged-in account "
       "(e.g. X-Remote-User); with web.trusted_proxy")
      ("web.trusted_proxy", po::value<std::string>()->default_value(""),
       "the proxy's IP address: the only client whose web.trusted_header is believed; "
       "`unix`: every client of web.socket (its file mode decides who can connect)");
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

}  // namespace

ConsoleOptions console_options_from(const po::variables_map& vm) {
  ConsoleOptions options;
  options.role_groups = {vm["web.reviewer_group"].as<std::string>(),
                         vm["web.security_group"].as<std::string>(),
                         vm["web.admin_group"].as<std::string>()};
  options.sessions.idle = std::chrono::seconds{in_range(vm, "web.session_idle_timeout", 60, 86400)};
  options.sessions.absolute =
      std::chrono::seconds{in_range(vm, "web.session_lifetime", 300, 86400)};
  options.login_max_failures = in_range(vm, "web.login_max_failures", 1, 100);
  options.login_failure_window =
      std::chrono::seconds{in_range(vm, "web.login_failure_window", 60, 86400)};
  options.trusted_header = vm["web.trusted_header"].as<std::string>();
  options.trusted_proxy = vm["web.trusted_proxy"].as<std::string>();
  if (options.trusted_header.empty() != options.trusted_proxy.empty()) {
    throw ConfigError(
        "web.trusted_header and web.trusted_proxy: set both (single sign-on) or neither");
  }
  boost::system::error_code error;
  if (!options.trusted_proxy.empty() && options.trusted_proxy != kUnixSocketPeer) {
    boost::asio::ip::make_address(options.trusted_proxy, error);
  }
  if (error) {
    throw ConfigError(fmt::format("web.trusted_proxy: {} is neither an IP address nor `unix`",
                                  options.trusted_proxy));
  }
  return options;
}

}  // namespace valtuus
