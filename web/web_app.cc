#include "web/web_app.h"

namespace http = boost::beast::http;

namespace valtuus {

namespace {

// Headers on every response: no framing by other sites, no content sniffing, no referrer
// leaving the console, and only the console's own resources.
void set_security_headers(HttpResponse& response) {
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Content-Security-Policy",
               "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
}

HttpResponse text(http::status status, const std::string& body, unsigned version) {
  HttpResponse response{status, version};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = body;
  return response;
}

}  // namespace

HttpResponse handle_web_request(const HttpRequest& request, const RequestInfo&) {
  HttpResponse response;
  const auto path = request.target().substr(0, request.target().find('?'));
  if (path == "/healthz") {
    response =
        request.method() == http::verb::get || request.method() == http::verb::head
            ? text(http::status::ok, "ok\n", request.version())
            : text(http::status::method_not_allowed, "Method not allowed\n", request.version());
  } else {
    response = text(http::status::not_found, "Not found\n", request.version());
  }
  set_security_headers(response);
  return response;
}

}  // namespace valtuus
