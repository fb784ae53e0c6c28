// What every response of the console carries, and the routes that need no session and no
// database: the health check and the compiled-in static files (styles, licences).
#pragma once

#include <optional>

#include "web/http_types.h"

namespace valtuus {

// No framing by other sites, no content sniffing, no referrer leaving the console, and only
// the console's own resources (HDS's icons are data: URIs).
void set_security_headers(HttpResponse& response);

// /healthz and /static/...; nullopt for any other path.
std::optional<HttpResponse> handle_public_request(const HttpRequest& request);

// handle_public_request, else 404; with the security headers. The whole console without
// the pages (the server tests use it).
HttpResponse handle_web_request(const HttpRequest& request, const RequestInfo& info);

}  // namespace valtuus
