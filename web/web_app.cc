#include "web/web_app.h"

#include "pages/embedded_files.h"
#include "web/http_forms.h"

namespace http = boost::beast::http;

namespace valtuus {

namespace {

HttpResponse text(http::status status, const std::string& body, unsigned version) {
  HttpResponse response{status, version};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = body;
  return response;
}

std::string content_type(std::string_view path) {
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  return "text/plain; charset=utf-8";
}

}  // namespace

void set_security_headers(HttpResponse& response) {
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
               "form-action 'self'; base-uri 'none'");
}

std::optional<HttpResponse> handle_public_request(const HttpRequest& request) {
  const std::string_view path = target_path(to_std(request.target()));
  const bool get = request.method() == http::verb::get || request.method() == http::verb::head;
  if (path == "/healthz") {
    return get ? text(http::status::ok, "ok\n", request.version())
               : text(http::status::method_not_allowed, "Method not allowed\n", request.version());
  }
  if (path == "/favicon.ico")
    return text(http::status::not_found, "Not found\n", request.version());
  if (path.starts_with("/static/")) {
    const auto& files = embedded_files();
    const auto file = files.find(std::string(path.substr(1)));
    if (!get || file == files.end()) {
      return text(http::status::not_found, "Not found\n", request.version());
    }
    HttpResponse response{http::status::ok, request.version()};
    response.set(http::field::content_type, content_type(path));
    response.set(http::field::cache_control, "public, max-age=86400");
    response.body() = std::string(file->second);
    return response;
  }
  return std::nullopt;
}

HttpResponse handle_web_request(const HttpRequest& request, const RequestInfo&) {
  HttpResponse response = handle_public_request(request).value_or(
      text(http::status::not_found, "Not found\n", request.version()));
  set_security_headers(response);
  return response;
}

}  // namespace valtuus
