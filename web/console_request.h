// One request being answered by the console: its session, form, query and language, and the
// ways to answer it (a page in the person's language, a message, a redirect). Shared by the
// files that hold the console's page handlers (console.cc, leaver_pages.cc, ...).
#pragma once

#include <charconv>
#include <optional>
#include <string>

#include "pages/i18n.h"
#include "pages/page_renderer.h"
#include "web/console.h"
#include "web/http_forms.h"
#include "web/page_viewer.h"
#include "web/random_token.h"

namespace valtuus {

namespace console_detail {

inline constexpr const char* kSessionCookie = "valtuus_session";
inline constexpr const char* kLoginCsrfCookie = "valtuus_login_csrf";
inline constexpr const char* kLanguageCookie = "valtuus_lang";

template <typename Number>
std::optional<Number> number(const std::string& text) {
  Number value{};
  const auto end = text.data() + text.size();
  const auto [at, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc{} || at != end || text.empty()) return std::nullopt;
  return value;
}

inline std::optional<std::string> non_empty(const FormFields& fields, const std::string& name) {
  const auto found = fields.find(name);
  if (found == fields.end() || found->second.empty()) return std::nullopt;
  return found->second;
}

}  // namespace console_detail

class Console::Request {
 public:
  Request(const HttpRequest& raw_request, const RequestInfo& request_info, SessionStore& sessions)
      : raw(raw_request), info(request_info) {
    const std::string_view header = to_std(raw[boost::beast::http::field::cookie]);
    if (auto token = cookie_value(header, console_detail::kSessionCookie))
      session = sessions.find(*token);
    if (raw.method() == boost::beast::http::verb::post &&
        raw[boost::beast::http::field::content_type].starts_with(
            "application/x-www-form-urlencoded")) {
      form = parse_form(raw.body());
    }
    query = parse_query(to_std(raw.target()));
    if (session) {
      language = language_from_code(session->language).value_or(Language::kFi);
    } else if (auto code = cookie_value(header, console_detail::kLanguageCookie)) {
      language = language_from_code(*code).value_or(Language::kFi);
    }
  }

  std::string field(const std::string& name) const {
    const auto found = form.find(name);
    return found == form.end() ? "" : found->second;
  }

  // The session's CSRF token came back with the form.
  bool csrf_ok() const { return session && tokens_equal(field("csrf"), session->csrf); }

  std::string t(std::string_view key) const { return message(language, key); }

  HttpResponse page(boost::beast::http::status status, const std::string& title,
                    std::string_view name, kainjow::mustache::data values,
                    const std::string& notice = "", const std::string& notice_kind = "info") const {
    PageFrame frame{language, {}, title, notice, notice_kind};
    if (session) frame.viewer = page_viewer(*session);
    HttpResponse response{status, raw.version()};
    response.set(boost::beast::http::field::content_type, "text/html; charset=utf-8");
    // Every page may show personal data, or a form's token: never stored by a browser or proxy.
    response.set(boost::beast::http::field::cache_control, "no-store");
    response.body() = render_page(frame, name, std::move(values));
    return response;
  }

  HttpResponse message_page(boost::beast::http::status status, const std::string& text,
                            const std::string& link = "/") const {
    kainjow::mustache::data values;
    values.set("text", text);
    values.set("link", link);
    values.set("link_text", t("back_to_queue"));
    return page(status, t("app_name"), "message", values);
  }

  // A page of the mandate administration asked for by someone without a staff role: an
  // employee is sent to their own pages.
  HttpResponse staff_only() const {
    const bool employee = session && !session->employee_ref.empty();
    return message_page(boost::beast::http::status::forbidden,
                        t(employee ? "staff_only" : "no_roles"), "/me");
  }

  HttpResponse redirect(const std::string& location) const {
    HttpResponse response{boost::beast::http::status::see_other, raw.version()};
    response.set(boost::beast::http::field::location, location);
    response.set(boost::beast::http::field::cache_control, "no-store");
    return response;
  }

  const HttpRequest& raw;
  const RequestInfo& info;
  std::optional<WebSession> session;
  FormFields form;
  FormFields query;
  Language language = Language::kFi;
};

}  // namespace valtuus
