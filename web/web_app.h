// The console's routes: which handler answers which method and path. Pages come in later
// files; this one also sets the headers every response carries.
#pragma once

#include "web/http_types.h"

namespace valtuus {

// Answers every request of the console.
HttpResponse handle_web_request(const HttpRequest& request, const RequestInfo& info);

}  // namespace valtuus
