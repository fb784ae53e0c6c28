// valtuus-web: the web console. Serves the reviewers', security's and employees' pages over
// HTTP/1.1 (TLS optional) behind the organisation's reverse proxy. This file reads the
// configuration, refuses root, serves until SIGTERM or SIGINT and maps errors to exit codes.
#include <pthread.h>
#include <systemd/sd-daemon.h>

#include <csignal>
#include <iostream>

#include "common/configuration.h"
#include "common/error_exit.h"
#include "common/exit_codes.h"
#include "common/log.h"
#include "common/privileges.h"
#include "web/console.h"
#include "web/http_server.h"
#include "web/ldap_authenticator.h"
#include "web/web_settings.h"

using namespace valtuus;

namespace {

int serve(const WebSettings& settings) {
  refuse_root("valtuus-web");
  // Blocked here, before the server's threads start (they inherit the mask), and taken by
  // sigwait below: no handler ever runs inside a request.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  LdapAuthenticator authenticator(settings.directory);
  WebStore store(settings.database);
  // Before listening: a console on an unknown schema would fail request by request.
  store.require_current_schema();
  Console console(settings.console, authenticator, store);
  HttpServer server(settings.web, [&console](const HttpRequest& request, const RequestInfo& info) {
    return console.handle(request, info);
  });
  server.start();
  if (settings.web.socket_path.empty()) {
    log_info("listening on " + settings.web.listen_address + ":" + std::to_string(server.port()) +
             (settings.web.tls_cert_file.empty() ? " (HTTP)" : " (HTTPS)"));
  } else {
    log_info("listening on unix:" + settings.web.socket_path + " (HTTP)");
  }
  sd_notify(0, "READY=1");  // Type=notify: the proxy may send requests from now on
  int signal = 0;
  sigwait(&stop_signals, &signal);
  sd_notify(0, "STOPPING=1");
  log_info("stopping: finishing the requests in flight");
  server.stop();
  log_info("stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char* argv[]) {
  set_log_program("valtuus-web");
  std::signal(SIGPIPE, SIG_IGN);  // a client gone mid-response is an error code, not a death
  const ConfigurationSources sources = web_configuration_sources();
  try {
    Configuration config = read_configuration(argc, argv, sources);
    if (config.values.count("help")) {
      std::cout << "Usage: valtuus-web [--config FILE]\n\n"
                << sources.command_line_only << '\n'
                << sources.shared << '\n';
      return kExitOk;
    }
    if (config.values.count("version")) {
      std::cout << "valtuus-web " << VALTUUS_VERSION << '\n';
      return kExitOk;
    }
    if (config.values.count("print-config")) {
      std::cout << print_configuration(config, sources.shared);
      return kExitOk;
    }
    const WebSettings settings = web_settings_from(config.values);
    if (config.values.count("check-config")) {
      std::cout << "configuration is valid\n";
      return kExitOk;
    }
    return serve(settings);
  } catch (const std::exception& e) {
    return log_error_exit(e);
  }
}
