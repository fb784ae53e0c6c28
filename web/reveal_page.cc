// The audited reveal of an item's person's identity code. The database records the event in
// the person's name before it gives the sealed code (sql/013_web_pages.sql); the console opens
// it with identity.key_file and puts it in this one response only: a POST (so never in a URL,
// a link or a browser's history), with Cache-Control: no-store, and never in a log line.
#include <fmt/core.h>

#include <algorithm>

#include "common/log.h"
#include "core/errors.h"
#include "web/console_request.h"

namespace http = boost::beast::http;
using kainjow::mustache::data;

namespace valtuus {

HttpResponse Console::reveal(Request& request, long long id) {
  if (!request.session->is_staff()) return request.staff_only();
  const std::string& person = request.session->account;
  const std::string back = "/items/" + std::to_string(id);
  if (!identity_)
    return request.message_page(http::status::service_unavailable, request.t("reveal_unavailable"),
                                back);
  try {
    const RevealedIdentityCode revealed = store_.reveal_identity_code(person, id);
    std::string code = identity_->open(revealed.employee_key, revealed.sealed);
    log_info(
        fmt::format("web: {} revealed the identity code of the person of item {}", person, id));
    data values;
    values.set("id", std::to_string(id));
    values.set("person", revealed.display_name + " (" + revealed.account + ")");
    values.set("code", code);
    HttpResponse response = request.page(http::status::ok, request.t("reveal_title"), "reveal",
                                         values, request.t("reveal_shown_once"), "info");
    std::fill(code.begin(), code.end(), '\0');
    return response;
  } catch (const WebRefusal& refusal) {
    log_info(fmt::format("web: reveal on item {} by {} refused: {}", id, person, refusal.what()));
    const auto status = refusal.kind() == WebRefusal::Kind::kNotAllowed ? http::status::forbidden
                        : refusal.kind() == WebRefusal::Kind::kNotFound ? http::status::not_found
                                                                        : http::status::conflict;
    const std::string text = refusal.kind() == WebRefusal::Kind::kNotAllowed
                                 ? request.t("not_allowed")
                                 : request.t("reveal_not_possible") + " " + refusal.what();
    return request.message_page(status, text, back);
  } catch (const DataError& e) {
    // A wrong key file or a tampered row; the message never holds the code.
    log_warning(fmt::format("web: reveal on item {} by {}: {}", id, person, e.what()));
    return request.message_page(http::status::internal_server_error,
                                request.t("reveal_not_possible"), back);
  }
}

}  // namespace valtuus
