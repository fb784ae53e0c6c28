// The HTTP messages the console's handlers take and give: Boost.Beast's, with string bodies
// (requests are small and bounded by web.max_body_bytes; pages are rendered whole).
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <string>
#include <string_view>

namespace valtuus {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Beast's string_view (Boost's) as the standard one.
inline std::string_view to_std(boost::beast::string_view text) {
  return {text.data(), text.size()};
}

// The peer_address of a request that came over web.socket (never an IP address).
inline constexpr const char* kUnixSocketPeer = "unix";

// What the server knows about a request besides its text.
struct RequestInfo {
  // The client's IP address (the reverse proxy's, behind one), or kUnixSocketPeer.
  std::string peer_address;
  bool tls = false;  // received over HTTPS served by valtuus-web itself
};

// Answers one request. Runs on one of the server's threads; may block (database, directory).
// An exception becomes a bare 500 without its text, which may name personal data.
using HttpHandler = std::function<HttpResponse(const HttpRequest&, const RequestInfo&)>;

}  // namespace valtuus
